import type { AttributeValue, Span, SpanKind } from "./span.js";

/** OTLP's AnyValue, as OTLP/JSON writes it (64-bit integers as decimal strings). */
export type OtlpAnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  links?: { traceId: string; spanId: string }[];
  status: { code: number; message?: string };
}

/** An OTLP/JSON ExportTraceServiceRequest: what `POST /v1/traces` takes and what OpenTelemetry viewers load from a file. */
export interface OtlpTraceRequest {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string; version?: string }; spans: OtlpSpan[] }[];
  }[];
}

/** opentelemetry.proto.trace.v1.Span.SpanKind; OTLP/JSON writes enums as integers. */
const SPAN_KIND: Record<SpanKind, number> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
/** opentelemetry.proto.trace.v1.Status.StatusCode */
const STATUS_OK = 1;
const STATUS_ERROR = 2;

export const OTLP_SCOPE = { name: "movies-cloud", version: "1" };

/** The resource of every span the cloud records, unless the caller names its own. */
export const DEFAULT_RESOURCE: Record<string, string> = { "service.name": "movies", "cloud.provider": "movies-embedded-cloud" };

/** Epoch milliseconds (fractional, microsecond precision) as the decimal string of epoch nanoseconds, to the microsecond. */
export function unixNano(ms: number): string {
  let whole = Math.floor(ms);
  // a double holds epoch milliseconds to about 0.2 µs: whole microseconds are what is really known
  let nanos = Math.round((ms - whole) * 1e3) * 1e3;
  if (nanos >= 1e6) {
    whole += 1;
    nanos -= 1e6;
  }
  return whole === 0 ? String(nanos) : `${whole}${String(nanos).padStart(6, "0")}`;
}

export function anyValue(v: AttributeValue): OtlpAnyValue {
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  return Number.isSafeInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

function keyValues(attrs: Record<string, AttributeValue>): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  for (const key of Object.keys(attrs)) out.push({ key, value: anyValue(attrs[key]!) });
  return out;
}

export function otlpSpan(s: Span): OtlpSpan {
  // service and operation have no OTLP field of their own: they travel as attributes
  const attributes = keyValues(s.attributes);
  attributes.push({ key: "movies.service", value: { stringValue: s.service } }, { key: "movies.operation", value: { stringValue: s.operation } });
  const error = s.status === "error";
  const code = s.attributes["aws.error.code"];
  const out: OtlpSpan = {
    traceId: s.traceId,
    spanId: s.spanId,
    name: s.name,
    kind: SPAN_KIND[s.kind ?? "internal"],
    startTimeUnixNano: unixNano(s.startTime),
    endTimeUnixNano: unixNano(s.startTime + s.durationMs),
    attributes,
    status: error ? { code: STATUS_ERROR, ...(code !== undefined ? { message: String(code) } : {}) } : { code: STATUS_OK },
  };
  if (s.parentSpanId) out.parentSpanId = s.parentSpanId;
  if (s.links && s.links.length > 0) out.links = s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId }));
  return out;
}

/**
 * Spans as one OTLP/JSON export request (`resourceSpans` -> `scopeSpans` ->
 * `spans`): ids in lowercase hex, times as strings of Unix nanoseconds, enums
 * as integers, attributes as AnyValues, as the OTLP/JSON encoding specifies.
 */
export function toOtlpJson(spans: Span[], resource: Record<string, string> = DEFAULT_RESOURCE): OtlpTraceRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: keyValues(resource) },
        scopeSpans: [{ scope: { ...OTLP_SCOPE }, spans: spans.map(otlpSpan) }],
      },
    ],
  };
}
