import { randomBytes } from "node:crypto";

/**
 * W3C trace context (https://www.w3.org/TR/trace-context/#traceparent-header):
 * `version-traceid-parentid-flags`. We accept version 00 and any future
 * version's first four fields; all-zero ids are invalid by the spec.
 */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

export interface TraceContext {
  traceparent: string;
  traceId: string;
}

/** The trace context of a valid traceparent, or undefined when it is absent or malformed. */
export function parseTraceparent(value: string | undefined | null): TraceContext | undefined {
  if (typeof value !== "string") return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, parentId, flags, rest] = match as unknown as [string, string, string, string, string, string?];
  if (version === "ff") return undefined;
  if (version === "00" && rest !== undefined) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return { traceparent: `${version}-${traceId}-${parentId}-${flags}`, traceId };
}

/** A fresh, sampled trace context for a change that arrived without one. */
export function newTraceContext(): TraceContext {
  const traceId = randomBytes(16).toString("hex");
  const parentId = randomBytes(8).toString("hex");
  return { traceparent: `00-${traceId}-${parentId}-01`, traceId };
}

/** The caller's trace context when valid, otherwise a new one. */
export function traceContextFrom(value: string | undefined | null): TraceContext {
  return parseTraceparent(value) ?? newTraceContext();
}
