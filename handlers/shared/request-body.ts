import type { APIGatewayProxyEvent } from "aws-lambda";
import { fieldError } from "./request-error.js";
import { headerValue } from "./request-headers.js";

export const MAX_BODY_BYTES = 16 * 1024;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The JSON body of a request, or a RequestError saying what to fix: wrong
 * content type, missing body, undecodable base64, over 16 KiB, malformed JSON.
 */
export function parseJsonBody(event: Pick<APIGatewayProxyEvent, "body" | "headers" | "isBase64Encoded">): unknown {
  const contentType = headerValue(event.headers, "content-type");
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") {
    throw fieldError(
      "headers.Content-Type",
      contentType
        ? `Content-Type is ${contentType}; send the body as JSON with Content-Type: application/json`
        : "Content-Type is missing; send the body as JSON with Content-Type: application/json",
      "Unsupported content type",
    );
  }
  if (event.body === null || event.body === undefined || event.body === "") {
    throw fieldError("body", "the request needs a JSON body with title, rating and genres", "The request body is missing");
  }
  let bytes: Buffer;
  if (event.isBase64Encoded) {
    const compact = event.body.replace(/\s+/g, "");
    if (!BASE64.test(compact)) {
      throw fieldError("body", "the body is marked base64-encoded but is not valid base64", "The request body could not be decoded");
    }
    bytes = Buffer.from(compact, "base64");
  } else {
    bytes = Buffer.from(event.body, "utf8");
  }
  if (bytes.length > MAX_BODY_BYTES) {
    throw fieldError(
      "body",
      `the body is ${bytes.length} bytes; the limit is ${MAX_BODY_BYTES} bytes (16 KiB)`,
      "The request body is too large",
    );
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw fieldError("body", `the body is not valid JSON: ${(error as Error).message}`, "The request body is not valid JSON");
  }
}
