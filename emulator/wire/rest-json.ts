import type { ServerResponse } from "node:http";
import type { CallContext } from "../core/service.js";

/** A REST-JSON reply (Lambda, API Gateway): JSON body (none when `body` is undefined), the request id, and any extra headers. */
export function sendRestJson(res: ServerResponse, ctx: CallContext, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": ctx.requestId,
    ...headers,
  });
  res.end(text);
}
