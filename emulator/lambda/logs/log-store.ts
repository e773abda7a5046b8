import { RingBuffer } from "./ring-buffer.js";

/** One log event of a function, in CloudWatch Logs terms. */
export interface LogEvent {
  functionName: string;
  logGroupName: string;
  logStreamName: string;
  /** epoch ms when the line was written */
  timestamp: number;
  /** epoch ms when the store received it */
  ingestionTime: number;
  message: string;
  /** the invocation the line belongs to, when known */
  requestId?: string;
}

export interface LogQuery {
  functionName: string;
  /** only events at or after this epoch ms */
  since?: number;
  /** only events before this epoch ms */
  until?: number;
  requestId?: string;
  logStreamName?: string;
  /** newest events win when more match */
  limit?: number;
}

export interface LogStreamSummary {
  logStreamName: string;
  firstEventTimestamp: number;
  lastEventTimestamp: number;
}

export type LogListener = (event: LogEvent) => void;

/** Lambda's Tail log type returns at most the last 4 KB of the invocation's log. */
export const TAIL_BYTES = 4096;

export const DEFAULT_EVENTS_PER_FUNCTION = 10_000;

/**
 * Log events per function, kept in a ring buffer each so a chatty function
 * cannot grow memory without bound. Readers query, or subscribe to follow.
 */
export class LogStore {
  private readonly buffers = new Map<string, RingBuffer<LogEvent>>();
  private readonly listeners = new Map<string | undefined, Set<LogListener>>();

  constructor(readonly eventsPerFunction = DEFAULT_EVENTS_PER_FUNCTION) {}

  append(event: Omit<LogEvent, "ingestionTime">): void {
    const stored: LogEvent = { ...event, ingestionTime: Date.now() };
    let buffer = this.buffers.get(event.functionName);
    if (!buffer) {
      buffer = new RingBuffer<LogEvent>(this.eventsPerFunction);
      this.buffers.set(event.functionName, buffer);
    }
    buffer.push(stored);
    for (const key of [event.functionName, undefined]) {
      for (const listener of this.listeners.get(key) ?? []) listener(stored);
    }
  }

  query(q: LogQuery): LogEvent[] {
    const all = this.buffers.get(q.functionName)?.toArray() ?? [];
    const matched = all.filter(
      (e) =>
        (q.since === undefined || e.timestamp >= q.since) &&
        (q.until === undefined || e.timestamp < q.until) &&
        (q.requestId === undefined || e.requestId === q.requestId) &&
        (q.logStreamName === undefined || e.logStreamName === q.logStreamName),
    );
    return q.limit !== undefined && matched.length > q.limit ? matched.slice(matched.length - q.limit) : matched;
  }

  /** Streams of a function with events still in the buffer, newest last. */
  streams(functionName: string): LogStreamSummary[] {
    const byStream = new Map<string, LogStreamSummary>();
    for (const e of this.buffers.get(functionName)?.toArray() ?? []) {
      const s = byStream.get(e.logStreamName);
      if (s) s.lastEventTimestamp = e.timestamp;
      else byStream.set(e.logStreamName, { logStreamName: e.logStreamName, firstEventTimestamp: e.timestamp, lastEventTimestamp: e.timestamp });
    }
    return [...byStream.values()].sort((a, b) => a.lastEventTimestamp - b.lastEventTimestamp);
  }

  /** Calls the listener with every new event of the function (or of all functions); returns the unsubscribe. */
  subscribe(functionName: string | undefined, listener: LogListener): () => void {
    let set = this.listeners.get(functionName);
    if (!set) {
      set = new Set();
      this.listeners.set(functionName, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** how many events of the function were dropped because its buffer was full */
  dropped(functionName: string): number {
    return this.buffers.get(functionName)?.dropped ?? 0;
  }

  deleteFunction(functionName: string): void {
    this.buffers.delete(functionName);
  }
}

/** The last 4 KB of an invocation's log lines, base64, as `X-Amz-Log-Result` carries it. */
export function tailOf(lines: string[]): string {
  const text = Buffer.from(lines.map((l) => `${l}\n`).join(""), "utf8");
  return text.subarray(Math.max(0, text.length - TAIL_BYTES)).toString("base64");
}
