import type { AttributeValue, Span } from "../../emulator/trace/span.js";
import type { TraceDetail, TraceSummary as StoreTraceSummary } from "../../emulator/trace/store.js";

/**
 * The span as the trace contract defines it, the cloud's own type: the same
 * shape in the cloud, its admin API, `movies trace --json` and what the X-Ray
 * reader produces.
 */
export type TraceSpan = Span;
export type { AttributeValue };

/** A trace as `GET /_movies/traces/{id}` answers it; the X-Ray reader builds the same. */
export type Trace = TraceDetail;
/** One line of a trace listing (`GET /_movies/traces`, or an X-Ray trace summary). */
export type TraceSummary = StoreTraceSummary;

const HEX32 = /^[0-9a-f]{32}$/;
const XRAY_ID = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/;

/** The X-Ray form of a 128-bit trace id: `1-` + 8 hex (epoch seconds) + `-` + 24 hex. */
export function toXrayId(traceId: string): string {
  return `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
}

export function fromXrayId(xrayId: string): string | undefined {
  const m = XRAY_ID.exec(xrayId.toLowerCase());
  return m ? m[1]! + m[2]! : undefined;
}

/**
 * Reads a trace id as a person pastes it: the 32-hex id, the X-Ray form, or a
 * whole `X-Amzn-Trace-Id` header value (`Root=1-...;Parent=...;Sampled=1`).
 * Undefined when it is none of these.
 */
export function parseTraceId(input: string): string | undefined {
  const text = input.trim().toLowerCase();
  if (HEX32.test(text)) return text;
  const root = /(?:^|;)\s*root=([^;]+)/.exec(text);
  return fromXrayId(root ? root[1]!.trim() : text);
}

/** The trace id carried by an `X-Amzn-Trace-Id` response header, as 32 hex. */
export function traceIdFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const root = /(?:^|;)\s*Root=([^;]+)/i.exec(header);
  return root ? fromXrayId(root[1]!.trim()) : undefined;
}

/** The fields `--json` promises, in that order (links only where there are some). */
export function jsonSpan(s: TraceSpan): Record<string, unknown> {
  return {
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    name: s.name,
    service: s.service,
    operation: s.operation,
    startTime: s.startTime,
    durationMs: s.durationMs,
    status: s.status,
    attributes: s.attributes,
    ...(s.links?.length ? { links: s.links } : {}),
  };
}

/** A trace's summary line computed from its spans (the X-Ray reader and tests use it). */
export function summarize(trace: Trace): TraceSummary {
  const spans = trace.spans;
  const ids = new Set(spans.map((s) => s.spanId));
  const root = spans.find((s) => !s.parentSpanId || !ids.has(s.parentSpanId)) ?? spans[0];
  const start = Math.min(...spans.map((s) => s.startTime));
  const end = Math.max(...spans.map((s) => s.startTime + s.durationMs));
  const errorCount = spans.filter((s) => s.status === "error").length;
  return {
    traceId: trace.traceId,
    name: root?.name ?? "",
    startTime: spans.length ? start : 0,
    durationMs: spans.length ? end - start : 0,
    spanCount: spans.length,
    errorCount,
    status: errorCount ? "error" : "ok",
  };
}
