import type { TraceSpan } from "./span.js";

/** A POST /movies trace shaped as the cloud records it (the trace contract), for rendering tests. */
export const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const t0 = 1_796_000_000_000.125;

const span = (spanId: string, parentSpanId: string | undefined, service: string, operation: string, name: string, start: number, durationMs: number, extra: Partial<TraceSpan> = {}): TraceSpan => ({
  traceId: TRACE_ID,
  spanId,
  ...(parentSpanId ? { parentSpanId } : {}),
  name,
  service,
  operation,
  startTime: t0 + start,
  durationMs,
  status: "ok",
  attributes: {},
  ...extra,
});

export const createMovieSpans: TraceSpan[] = [
  // given out of order on purpose: the waterfall sorts them into a tree
  span("00000000000000b2", "00000000000000b1", "dynamodb", "PutItem", "DynamoDB.PutItem", 20.5, 6.25, { attributes: { "aws.dynamodb.table": "Movies" } }),
  span("00000000000000a1", undefined, "apigateway", "request", "POST /movies", 0, 80, { attributes: { "http.status_code": 201 } }),
  span("00000000000000b1", "00000000000000a1", "lambda", "Invoke", "create-movie", 2, 70, { attributes: { "faas.coldstart": true } }),
  span("00000000000000b3", "00000000000000b1", "sns", "Publish", "SNS.Publish", 30, 4),
  span("00000000000000c1", "00000000000000b3", "sqs", "SendMessage", "SQS.SendMessage", 31, 1),
  span("00000000000000c2", "00000000000000c1", "lambda", "Invoke", "email-notification", 300, 40),
  span("00000000000000c3", "00000000000000c2", "ses", "SendEmail", "SES.SendEmail", 310, 5, {
    status: "error",
    attributes: { "aws.error.code": "AccessDeniedException" },
  }),
];
