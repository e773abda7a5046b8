import type { Span, TraceDetail, TraceSummary } from "./span.js";

export type { TraceDetail, TraceSummary } from "./span.js";

/** Traces kept when neither the cloud option nor MOVIES_TRACE_LIMIT says otherwise. */
export const DEFAULT_TRACE_LIMIT = 500;
/** Spans kept per trace: a runaway loop in one trace cannot take the memory of the others. */
export const MAX_SPANS_PER_TRACE = 2000;

/** The trace limit from MOVIES_TRACE_LIMIT (a whole number; 0 turns tracing off), else the default. */
export function traceLimitFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MOVIES_TRACE_LIMIT;
  if (raw === undefined || raw === "") return DEFAULT_TRACE_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`MOVIES_TRACE_LIMIT must be a whole number of traces (0 turns tracing off), got ${JSON.stringify(raw)}`);
  return n;
}



interface Entry {
  spans: Span[];
  errors: number;
  /** spans not kept because the trace held MAX_SPANS_PER_TRACE */
  dropped: number;
}

export type SpanListener = (span: Span) => void;

/**
 * The most recent traces, in the order their first span finished; adding a
 * span of a new trace past the limit evicts the oldest trace whole. Spans are
 * kept as they were recorded (no copies): callers must not change them.
 */
export class TraceStore {
  private readonly traces = new Map<string, Entry>();
  private readonly listeners = new Set<SpanListener>();
  private evicted = 0;

  constructor(readonly limit: number = DEFAULT_TRACE_LIMIT) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`the trace limit must be a positive whole number, got ${limit}`);
  }

  /** A finished span: stored, then handed to every subscriber. */
  add(span: Span): void {
    let entry = this.traces.get(span.traceId);
    if (!entry) {
      entry = { spans: [], errors: 0, dropped: 0 };
      this.traces.set(span.traceId, entry);
      if (this.traces.size > this.limit) {
        // Maps iterate in insertion order: the first key is the oldest trace.
        this.traces.delete(this.traces.keys().next().value!);
        this.evicted++;
      }
    }
    if (entry.spans.length >= MAX_SPANS_PER_TRACE) entry.dropped++;
    else {
      entry.spans.push(span);
      if (span.status === "error") entry.errors++;
    }
    for (const l of this.listeners) {
      try {
        l(span);
      } catch {
        // a subscriber's failure is its own; recording goes on
      }
    }
  }

  /** Called for each finished span; returns the unsubscribe function. */
  subscribe(listener: SpanListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Newest first. */
  list(limit = 50): TraceSummary[] {
    const ids = [...this.traces.keys()];
    const out: TraceSummary[] = [];
    for (let i = ids.length - 1; i >= 0 && out.length < limit; i--) out.push(this.summary(ids[i]!, this.traces.get(ids[i]!)!));
    return out;
  }

  get(traceId: string): TraceDetail | undefined {
    const entry = this.traces.get(traceId);
    if (!entry) return undefined;
    return { traceId, spans: [...entry.spans].sort((a, b) => a.startTime - b.startTime) };
  }

  /** The newest trace whose root span satisfies `test` (e.g. an API Gateway request). */
  latest(test: (root: Span) => boolean): TraceDetail | undefined {
    const ids = [...this.traces.keys()];
    for (let i = ids.length - 1; i >= 0; i--) {
      const root = rootOf(this.traces.get(ids[i]!)!.spans);
      if (root && test(root)) return this.get(ids[i]!);
    }
    return undefined;
  }

  get size(): number {
    return this.traces.size;
  }

  stats(): { traces: number; limit: number; evicted: number } {
    return { traces: this.traces.size, limit: this.limit, evicted: this.evicted };
  }

  clear(): void {
    this.traces.clear();
  }

  private summary(traceId: string, entry: Entry): TraceSummary {
    let start = Infinity;
    let end = -Infinity;
    for (const s of entry.spans) {
      if (s.startTime < start) start = s.startTime;
      if (s.startTime + s.durationMs > end) end = s.startTime + s.durationMs;
    }
    const root = rootOf(entry.spans);
    return {
      traceId,
      name: root?.name ?? "",
      startTime: start,
      durationMs: Math.max(0, end - start),
      spanCount: entry.spans.length,
      errorCount: entry.errors,
      status: entry.errors > 0 ? "error" : "ok",
    };
  }
}

/**
 * The span without a parent, or whose parent is not in the trace (its caller
 * recorded it elsewhere); the earliest such span when there are several.
 */
export function rootOf(spans: readonly Span[]): Span | undefined {
  let root: Span | undefined;
  let ids: Set<string> | undefined;
  for (const s of spans) {
    if (s.parentSpanId !== undefined) {
      ids ??= new Set(spans.map((x) => x.spanId));
      if (ids.has(s.parentSpanId)) continue;
    }
    if (!root || s.startTime < root.startTime) root = s;
  }
  return root;
}
