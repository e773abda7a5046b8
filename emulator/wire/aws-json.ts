import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsError } from "../core/aws-error.js";
import type { CallContext } from "../core/service.js";
import { readBody } from "./body.js";

/** AWS JSON 1.0 (DynamoDB, SQS): JSON body in, JSON body out, errors with `__type`. */
export const AWS_JSON_CONTENT_TYPE = "application/x-amz-json-1.0";
/** AWS JSON 1.1 (CloudWatch Logs): the same shapes, another content type. */
export const AWS_JSON_11_CONTENT_TYPE = "application/x-amz-json-1.1";

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  if (raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new AwsError("SerializationException", "Request body is not valid JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new AwsError("SerializationException", "Request body must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, ctx: CallContext, body: unknown, status = 200, contentType = AWS_JSON_CONTENT_TYPE): void {
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": ctx.requestId,
  });
  res.end(text);
}

export interface JsonErrorOptions {
  /** shape namespace for `__type`, e.g. "com.amazonaws.sqs#" */
  typePrefix?: string;
  /**
   * awsQuery-compatible services (SQS) also send `x-amzn-query-error: <Code>;<Fault>`;
   * the SDK takes the error code from it. Pass the query-protocol code here.
   */
  queryErrorCode?: string;
  /** AWS_JSON_11_CONTENT_TYPE for JSON 1.1 services */
  contentType?: string;
}

export function sendJsonError(res: ServerResponse, ctx: CallContext, err: AwsError, opts: JsonErrorOptions = {}): void {
  const text = JSON.stringify({ __type: `${opts.typePrefix ?? ""}${err.code}`, message: err.message });
  const headers: Record<string, string | number> = {
    "content-type": opts.contentType ?? AWS_JSON_CONTENT_TYPE,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": ctx.requestId,
  };
  if (opts.queryErrorCode) headers["x-amzn-query-error"] = `${opts.queryErrorCode};${err.fault}`;
  res.writeHead(err.statusCode, headers);
  res.end(text);
}
