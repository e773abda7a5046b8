import { fromXrayId, type AttributeValue, type TraceSpan } from "./span.js";

/**
 * An X-Ray segment or subsegment document, the fields we read (AWS X-Ray
 * developer guide, "segment documents"). Times are epoch seconds.
 */
export interface XraySegmentDocument {
  id: string;
  name: string;
  trace_id?: string;
  parent_id?: string;
  type?: "subsegment";
  start_time: number;
  end_time?: number;
  in_progress?: boolean;
  origin?: string;
  namespace?: "aws" | "remote" | string;
  inferred?: boolean;
  error?: boolean;
  fault?: boolean;
  throttle?: boolean;
  cause?: string | { exceptions?: { id?: string; type?: string; message?: string; remote?: boolean }[] };
  http?: { request?: { method?: string; url?: string }; response?: { status?: number } };
  aws?: Record<string, unknown>;
  subsegments?: XraySegmentDocument[];
}

/** X-Ray origins (segment types) as the trace contract's services. */
const ORIGIN_SERVICE: Record<string, string> = {
  "AWS::ApiGateway::Stage": "apigateway",
  "AWS::Lambda": "lambda",
  "AWS::Lambda::Function": "lambda",
  "AWS::DynamoDB::Table": "dynamodb",
  "AWS::SNS": "sns",
  "AWS::SNS::Topic": "sns",
  "AWS::SQS": "sqs",
  "AWS::SQS::Queue": "sqs",
  "AWS::SES": "ses",
  "AWS::STS": "sts",
};

/** What an AWS SDK subsegment's name says (the X-Ray SDKs name them after the service: "DynamoDB", "SNS"). */
function serviceOf(doc: XraySegmentDocument, parent: TraceSpan | undefined): string {
  if (doc.origin && ORIGIN_SERVICE[doc.origin]) return ORIGIN_SERVICE[doc.origin]!;
  if (doc.namespace === "aws") return doc.name.toLowerCase().replace(/^amazon|^aws/, "").replace(/[^a-z0-9]/g, "");
  if (doc.origin) return doc.origin.replace(/^AWS::/, "").split("::")[0]!.toLowerCase();
  // Lambda's own subsegments (Initialization, Invocation, Overhead) and custom ones belong to their segment's service
  return parent?.service ?? (doc.namespace === "remote" ? "remote" : "app");
}

function operationOf(doc: XraySegmentDocument, service: string, isSubsegment: boolean): string {
  const op = doc.aws?.operation;
  if (typeof op === "string" && op) return op;
  if (!isSubsegment && doc.origin === "AWS::ApiGateway::Stage") return "request";
  if (!isSubsegment && doc.origin === "AWS::Lambda") return "Invoke";
  if (!isSubsegment && doc.origin === "AWS::Lambda::Function") return "Function";
  if (isSubsegment && service === "lambda" && /^(Initialization|Invocation|Overhead|Restore|Extension)$/.test(doc.name)) return doc.name;
  return isSubsegment ? doc.name : "request";
}

function nameOf(doc: XraySegmentDocument, operation: string): string {
  if (doc.origin === "AWS::ApiGateway::Stage" && doc.http?.request?.method && doc.http.request.url) {
    let path = doc.http.request.url;
    try {
      path = new URL(path).pathname;
    } catch {
      /* not a URL: keep it as given */
    }
    return `${doc.http.request.method} ${path}`;
  }
  if (doc.namespace === "aws" && doc.aws?.operation) return `${doc.name}.${operation}`;
  return doc.name;
}

/** The attributes the trace contract names, read from X-Ray's `aws` and `http` objects and the error flags. */
function attributesOf(doc: XraySegmentDocument): Record<string, AttributeValue> {
  const a: Record<string, AttributeValue> = { "xray.name": doc.name };
  if (doc.origin) a["xray.origin"] = doc.origin;
  const aws = doc.aws ?? {};
  const put = (key: string, v: unknown) => {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") a[key] = v;
  };
  put("aws.operation", aws.operation);
  put("aws.region", aws.region);
  put("aws.request_id", aws.request_id);
  put("aws.dynamodb.table", aws.table_name);
  put("aws.sqs.queue_url", aws.queue_url);
  put("aws.sns.topic_arn", aws.topic_arn);
  put("aws.function_arn", aws.function_arn);
  put("aws.api_gateway.rest_api_id", aws.api_gateway && (aws.api_gateway as Record<string, unknown>).rest_api_id);
  put("aws.api_gateway.stage", aws.api_gateway && (aws.api_gateway as Record<string, unknown>).stage);
  put("aws.retries", aws.retries);
  put("http.method", doc.http?.request?.method);
  put("http.url", doc.http?.request?.url);
  put("http.status_code", doc.http?.response?.status);
  if (doc.error) a["xray.error"] = true;
  if (doc.fault) a["xray.fault"] = true;
  if (doc.throttle) a["xray.throttle"] = true;
  if (doc.in_progress) a["xray.in_progress"] = true;
  const exception = typeof doc.cause === "object" ? doc.cause.exceptions?.[0] : undefined;
  if (exception?.type) a["aws.error.code"] = exception.type;
  if (exception?.message) a["exception.message"] = exception.message;
  if (doc.subsegments?.some((s) => s.name === "Initialization")) a["faas.coldstart"] = true;
  else if (doc.origin === "AWS::Lambda::Function") a["faas.coldstart"] = false;
  return a;
}

function toSpan(doc: XraySegmentDocument, traceId: string, parent: TraceSpan | undefined, isSubsegment: boolean): TraceSpan {
  const service = serviceOf(doc, parent);
  const operation = operationOf(doc, service, isSubsegment);
  // an in-progress (sub)segment has no end yet: drawn as an instant, flagged in its attributes
  const end = doc.end_time ?? doc.start_time;
  const parentSpanId = parent?.spanId ?? doc.parent_id;
  return {
    traceId: doc.trace_id ? (fromXrayId(doc.trace_id) ?? traceId) : traceId,
    spanId: doc.id,
    ...(parentSpanId ? { parentSpanId } : {}),
    name: nameOf(doc, operation),
    service,
    operation,
    startTime: doc.start_time * 1000,
    durationMs: Math.max(0, (end - doc.start_time) * 1000),
    status: doc.error || doc.fault || doc.throttle ? "error" : "ok",
    attributes: attributesOf(doc),
  };
}

/**
 * Turns the segment documents of one X-Ray trace (BatchGetTraces'
 * `Segments[].Document`, each a JSON string) into spans: every segment and,
 * nested, every subsegment becomes one span, parented as X-Ray parents them.
 * Inferred segments X-Ray builds from an AWS-call subsegment (the DynamoDB
 * node of the trace map) repeat that subsegment, so they are left out where
 * their subsegment is there.
 */
export function spansFromSegments(traceId: string, documents: string[]): TraceSpan[] {
  const spans: TraceSpan[] = [];
  const inferred: { doc: XraySegmentDocument }[] = [];
  const walk = (doc: XraySegmentDocument, parent: TraceSpan | undefined, isSubsegment: boolean) => {
    const span = toSpan(doc, traceId, parent, isSubsegment);
    spans.push(span);
    for (const sub of doc.subsegments ?? []) walk(sub, span, true);
  };
  for (const text of documents) {
    let doc: XraySegmentDocument;
    try {
      doc = JSON.parse(text) as XraySegmentDocument;
    } catch {
      continue; // X-Ray stores documents as sent; one that is not JSON cannot be drawn, the rest still can
    }
    if (typeof doc?.id !== "string" || typeof doc.start_time !== "number") continue;
    if (doc.inferred) inferred.push({ doc });
    else walk(doc, undefined, doc.type === "subsegment");
  }
  const ids = new Map(spans.map((s) => [s.spanId, s]));
  for (const { doc } of inferred) {
    const from = doc.parent_id ? ids.get(doc.parent_id) : undefined;
    if (from && from.service === serviceOf(doc, undefined)) {
      // keep what only the inferred segment knows (the resource name) on the subsegment
      const table = doc.aws?.table_name;
      if (typeof table === "string" && from.attributes["aws.dynamodb.table"] === undefined) from.attributes["aws.dynamodb.table"] = table;
      continue;
    }
    walk(doc, undefined, false);
  }
  return spans.sort((a, b) => a.startTime - b.startTime);
}
