import { newSpanId, newTraceId } from "./ids.js";
import { nowMs, type AttributeValue, type Span, type SpanContext, type SpanKind, type SpanService } from "./span.js";
import { TraceStore } from "./store.js";

export interface SpanStart {
  /** the parent (its trace id is the span's); a new trace when absent */
  parent?: SpanContext;
  /** a trace id without a known parent span (a caller's traceparent or a message's) */
  traceId?: string;
  name: string;
  service: SpanService;
  operation: string;
  kind?: SpanKind;
  attributes?: Record<string, AttributeValue>;
  /** epoch ms, when the step began before the span could be opened (a message's wait in a queue) */
  startTime?: number;
  links?: SpanContext[];
}

/**
 * Opens and finishes spans. An open span is the Span object itself, changed in
 * place and handed to the store when it ends: one object per span. It also
 * knows which invocation each execution environment is running, so an AWS
 * call made with that environment's credentials becomes the invocation's
 * child, and which span enqueued each SQS message still in a queue.
 */
export class Tracer {
  private readonly running = new Map<string, Span>();
  /** SQS message id -> the span that put it in its queue; bounded like the store */
  private readonly messages = new Map<string, { by?: Span; at?: number }>();
  private readonly maxMessages: number;

  constructor(readonly store: TraceStore) {
    this.maxMessages = Math.max(1000, store.limit * 20);
  }

  begin(init: SpanStart): Span {
    const span: Span = {
      traceId: init.parent?.traceId ?? init.traceId ?? newTraceId(),
      spanId: newSpanId(),
      parentSpanId: init.parent?.spanId,
      name: init.name,
      service: init.service,
      operation: init.operation,
      startTime: init.startTime ?? nowMs(),
      // negative while open: end() knows a span it already stored without a second structure
      durationMs: -1,
      status: "ok",
      attributes: init.attributes ?? {},
      kind: init.kind,
    };
    if (init.links && init.links.length > 0) span.links = init.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId }));
    return span;
  }

  /** Finishes a span (once; later calls do nothing) and stores it. */
  end(span: Span, status?: "ok" | "error", endTime = nowMs()): void {
    if (span.durationMs >= 0) return;
    if (status) span.status = status;
    span.durationMs = Math.max(0, endTime - span.startTime);
    this.store.add(span);
  }

  /** A span that is over as soon as it is known (a step whose start and end were both observed elsewhere). */
  record(init: SpanStart & { endTime: number; status?: "ok" | "error" }): Span {
    const span = this.begin(init);
    this.end(span, init.status, init.endTime);
    return span;
  }

  /** The execution environment holding this access key runs `invocation` until unbind. */
  bind(accessKeyId: string, invocation: Span): void {
    this.running.set(accessKeyId, invocation);
  }

  unbind(accessKeyId: string, invocation: Span): void {
    if (this.running.get(accessKeyId) === invocation) this.running.delete(accessKeyId);
  }

  /** The invocation running in the environment that holds this key, if any. */
  invocationOf(accessKeyId: string | undefined): Span | undefined {
    return accessKeyId === undefined ? undefined : this.running.get(accessKeyId);
  }

  /** Remembers which span enqueued an SQS message, for the consumer that receives it. */
  enqueued(messageId: string, by: Span): void {
    this.remember(messageId, { by });
  }

  enqueuedBy(messageId: string): Span | undefined {
    return this.messages.get(messageId)?.by;
  }

  /** A consumer received the message at `at` (epoch ms): a redelivery's wait starts there. */
  handedOut(messageId: string, at: number): void {
    const m = this.messages.get(messageId);
    if (m) m.at = at;
    else this.remember(messageId, { at });
  }

  lastHandedOut(messageId: string): number | undefined {
    return this.messages.get(messageId)?.at;
  }

  private remember(messageId: string, entry: { by?: Span; at?: number }): void {
    this.messages.set(messageId, entry);
    if (this.messages.size > this.maxMessages) this.messages.delete(this.messages.keys().next().value!);
  }

  /** The message left its queue for good (deleted or dead-lettered). */
  dequeued(messageId: string): void {
    this.messages.delete(messageId);
  }
}
