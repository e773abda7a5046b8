import type { CallInput } from "../iam/permissions/call-input.js";
import type { RouteInfo } from "../core/service.js";
import { lambdaOperationOf } from "../lambda/routes.js";

/** The operation and input a request asks for, as the IAM evaluator reads them. */
export interface DecodedCall {
  service: string;
  operation: string;
  input: CallInput;
}

function json(body: Buffer): CallInput {
  if (body.length === 0) return {};
  try {
    const v: unknown = JSON.parse(body.toString("utf8"));
    return v && typeof v === "object" && !Array.isArray(v) ? (v as CallInput) : {};
  } catch {
    // the service itself answers a malformed body with its own error
    return {};
  }
}

function form(body: Buffer, query: URLSearchParams): CallInput {
  const params: Record<string, string> = Object.fromEntries(query);
  for (const [k, v] of new URLSearchParams(body.toString("utf8"))) params[k] = v;
  return params;
}

const SESV2_ROUTES: [string, RegExp, string][] = [
  ["POST", /^\/v2\/email\/outbound-emails\/?$/, "SendEmail"],
  ["GET", /^\/v2\/email\/identities\/?$/, "ListEmailIdentities"],
  ["POST", /^\/v2\/email\/identities\/?$/, "CreateEmailIdentity"],
  ["GET", /^\/v2\/email\/identities\/([^/]+)\/?$/, "GetEmailIdentity"],
  ["DELETE", /^\/v2\/email\/identities\/([^/]+)\/?$/, "DeleteEmailIdentity"],
  ["GET", /^\/v2\/email\/account\/?$/, "GetAccount"],
];

function rest(routes: [string, RegExp, string][], route: RouteInfo): { operation: string; param?: string } | undefined {
  for (const [method, pattern, operation] of routes) {
    const m = route.method === method ? pattern.exec(route.path) : null;
    if (!m) continue;
    try {
      return { operation, param: m[1] ? decodeURIComponent(m[1]) : undefined };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Decodes what IAM needs of a call from its wire form: the JSON protocols by
 * X-Amz-Target, awsQuery by Action, Lambda and SES v2 by their REST paths.
 * Undefined when the request names no operation IAM can attribute (the
 * mailbox, an unknown path...): the guard refuses those for issued credentials.
 */
export function callOfRequest(serviceName: string, route: RouteInfo, body: Buffer): DecodedCall | undefined {
  if (route.target) {
    const operation = route.target.slice(route.target.lastIndexOf(".") + 1);
    return { service: serviceName, operation, input: json(body) };
  }
  if (serviceName === "lambda") {
    // The Lambda API's own route table: what it serves is exactly what can be attributed here.
    const hit = lambdaOperationOf(route.method, route.path);
    if (!hit) return undefined;
    const input: CallInput = { ...json(body), ...Object.fromEntries(route.query), ...hit.params };
    return { service: "lambda", operation: hit.operation, input };
  }
  // API Gateway's IAM actions are the HTTP verbs, on the resource the path names.
  if (serviceName === "apigateway") return { service: "apigateway", operation: route.method, input: { ResourcePath: route.path } };
  if (route.path.startsWith("/v2/email/")) {
    const hit = rest(SESV2_ROUTES, route);
    if (!hit) return undefined;
    const input: CallInput = json(body);
    if (hit.param !== undefined) input.EmailIdentity = hit.param;
    return { service: "sesv2", operation: hit.operation, input };
  }
  const input = form(body, route.query);
  const action = input.Action;
  if (typeof action !== "string") return undefined;
  return { service: serviceName, operation: action, input };
}
