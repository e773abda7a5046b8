import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CallContext, RouteInfo, Service } from "../core/service.js";
import { readBody } from "../wire/body.js";
import { stageThrottle, type ApiGatewayModel } from "./model.js";
import { buildProxyEvent } from "./proxy-event.js";
import type { RequestLog } from "./request-log.js";
import { matchRoute } from "./route.js";
import { Throttles } from "./throttle.js";
import { traceOfRequest, xrayTraceHeader } from "../trace/http-trace.js";
import type { Span, SpanContext } from "../trace/span.js";
import type { Tracer } from "../trace/tracer.js";

/** What the data plane needs of Lambda: the FunctionRegistry fits. */
export interface LambdaInvoker {
  /** `payloadIsJson`: the payload is JSON this data plane wrote itself (not parsed again to be validated) */
  invoke(functionArn: string, payload: string, options?: { trace?: SpanContext; payloadIsJson?: boolean }): Promise<{ payload: string; functionError?: string }>;
  allowsInvoke(functionArn: string, caller: { service: string; sourceArn?: string; sourceAccount?: string }): boolean;
}

export interface DataPlaneOptions {
  model: ApiGatewayModel;
  lambda: () => LambdaInvoker | undefined;
  log: RequestLog;
  accountId: string;
  /** where failures are reported, as API Gateway's execution logs would show them */
  onExecutionError?: (message: string) => void;
  /** records a span per request (and passes its trace on to the function) */
  tracer?: Tracer;
}

/** `/restapis/{id}/{stage}/_user_request_/{path}` or `/_aws/execute-api/{id}/{stage}/{path}`. */
export function parseInvokePath(path: string): { apiId: string; stage: string; rest: string } | undefined {
  const m = /^\/restapis\/([^/]+)\/([^/]+)\/_user_request_(\/.*)?$/.exec(path) ?? /^\/_aws\/execute-api\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
  if (!m) return undefined;
  return { apiId: m[1]!, stage: m[2]!, rest: m[3] && m[3] !== "" ? m[3] : "/" };
}

const LAMBDA_URI = /^arn:aws[\w-]*:apigateway:[^:]+:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/;

type ProxyResult = { statusCode: number; headers: Record<string, string>; multiValueHeaders: Record<string, string[]>; body: Buffer };

/** Validates a Lambda proxy response; undefined when it is malformed (API Gateway answers 502). */
export function parseProxyResult(payload: string): ProxyResult | undefined {
  let r: unknown;
  try {
    r = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (r === null || typeof r !== "object" || Array.isArray(r)) return undefined;
  const o = r as Record<string, unknown>;
  const statusCode = typeof o.statusCode === "string" && /^\d+$/.test(o.statusCode) ? Number(o.statusCode) : o.statusCode;
  if (typeof statusCode !== "number" || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  const scalar = (v: unknown) => typeof v === "string" || typeof v === "number" || typeof v === "boolean";
  const headers: Record<string, string> = {};
  if (o.headers !== undefined && o.headers !== null) {
    if (typeof o.headers !== "object") return undefined;
    for (const [k, v] of Object.entries(o.headers as object)) {
      if (!scalar(v)) return undefined;
      headers[k] = String(v);
    }
  }
  const multiValueHeaders: Record<string, string[]> = {};
  if (o.multiValueHeaders !== undefined && o.multiValueHeaders !== null) {
    if (typeof o.multiValueHeaders !== "object") return undefined;
    for (const [k, v] of Object.entries(o.multiValueHeaders as object)) {
      if (!Array.isArray(v) || !v.every(scalar)) return undefined;
      multiValueHeaders[k] = v.map(String);
    }
  }
  if (o.body !== undefined && o.body !== null && typeof o.body !== "string") return undefined;
  const text = (o.body as string | undefined) ?? "";
  const body = o.isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text, "utf8");
  return { statusCode, headers, multiValueHeaders, body };
}

/** API Gateway's REST data plane: routes, API keys, throttling, Lambda proxy integrations. */
export function createApiGatewayDataPlane(opts: DataPlaneOptions): Service {
  const throttles = new Throttles();

  const answer = (res: ServerResponse, requestId: string, status: number, body: unknown, extra: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      "x-amzn-requestid": requestId,
      "x-amzn-errortype": status === 403 ? "ForbiddenException" : status === 429 ? "TooManyRequestsException" : status === 404 ? "NotFoundException" : "InternalServerErrorException",
      ...extra,
    });
    res.end(text);
  };

  return {
    // AWS's own name for the data plane; "apigateway" is the control plane, which keeps the state.
    name: "execute-api",
    claims: (route: RouteInfo) => parseInvokePath(route.path) !== undefined,
    async handle(req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext) {
      const started = performance.now();
      const requestId = randomUUID();
      const target = parseInvokePath(route.path)!;
      const method = (req.method ?? "GET").toUpperCase();
      let status = 500;
      let span: Span | undefined;
      if (opts.tracer) {
        const trace = traceOfRequest(req.headers);
        span = opts.tracer.begin({
          traceId: trace.traceId,
          name: `${method} ${target.rest}`,
          service: "apigateway",
          operation: "request",
          kind: "server",
          attributes: { "http.method": method, "http.target": target.rest, "aws.apigateway.api_id": target.apiId, "aws.apigateway.stage": target.stage, "aws.request_id": requestId },
        });
        if (trace.callerSpanId) span.attributes["w3c.caller_span_id"] = trace.callerSpanId;
        // As API Gateway with X-Ray tracing on answers: the caller learns the trace id of its request.
        res.setHeader("X-Amzn-Trace-Id", xrayTraceHeader(span.traceId));
      }
      try {
        const api = opts.model.state.apis[target.apiId];
        const stage = api?.stages[target.stage];
        const deployment = stage ? api!.deployments[stage.deploymentId] : undefined;
        if (!api || !stage || !deployment) {
          status = 404;
          return answer(res, requestId, 404, { message: "Not Found" });
        }
        const match = matchRoute(deployment.resources, method, target.rest);
        if (span && match) {
          span.name = `${method} ${match.resource.path}`;
          span.attributes["http.route"] = match.resource.path;
        }
        if (!match) {
          status = 403;
          return answer(res, requestId, 403, { message: "Missing Authentication Token" });
        }
        const keyValue = req.headers["x-api-key"];
        const admitted = typeof keyValue === "string" ? opts.model.planForKey(api.id, stage.name, keyValue) : undefined;
        if (span) span.attributes["aws.apigateway.api_key_passed"] = !match.method.apiKeyRequired || admitted !== undefined;
        if (match.method.apiKeyRequired && !admitted) {
          status = 403;
          return answer(res, requestId, 403, { message: "Forbidden" });
        }
        // Read per request: a throttle patched through UpdateStage applies to the next request.
        const limit = stageThrottle(stage, match.resource.path, match.method.httpMethod);
        const verdict = throttles.admit(match.method.apiKeyRequired ? admitted?.plan : undefined, admitted?.key.id, `${api.id}/${stage.name}/${limit?.key ?? ""}`, limit?.throttle);
        if (span) span.attributes["aws.apigateway.throttle_passed"] = verdict === "ok";
        if (verdict !== "ok") {
          status = 429;
          return answer(res, requestId, 429, { message: verdict === "rate" ? "Too Many Requests" : "Limit Exceeded" });
        }
        const integration = match.method.integration;
        const fnArn = integration?.type === "AWS_PROXY" ? LAMBDA_URI.exec(integration.uri ?? "")?.[1] : undefined;
        const lambda = opts.lambda();
        if (!fnArn || !lambda) {
          opts.onExecutionError?.(`${requestId} Execution failed due to configuration error: no Lambda proxy integration for ${method} ${match.resource.path}`);
          status = 500;
          return answer(res, requestId, 500, { message: "Internal server error" });
        }
        const region = fnArn.split(":")[3] ?? ctx.region;
        const sourceArn = `arn:aws:execute-api:${region}:${opts.accountId}:${api.id}/${stage.name}/${method}${match.resource.path}`;
        let allowed = false;
        try {
          allowed = lambda.allowsInvoke(fnArn, { service: "apigateway.amazonaws.com", sourceArn, sourceAccount: opts.accountId });
        } catch {
          allowed = false;
        }
        if (!allowed) {
          opts.onExecutionError?.(`${requestId} Execution failed due to configuration error: Invalid permissions on Lambda function ${fnArn} for ${sourceArn}`);
          status = 500;
          return answer(res, requestId, 500, { message: "Internal server error" });
        }
        const event = buildProxyEvent({
          req,
          path: target.rest,
          query: route.query,
          body: await readBody(req),
          match,
          apiId: api.id,
          stage: stage.name,
          deploymentId: deployment.id,
          accountId: opts.accountId,
          region,
          requestId,
          apiKey: admitted ? { id: admitted.key.id, value: admitted.key.value } : undefined,
          now: new Date(),
          trace: span,
        });
        const result = await lambda.invoke(fnArn, JSON.stringify(event), { trace: span, payloadIsJson: true });
        const parsed = result.functionError ? undefined : parseProxyResult(result.payload);
        if (!parsed) {
          opts.onExecutionError?.(
            result.functionError
              ? `${requestId} Lambda execution failed with status 200 due to customer function error: ${result.payload.slice(0, 500)}`
              : `${requestId} Execution failed due to configuration error: Malformed Lambda proxy response`,
          );
          status = 502;
          return answer(res, requestId, 502, { message: "Internal server error" });
        }
        status = parsed.statusCode;
        const headers: Record<string, string | string[]> = { ...parsed.multiValueHeaders };
        for (const [k, v] of Object.entries(parsed.headers)) headers[k] = v;
        const names = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
        if (!names.has("content-type")) headers["Content-Type"] = "application/json";
        headers["x-amzn-RequestId"] = requestId;
        headers["Content-Length"] = String(parsed.body.length);
        res.writeHead(parsed.statusCode, headers);
        res.end(method === "HEAD" ? undefined : parsed.body);
      } finally {
        if (span) {
          span.attributes["http.status_code"] = status;
          // A server span's 4xx is the caller's mistake, not a failure of the service (OpenTelemetry's HTTP conventions).
          opts.tracer!.end(span, status >= 500 ? "error" : "ok");
        }
        opts.log.add({ time: Date.now(), requestId, apiId: target.apiId, stage: target.stage, method, path: target.rest, status, ms: performance.now() - started });
      }
    },
  };
}
