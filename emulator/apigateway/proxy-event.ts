import type { IncomingMessage } from "node:http";
import type { RouteMatch } from "./route.js";
import { parseTraceparent, traceparentOf, xrayTraceId } from "../trace/ids.js";
import type { SpanContext } from "../trace/span.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `09/Apr/2015:12:34:56 +0000`, the requestTime format of API Gateway. */
export function requestTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export interface ProxyEventInput {
  req: IncomingMessage;
  /** path inside the stage, e.g. /movies/1 */
  path: string;
  query: URLSearchParams;
  body: Buffer;
  match: RouteMatch;
  apiId: string;
  stage: string;
  deploymentId: string;
  accountId: string;
  region: string;
  requestId: string;
  apiKey?: { id: string; value: string };
  now: Date;
  /** the request's span: its trace reaches the function as traceparent and X-Amzn-Trace-Id */
  trace?: SpanContext;
}

/** Single-value map (last value wins, as on AWS) and multi-value map, or null when empty. */
function maps(pairs: Array<[string, string]>): [Record<string, string> | null, Record<string, string[]> | null] {
  if (pairs.length === 0) return [null, null];
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of pairs) {
    single[k] = v;
    (multi[k] ??= []).push(v);
  }
  return [single, multi];
}

/** The Lambda proxy integration event (payload format 1.0) exactly as API Gateway REST builds it. */
export function buildProxyEvent(input: ProxyEventInput): Record<string, unknown> {
  const { req, match } = input;
  const domainName = `${input.apiId}.execute-api.${input.region}.amazonaws.com`;
  const pairs: Array<[string, string]> = [];
  // rawHeaders keeps the case the client sent, which API Gateway passes on
  for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  const sourceIp = (req.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, "");
  const has = (name: string) => pairs.some(([k]) => k.toLowerCase() === name.toLowerCase());
  if (!has("X-Forwarded-For")) pairs.push(["X-Forwarded-For", sourceIp]);
  if (!has("X-Forwarded-Proto")) pairs.push(["X-Forwarded-Proto", "http"]);
  if (!has("X-Forwarded-Port")) pairs.push(["X-Forwarded-Port", String(req.socket.localPort ?? 80)]);
  if (input.trace) {
    // The handlers carry `traceparent` into the events they publish; without a valid one from the
    // caller they would start a trace of their own, so the request's trace is handed to them here.
    const { traceId, spanId } = input.trace;
    const tp = pairs.findIndex(([k]) => k.toLowerCase() === "traceparent");
    if (tp < 0) pairs.push(["traceparent", traceparentOf(traceId, spanId)]);
    else if (parseTraceparent(pairs[tp]![1])?.traceId !== traceId) pairs[tp] = [pairs[tp]![0], traceparentOf(traceId, spanId)];
    const xray = `Root=${xrayTraceId(traceId)};Parent=${spanId};Sampled=1`;
    const xi = pairs.findIndex(([k]) => k.toLowerCase() === "x-amzn-trace-id");
    if (xi < 0) pairs.push(["X-Amzn-Trace-Id", xray]);
    else pairs[xi] = [pairs[xi]![0], xray];
  } else if (!has("X-Amzn-Trace-Id")) pairs.push(["X-Amzn-Trace-Id", `Root=1-${Math.floor(input.now.getTime() / 1000).toString(16)}-${input.requestId.replace(/-/g, "").slice(0, 24)}`]);
  const [headers, multiValueHeaders] = maps(pairs);
  const [queryStringParameters, multiValueQueryStringParameters] = maps([...input.query]);
  const method = (req.method ?? "GET").toUpperCase();
  const userAgent = req.headers["user-agent"] ?? null;
  return {
    resource: match.resource.path,
    path: input.path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters: match.pathParameters,
    stageVariables: null,
    requestContext: {
      resourceId: match.resource.id,
      resourcePath: match.resource.path,
      httpMethod: method,
      extendedRequestId: input.requestId.replace(/-/g, "").slice(0, 16),
      requestTime: requestTime(input.now),
      path: `/${input.stage}${input.path}`,
      accountId: input.accountId,
      protocol: `HTTP/${req.httpVersion}`,
      stage: input.stage,
      domainPrefix: input.apiId,
      requestTimeEpoch: input.now.getTime(),
      requestId: input.requestId,
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp,
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent,
        user: null,
        ...(input.apiKey ? { apiKey: input.apiKey.value, apiKeyId: input.apiKey.id } : {}),
      },
      domainName,
      deploymentId: input.deploymentId,
      apiId: input.apiId,
    },
    body: input.body.length ? input.body.toString("utf8") : null,
    isBase64Encoded: false,
  };
}
