import type { ServerResponse } from "node:http";
import type { RouteInfo } from "../core/service.js";
import type { Span } from "./span.js";
import type { Tracer } from "./tracer.js";
import { watchReply } from "./reply-watch.js";

/** How each service is named in span names, as the SDKs name their clients. */
const DISPLAY: Record<string, string> = {
  dynamodb: "DynamoDB",
  sqs: "SQS",
  sns: "SNS",
  ses: "SES",
  sesv2: "SESv2",
  sts: "STS",
  iam: "IAM",
  lambda: "Lambda",
  apigateway: "APIGateway",
  logs: "CloudWatchLogs",
};

/** What the IAM guard decoded of a call; when it decoded nothing (IAM off), the operation comes from the headers alone. */
export interface DecodedCallLike {
  service: string;
  operation: string;
  input: Record<string, unknown>;
}

/** An AWS call in progress, made with an execution environment's credentials. */
export interface AwsCallSpan {
  span: Span;
  /** the guard decoded the call (service, operation, input) for IAM: the span takes its names from it */
  decoded(call: DecodedCallLike): void;
  /** the call failed with this AWS error before or while the service answered */
  failed(code: string): void;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * Opens a CLIENT span for a call, child of the invocation that made it; it
 * ends when the reply has been written, with the reply's status and AWS error
 * code. Nothing of the body is read here.
 */
export function traceAwsCall(tracer: Tracer, invocation: Span, serviceName: string, route: RouteInfo, res: ServerResponse): AwsCallSpan {
  const operation = route.target ? route.target.slice(route.target.lastIndexOf(".") + 1) : "call";
  const span = tracer.begin({
    parent: invocation,
    name: `${DISPLAY[serviceName] ?? serviceName}.${operation}`,
    service: serviceName,
    operation,
    kind: "client",
    attributes: { "rpc.system": "aws-api", "rpc.service": DISPLAY[serviceName] ?? serviceName, "rpc.method": operation },
  });
  let thrown: string | undefined;
  watchReply(res, (status, code) => {
    span.attributes["http.status_code"] = status;
    const error = code ?? thrown;
    if (error) span.attributes["aws.error.code"] = error;
    tracer.end(span, status >= 400 || error ? "error" : "ok");
  });
  return {
    span,
    decoded(call) {
      // SES v2 is its own API on AWS but the same service here
      const service = call.service === "sesv2" ? "ses" : call.service;
      span.service = service;
      span.operation = call.operation;
      span.name = `${DISPLAY[call.service] ?? call.service}.${call.operation}`;
      span.attributes["rpc.service"] = DISPLAY[call.service] ?? call.service;
      span.attributes["rpc.method"] = call.operation;
      const i = call.input;
      const table = str(i.TableName);
      if (table) span.attributes["aws.dynamodb.table"] = table;
      else if (i.RequestItems && typeof i.RequestItems === "object") span.attributes["aws.dynamodb.table"] = Object.keys(i.RequestItems).join(",");
      const queueUrl = str(i.QueueUrl);
      if (queueUrl) {
        span.attributes["aws.sqs.queue_url"] = queueUrl;
        span.attributes["messaging.destination.name"] = queueUrl.slice(queueUrl.lastIndexOf("/") + 1);
      }
      const topic = str(i.TopicArn) ?? str(i.TargetArn);
      if (topic) {
        span.attributes["aws.sns.topic_arn"] = topic;
        span.attributes["messaging.destination.name"] = topic.slice(topic.lastIndexOf(":") + 1);
      }
      const source = str(i.Source) ?? str(i.FromEmailAddress);
      if (source) span.attributes["aws.ses.source"] = source;
      const fn = str(i.FunctionName);
      if (fn) span.attributes["faas.invoked_name"] = fn;
    },
    failed(code) {
      thrown = code;
    },
  };
}
