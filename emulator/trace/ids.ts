import { randomFillSync } from "node:crypto";

/**
 * Span and trace ids cut from one buffer of random bytes refilled 4 KB at a
 * time: one syscall per ~500 spans instead of one per id.
 */
const pool = Buffer.allocUnsafe(4096);
const ZERO_8 = "0".repeat(16);
const ZERO_16 = "0".repeat(32);
let offset = pool.length;

function take(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString("hex", offset, offset + bytes);
  offset += bytes;
  // All-zero ids are invalid (W3C trace context); 2^-64 odds, but a retry costs nothing.
  return id === ZERO_8 || id === ZERO_16 ? take(bytes) : id;
}

/**
 * A new trace id whose first 8 hex digits are the epoch seconds, as X-Ray's
 * ids are (and OpenTelemetry's X-Ray id generator makes them): the same id is
 * then valid in both forms.
 */
export const newTraceId = (): string => Math.floor(Date.now() / 1000).toString(16).padStart(8, "0") + take(12);
export const newSpanId = (): string => take(8);

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZEROS = /^0+$/;

/** The trace id and parent span id of a valid W3C `traceparent`, as the handlers read it; undefined when absent or malformed. */
export function parseTraceparent(value: unknown): SpanContextLike | undefined {
  if (typeof value !== "string") return undefined;
  const m = TRACEPARENT.exec(value.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, , rest] = m;
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (ZEROS.test(traceId!) || ZEROS.test(spanId!)) return undefined;
  return { traceId: traceId!, spanId: spanId! };
}

interface SpanContextLike {
  traceId: string;
  spanId: string;
}

export function traceparentOf(traceId: string, spanId: string): string {
  return `00-${traceId}-${spanId}-01`;
}

/** The X-Ray form of a W3C trace id: `1-{8 hex}-{24 hex}` (the first 8 hex digits are X-Ray's epoch seconds). */
export function xrayTraceId(traceId: string): string {
  return `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
}
