/** Which part of the system a span belongs to; the same names as `movies trace --json` prints. */
export type SpanService = "apigateway" | "lambda" | "dynamodb" | "sns" | "sqs" | "ses" | "sts" | "iam" | "logs" | (string & {});

/** OpenTelemetry's span kinds, lower case; the OTLP encoder maps them to SPAN_KIND_*. */
export type SpanKind = "server" | "client" | "producer" | "consumer" | "internal";

export type AttributeValue = string | number | boolean;

/** One timed step of a request, as the trace contract (and `movies trace --json`) describes it. */
export interface Span {
  /** 32 lowercase hex */
  traceId: string;
  /** 16 lowercase hex */
  spanId: string;
  /** undefined for the root of a trace */
  parentSpanId?: string;
  name: string;
  service: SpanService;
  operation: string;
  /** Unix epoch milliseconds, fractional (microsecond precision) */
  startTime: number;
  durationMs: number;
  status: "ok" | "error";
  attributes: Record<string, AttributeValue>;
  /** causal links to spans of this or another trace (a batch links the messages it holds) */
  links?: { traceId: string; spanId: string }[];
  /** OpenTelemetry span kind; absent means internal */
  kind?: SpanKind;
}

/** One line of `GET /_movies/traces`. */
export interface TraceSummary {
  traceId: string;
  /** the root span's name, e.g. "POST /movies" */
  name: string;
  startTime: number;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  status: "ok" | "error";
}

export interface TraceDetail {
  traceId: string;
  /** sorted by startTime */
  spans: Span[];
}

/** Where a child span attaches: its trace and its parent. */
export interface SpanContext {
  traceId: string;
  spanId: string;
}

/** Epoch milliseconds with the monotonic clock's sub-millisecond part. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
