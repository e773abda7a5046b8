import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestLog } from "../apigateway/request-log.js";
import type { RouteInfo, Service } from "../core/service.js";
import type { LogEvent, LogStore } from "../lambda/logs/log-store.js";
import { StackError } from "../stack/errors.js";
import { isObject, type Value } from "../stack/value.js";
import { readBody } from "../wire/body.js";
import { memoryReport } from "./memory-report.js";
import { streamNdjson } from "./ndjson.js";
import { UnsupportedTypesError, type StackStore } from "./stack-store.js";

export interface AdminOptions {
  stacks: StackStore;
  logs: LogStore;
  /** names of the functions whose logs `/_movies/logs` shows when no function is named */
  functionNames: () => string[];
  /** CodeSha256 of every function by name, shown with a stack so a deploy can compare code without the Lambda API's SDK */
  functionCode?: () => Record<string, string>;
  apiRequests: RequestLog;
}

/** Stacks with their zips (base64) can be large: six functions of a few MB each. */
const MAX_STACK_BYTES = 256 * 1024 * 1024;
const STACK_PATH = /^\/_movies\/stacks\/([^/]+)\/?$/;

/** One NDJSON line of `/_movies/logs`. */
export interface LogLine {
  timestamp: number;
  function: string;
  requestId?: string;
  message: string;
}

function logLine(e: LogEvent): LogLine {
  return { timestamp: e.timestamp, function: e.functionName, ...(e.requestId ? { requestId: e.requestId } : {}), message: e.message };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** 400 for a stack that cannot be read, 422 for one that is read but cannot be applied. */
function statusOf(e: StackError): number {
  return ["UnknownResourceTypes", "ResourceFailed", "AssetNotFound"].includes(e.code) ? 422 : 400;
}

function sinceOf(query: URLSearchParams): number | undefined {
  const raw = query.get("since");
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new StackError("InvalidStack", `since must be epoch milliseconds, got ${JSON.stringify(raw)}`);
  return n;
}

async function readApplyBody(req: IncomingMessage): Promise<{ template: unknown; assets: Record<string, Buffer>; variables?: Record<string, Value> }> {
  const raw = await readBody(req, MAX_STACK_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new StackError("InvalidStack", 'the body must be JSON: { "template": <cdk.tf.json>, "assets": { "<path>": "<base64>" }, "variables"?: {} }');
  }
  if (!isObject(body) || !isObject(body.template)) throw new StackError("InvalidStack", 'the body needs "template": the synthesized cdk.tf.json as a JSON object');
  const assets: Record<string, Buffer> = {};
  if (body.assets !== undefined && body.assets !== null) {
    if (!isObject(body.assets)) throw new StackError("InvalidStack", '"assets" must map paths relative to the stack folder to base64 file contents');
    for (const [path, b64] of Object.entries(body.assets)) {
      if (typeof b64 !== "string") throw new StackError("InvalidStack", `asset ${path} must be a base64 string`);
      assets[path] = Buffer.from(b64, "base64");
    }
  }
  if (body.variables !== undefined && body.variables !== null && !isObject(body.variables)) throw new StackError("InvalidStack", '"variables" must be an object of variable values');
  return { template: body.template, assets, variables: (body.variables ?? undefined) as Record<string, Value> | undefined };
}

/**
 * The cloud's admin API under `/_movies/` (the router serves `/_movies/health`
 * itself; the Lambda service serves `/_movies/lambda/`): stacks applied from
 * their synthesized JSON, function logs and API requests as NDJSON.
 */
export function createAdminService(opts: AdminOptions): Service {
  const handleStack = async (req: IncomingMessage, res: ServerResponse, name: string) => {
    if (req.method === "PUT") {
      const body = await readApplyBody(req);
      const result = await opts.stacks.apply(name, body);
      send(res, 200, { outputs: result.outputs, changes: result.changes, fingerprint: opts.stacks.get(name)?.fingerprint });
    } else if (req.method === "DELETE") {
      send(res, 200, await opts.stacks.destroy(name));
    } else if (req.method === "GET") {
      const state = opts.stacks.get(name);
      if (!state) return send(res, 404, { message: `no stack named ${name} was applied to this cloud` });
      send(res, 200, { outputs: state.outputs, resources: Object.keys(state.resources).sort(), ...(state.fingerprint && { fingerprint: state.fingerprint }), ...(opts.functionCode && { functionCode: opts.functionCode() }) });
    } else {
      send(res, 405, { message: `${req.method} is not allowed on a stack: use PUT to apply, GET to read, DELETE to destroy` });
    }
  };

  const handleLogs = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => {
    const fn = query.get("function") || undefined;
    const since = sinceOf(query);
    const names = fn ? [fn] : opts.functionNames();
    const backlog = names.flatMap((functionName) => opts.logs.query({ functionName, since })).sort((a, b) => a.timestamp - b.timestamp).map(logLine);
    const follow = query.get("follow") === "true" || query.get("follow") === "1";
    streamNdjson(req, res, backlog, follow ? { subscribe: (l: (r: LogLine) => void) => opts.logs.subscribe(fn, (e) => l(logLine(e))) } : undefined);
  };

  const handleApiRequests = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => {
    const follow = query.get("follow") === "true" || query.get("follow") === "1";
    streamNdjson(req, res, opts.apiRequests.since(sinceOf(query) ?? 0), follow ? opts.apiRequests : undefined);
  };

  return {
    name: "admin",
    claims: (route: RouteInfo) => route.path.startsWith("/_movies/") && route.path !== "/_movies/health" && !route.path.startsWith("/_movies/lambda/"),
    async handle(req, res, route) {
      try {
        const stack = STACK_PATH.exec(route.path);
        if (stack) return await handleStack(req, res, decodeURIComponent(stack[1]!));
        if (route.path === "/_movies/logs" && req.method === "GET") return handleLogs(req, res, route.query);
        if (route.path === "/_movies/api-requests" && req.method === "GET") return handleApiRequests(req, res, route.query);
        if (route.path === "/_movies/stacks" && req.method === "GET") return send(res, 200, { stacks: opts.stacks.names() });
        if (route.path === "/_movies/memory" && req.method === "GET") return send(res, 200, memoryReport());
        send(res, 404, { message: `no admin endpoint ${req.method} ${route.path} (there are /_movies/stacks/{name}, /_movies/logs, /_movies/api-requests, /_movies/memory)` });
      } catch (e) {
        if (e instanceof UnsupportedTypesError) return send(res, 422, { message: e.message, unsupported: e.types });
        if (e instanceof StackError) return send(res, statusOf(e), { message: e.message });
        if (e instanceof Error && "statusCode" in e && (e as { statusCode: number }).statusCode === 413) return send(res, 413, { message: e.message });
        throw e;
      }
    },
    snapshot: () => opts.stacks.snapshot(),
    restore: (state) => opts.stacks.restore(state),
    status: () => ({ stacks: opts.stacks.names() }),
  };
}
