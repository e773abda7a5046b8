import { randomUUID } from "node:crypto";
import { AwsError } from "../core/aws-error.js";
import type { SqsModel } from "../sqs/model.js";
import type { ReceivedMessage } from "../sqs/queue.js";
import { failedMessageIds, sqsRecord } from "./sqs-event.js";
import { traceQueueWait } from "../trace/messaging.js";
import { nowMs, type Span, type SpanContext } from "../trace/span.js";
import type { Tracer } from "../trace/tracer.js";

export interface MappingInput {
  functionArn: string;
  eventSourceArn: string;
  batchSize?: number;
  maximumBatchingWindowInSeconds?: number;
  functionResponseTypes?: string[];
  enabled?: boolean;
  tags?: Record<string, string>;
  /** who made it: "stack" mappings are re-created from the applied stack on start, "api" ones from the Lambda API's state */
  origin?: "stack" | "api";
  /** kept across a restart */
  uuid?: string;
}

export interface Mapping {
  uuid: string;
  functionArn: string;
  eventSourceArn: string;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  functionResponseTypes: string[];
  enabled: boolean;
  lastModified: number;
  lastProcessingResult: string;
  tags: Record<string, string>;
  origin: "stack" | "api";
}

/** `arn:aws:lambda:<region>:<account>:event-source-mapping:<uuid>`, in the function's region and account. */
export function mappingArn(m: Pick<Mapping, "functionArn" | "uuid">): string {
  const [, partition, , region, account] = m.functionArn.split(":");
  return `arn:${partition ?? "aws"}:lambda:${region}:${account}:event-source-mapping:${m.uuid}`;
}

export interface MappingInvoker {
  /** `payloadIsJson`: the batch event is JSON the mapping wrote itself (not parsed again to be validated) */
  invoke(functionArn: string, payload: string, options?: { trace?: SpanContext; traceLinks?: SpanContext[]; payloadIsJson?: boolean }): Promise<{ payload: string; functionError?: string }>;
}

export interface SqsMappingsOptions {
  sqs: SqsModel;
  lambda: () => MappingInvoker | undefined;
  region: string;
  /** a failed poll or invocation, for the cloud's log */
  onError?: (message: string) => void;
  /** records each message's wait in the queue, the batching window and the invocation, in the trace of the request that sent the message */
  tracer?: Tracer;
}

/**
 * Lambda event source mappings for SQS: POLLERS_PER_MAPPING pollers per mapping long-poll the
 * queue in-process (so an event reaches the function within milliseconds),
 * invokes the function with Lambda's SQS event, deletes what succeeded and
 * leaves failures to return after the visibility timeout (and reach the
 * dead-letter queue after maxReceiveCount).
 */
/** concurrent batches per mapping: Lambda starts an SQS mapping with five */
export const POLLERS_PER_MAPPING = 5;

export class SqsEventSourceMappings {
  private readonly mappings = new Map<string, Mapping>();
  private readonly pollers = new Map<string, AbortController>();

  constructor(private readonly opts: SqsMappingsOptions) {}

  create(input: MappingInput): Mapping {
    // A restored mapping keeps polling a queue deleted since, reporting the failure, as a mapping on AWS does.
    if (!input.uuid && !this.opts.sqs.queueByArn(input.eventSourceArn)) throw new AwsError("InvalidParameterValueException", `Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. The queue ${input.eventSourceArn} does not exist.`);
    const batchSize = input.batchSize ?? 10;
    const window = input.maximumBatchingWindowInSeconds ?? 0;
    if (batchSize < 1 || batchSize > 10_000) throw new AwsError("InvalidParameterValueException", "BatchSize must be between 1 and 10000");
    if (batchSize > 10 && window < 1) throw new AwsError("InvalidParameterValueException", "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10");
    const mapping: Mapping = {
      uuid: input.uuid ?? randomUUID(),
      functionArn: input.functionArn,
      eventSourceArn: input.eventSourceArn,
      batchSize,
      maximumBatchingWindowInSeconds: window,
      functionResponseTypes: input.functionResponseTypes ?? [],
      enabled: input.enabled ?? true,
      lastModified: Date.now(),
      lastProcessingResult: "No records processed",
      tags: { ...(input.tags ?? {}) },
      origin: input.origin ?? "stack",
    };
    this.mappings.set(mapping.uuid, mapping);
    if (mapping.enabled) this.start(mapping);
    return mapping;
  }

  update(uuid: string, change: Partial<Omit<MappingInput, "eventSourceArn">>): Mapping {
    const m = this.require(uuid);
    this.stop(uuid);
    if (change.functionArn) m.functionArn = change.functionArn;
    if (change.batchSize !== undefined) m.batchSize = change.batchSize;
    if (change.maximumBatchingWindowInSeconds !== undefined) m.maximumBatchingWindowInSeconds = change.maximumBatchingWindowInSeconds;
    if (change.functionResponseTypes) m.functionResponseTypes = change.functionResponseTypes;
    if (change.enabled !== undefined) m.enabled = change.enabled;
    m.lastModified = Date.now();
    if (m.enabled) this.start(m);
    return m;
  }

  delete(uuid: string): Mapping {
    const m = this.require(uuid);
    this.stop(uuid);
    this.mappings.delete(uuid);
    return m;
  }

  get(uuid: string): Mapping | undefined {
    return this.mappings.get(uuid);
  }

  list(filter: { functionArn?: string; eventSourceArn?: string } = {}): Mapping[] {
    return [...this.mappings.values()].filter(
      (m) => (!filter.functionArn || m.functionArn === filter.functionArn || m.functionArn.endsWith(`:function:${filter.functionArn}`)) && (!filter.eventSourceArn || m.eventSourceArn === filter.eventSourceArn),
    );
  }

  /** The Lambda API's view (ListEventSourceMappings / GetEventSourceMapping). */
  describe(m: Mapping): Record<string, unknown> {
    return {
      UUID: m.uuid,
      BatchSize: m.batchSize,
      MaximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
      EventSourceArn: m.eventSourceArn,
      FunctionArn: m.functionArn,
      LastModified: m.lastModified / 1000,
      LastProcessingResult: m.lastProcessingResult,
      State: m.enabled ? "Enabled" : "Disabled",
      StateTransitionReason: "USER_INITIATED",
      FunctionResponseTypes: m.functionResponseTypes,
      EventSourceMappingArn: mappingArn(m),
    };
  }

  close(): void {
    for (const uuid of [...this.pollers.keys()]) this.stop(uuid);
  }

  private require(uuid: string): Mapping {
    const m = this.mappings.get(uuid);
    if (!m) throw new AwsError("ResourceNotFoundException", `The resource you requested does not exist. (Service: Lambda, Status Code: 404)`, 404);
    return m;
  }

  private stop(uuid: string): void {
    this.pollers.get(uuid)?.abort();
    this.pollers.delete(uuid);
  }

  private start(m: Mapping): void {
    const abort = new AbortController();
    this.pollers.set(m.uuid, abort);
    // Lambda polls a standard queue with several batches at once (it starts with five), so a
    // mapping keeps up with a queue whose function takes a while; one sequential poller fell
    // behind at about 20 messages a second and the backlog grew without end.
    for (let i = 0; i < POLLERS_PER_MAPPING; i++) void this.poll(m, abort.signal);
  }

  /** `receivedAt`, when given, gets the time each message of the batch was received (for its spans). */
  private async collect(m: Mapping, signal: AbortSignal, receivedAt?: number[]): Promise<ReceivedMessage[]> {
    const batch: ReceivedMessage[] = [];
    const stamp = () => {
      if (!receivedAt) return;
      const at = nowMs();
      while (receivedAt.length < batch.length) receivedAt.push(at);
    };
    // the first receive waits as long as needed; then the batching window may gather more
    batch.push(...(await this.opts.sqs.receiveByArn(m.eventSourceArn, { maxMessages: Math.min(10, m.batchSize), waitSeconds: 20, signal })));
    stamp();
    if (batch.length === 0 || m.maximumBatchingWindowInSeconds === 0) return batch;
    const deadline = Date.now() + m.maximumBatchingWindowInSeconds * 1000;
    while (batch.length < m.batchSize && Date.now() < deadline && !signal.aborted) {
      const wait = Math.max(0, Math.min(20, (deadline - Date.now()) / 1000));
      const more = await this.opts.sqs.receiveByArn(m.eventSourceArn, { maxMessages: Math.min(10, m.batchSize - batch.length), waitSeconds: wait, signal });
      if (more.length === 0) break;
      batch.push(...more);
      stamp();
    }
    return batch;
  }

  private async poll(m: Mapping, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let batch: ReceivedMessage[];
      const receivedAt: number[] | undefined = this.opts.tracer ? [] : undefined;
      try {
        batch = await this.collect(m, signal, receivedAt);
      } catch (e) {
        if (signal.aborted) return;
        this.opts.onError?.(`event source mapping ${m.uuid}: receive from ${m.eventSourceArn} failed: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (batch.length === 0 || signal.aborted) continue;
      const lambda = this.opts.lambda();
      if (!lambda) continue;
      const event = { Records: batch.map((r) => sqsRecord(r, m.eventSourceArn, this.opts.region)) };
      let failed: Set<string>;
      const traced = this.opts.tracer && this.traceBatch(this.opts.tracer, m, batch, receivedAt!);
      try {
        const result = await lambda.invoke(m.functionArn, JSON.stringify(event), { trace: traced?.parent, traceLinks: traced?.links, payloadIsJson: true });
        failed = failedMessageIds(
          batch.map((r) => r.message.id),
          result,
          m.functionResponseTypes.includes("ReportBatchItemFailures"),
        );
        m.lastProcessingResult = failed.size === 0 ? "OK" : `${failed.size} of ${batch.length} records failed`;
        // a mapping deleted mid-batch (its function is usually going too) has nobody left to tell
        if (result.functionError && !signal.aborted) this.opts.onError?.(`event source mapping ${m.uuid}: ${m.functionArn} failed: ${result.payload.slice(0, 300)}`);
      } catch (e) {
        failed = new Set(batch.map((r) => r.message.id));
        m.lastProcessingResult = `PROBLEM: ${(e as Error).message}`;
        if (!signal.aborted) this.opts.onError?.(`event source mapping ${m.uuid}: invoking ${m.functionArn} failed: ${(e as Error).message}`);
      }
      if (traced) this.traceOutcome(this.opts.tracer!, traced.spans, batch, failed);
      for (const r of batch) {
        if (failed.has(r.message.id)) continue;
        try {
          this.opts.sqs.deleteByArn(m.eventSourceArn, r.receiptHandle);
        } catch {
          // the receipt expired (the function ran past the visibility timeout): SQS redelivers, as on AWS
        }
      }
    }
  }

  /**
   * Per message of a batch: its wait in the queue and, when the mapping has a
   * batching window, the time it spent in the window. The invocation joins the
   * trace of the first traced message and links the others (one invocation
   * can have only one parent, as on AWS with X-Ray).
   */
  private traceBatch(tracer: Tracer, m: Mapping, batch: ReceivedMessage[], receivedAt: number[]): { parent?: SpanContext; links: SpanContext[]; spans: (Span | undefined)[] } {
    const queue = m.eventSourceArn.slice(m.eventSourceArn.lastIndexOf(":") + 1);
    const closedAt = nowMs();
    const window = m.maximumBatchingWindowInSeconds;
    const spans: (Span | undefined)[] = [];
    let parent: SpanContext | undefined;
    const links: SpanContext[] = [];
    batch.forEach((r, i) => {
      const at = receivedAt[i] ?? closedAt;
      const wait = traceQueueWait(tracer, queue, { id: r.message.id, sentAt: r.message.sentAt, traceparent: r.message.attributes?.traceparent?.StringValue, receiveCount: r.receiveCount }, at);
      let last = wait;
      if (wait && window > 0) {
        last = tracer.record({
          parent: wait,
          name: `Lambda batching window (${window} s, ${batch.length} of ${m.batchSize})`,
          service: "lambda",
          operation: "BatchingWindow",
          kind: "consumer",
          startTime: at,
          endTime: closedAt,
          attributes: { "aws.lambda.event_source_mapping": m.uuid, "movies.batch.size": batch.length, "movies.batch.window_s": window, "messaging.message.id": r.message.id },
        });
      }
      spans.push(last);
      if (!last) return;
      if (!parent) parent = last;
      else links.push(last);
    });
    return { parent, links, spans };
  }

  /** A message the function did not process goes back to the queue: its own span, which the redelivery's wait follows. */
  private traceOutcome(tracer: Tracer, spans: (Span | undefined)[], batch: ReceivedMessage[], failed: Set<string>): void {
    batch.forEach((r, i) => {
      const span = spans[i];
      if (!span) return;
      if (!failed.has(r.message.id)) {
        tracer.dequeued(r.message.id);
        return;
      }
      const at = nowMs();
      tracer.record({
        parent: span,
        name: `SQS message returned for retry (receive ${r.receiveCount})`,
        service: "sqs",
        operation: "ChangeMessageVisibility",
        kind: "internal",
        startTime: at,
        endTime: at,
        status: "error",
        attributes: { "messaging.message.id": r.message.id, "messaging.aws_sqs.receive_count": r.receiveCount },
      });
    });
  }
}
