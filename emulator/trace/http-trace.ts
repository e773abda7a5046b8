import type { IncomingHttpHeaders } from "node:http";
import { parseTraceparent, xrayTraceId } from "./ids.js";

const XRAY_ROOT = /(?:^|;)\s*Root=1-([0-9a-f]{8})-([0-9a-f]{24})(?:;|$)/;

/**
 * The trace an HTTP request belongs to: the caller's W3C `traceparent` when
 * valid, else the root of its X-Ray `X-Amzn-Trace-Id`, else none (a new trace).
 */
export function traceOfRequest(headers: IncomingHttpHeaders): { traceId?: string; callerSpanId?: string } {
  const tp = parseTraceparent(headers.traceparent);
  if (tp) return { traceId: tp.traceId, callerSpanId: tp.spanId };
  const xray = headers["x-amzn-trace-id"];
  const m = typeof xray === "string" ? XRAY_ROOT.exec(xray) : null;
  if (m && !/^0+$/.test(m[1]! + m[2]!)) return { traceId: m[1]! + m[2]! };
  return {};
}

/** `X-Amzn-Trace-Id` as API Gateway answers it with tracing on. */
export function xrayTraceHeader(traceId: string): string {
  return `Root=${xrayTraceId(traceId)}`;
}

/** A trace id given as 32 hex digits or in its X-Ray form `1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy`; undefined otherwise. */
export function normalTraceId(id: string): string | undefined {
  const lower = id.toLowerCase();
  if (/^[0-9a-f]{32}$/.test(lower)) return lower;
  const m = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/.exec(lower);
  return m ? m[1]! + m[2]! : undefined;
}
