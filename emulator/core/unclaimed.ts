import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsError } from "./aws-error.js";
import type { CallContext, RouteInfo } from "./service.js";
import { sendJsonError } from "../wire/aws-json.js";
import { sendQueryError } from "../wire/aws-query.js";

/** True when the request speaks awsQuery (form body or `Action=` in the URL), so errors must be XML. */
export function speaksQuery(route: RouteInfo): boolean {
  const type = String(route.headers["content-type"] ?? "").toLowerCase();
  return type.startsWith("application/x-www-form-urlencoded") || route.query.has("Action");
}

/**
 * Answers a request no service claimed, at once and in the caller's protocol,
 * so a client never waits on an operation the emulator does not know.
 */
export function answerUnclaimed(req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext): void {
  // Let the rest of the body drain so a keep-alive connection stays usable.
  req.resume();
  if (route.target) {
    const err = new AwsError("UnknownOperationException", `The embedded cloud does not implement ${route.target}`);
    sendJsonError(res, ctx, err, { typePrefix: "com.amazon.coral.service#" });
    return;
  }
  if (speaksQuery(route)) {
    const service = route.signingService ? ` for service '${route.signingService}'` : "";
    const action = route.query.get("Action");
    const what = action ? `The action ${action} is not valid${service}` : `This request is not supported by the embedded cloud${service}`;
    sendQueryError(res, ctx, new AwsError("InvalidAction", what), "https://movies.local/doc/");
    return;
  }
  const err = new AwsError(
    "UnknownOperationException",
    `No emulated service handles ${route.method} ${route.path}${route.signingService ? ` (signed for '${route.signingService}')` : ""}`,
    404,
  );
  res.setHeader("x-amzn-errortype", err.code);
  sendJsonError(res, ctx, err);
}
