import type { ServerResponse } from "node:http";
import { AwsError } from "../core/aws-error.js";
import type { CallContext } from "../core/service.js";
import { AWS_JSON_CONTENT_TYPE } from "../wire/aws-json.js";
import type { DynaliteReply } from "./dynalite-backend.js";

const TYPE_PREFIX = "com.amazonaws.dynamodb.v20120810#";

/** A DynamoDB error whose body carries more than a message (CancellationReasons, Item). */
export class DynamoError extends AwsError {
  constructor(
    code: string,
    message: string,
    readonly fields: Record<string, unknown> = {},
    statusCode = 400,
  ) {
    super(code, message, statusCode, statusCode >= 500 ? "Receiver" : "Sender");
  }
}

export function validation(message: string): DynamoError {
  return new DynamoError("ValidationException", message);
}

/** Turns a dynalite error reply into the same error for our caller. */
export function fromReply(reply: DynaliteReply): DynamoError {
  const type = String(reply.body.__type ?? "InternalServerError");
  const code = type.slice(type.indexOf("#") + 1);
  const message = String(reply.body.message ?? reply.body.Message ?? code);
  return new DynamoError(code, message, {}, reply.status);
}

export function sendDynamoError(res: ServerResponse, ctx: CallContext, err: AwsError): void {
  const fields = err instanceof DynamoError ? err.fields : {};
  // TransactionCanceledException names its message member `Message`, as AWS sends it.
  const messageKey = "CancellationReasons" in fields ? "Message" : "message";
  const text = JSON.stringify({ __type: TYPE_PREFIX + err.code, [messageKey]: err.message, ...fields });
  res.writeHead(err.statusCode, {
    "content-type": AWS_JSON_CONTENT_TYPE,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": ctx.requestId,
  });
  res.end(text);
}
