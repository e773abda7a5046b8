import { traceOfRequest } from "../trace/http-trace.js";
import { createReadStream, existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsError, isAwsError } from "../core/aws-error.js";
import type { CallContext, RouteInfo, Service } from "../core/service.js";
import { readBody } from "../wire/body.js";
import type { CreateFunctionInput, FunctionSettings } from "./function-config.js";
import type { AddPermissionInput } from "./function-policy.js";
import type { FunctionRegistry, InvocationType } from "./functions.js";
import type { LogEvent } from "./logs/log-store.js";
import { lambdaOperationOf } from "./routes.js";
import { sendRestJson } from "../wire/rest-json.js";

/** Who lists event source mappings: the mapping poller, written beside this API. */
export interface EventSourceMappingDirectory {
  /** mappings in the Lambda API's shape (UUID, EventSourceArn, FunctionArn, State, BatchSize...) */
  list(filter: { functionArn?: string; eventSourceArn?: string }): Record<string, unknown>[];
  get(uuid: string): Record<string, unknown> | undefined;
  /** CreateEventSourceMapping's body in, the mapping out */
  create(body: Record<string, unknown>): Record<string, unknown>;
  update(uuid: string, body: Record<string, unknown>): Record<string, unknown>;
  /** the mapping as it was, in state Deleting */
  delete(uuid: string): Record<string, unknown>;
  /** a mapping's own tag map by its EventSourceMappingArn, changed in place */
  tagsOf(arn: string): Record<string, string> | undefined;
  /** mappings made through this API, for the state dir (a stack's come back with the stack) */
  snapshot(): unknown;
  /** after the functions and the queues are back */
  restore(state: unknown): void;
}

export interface LambdaServiceOptions {
  registry: FunctionRegistry;
  eventSourceMappings: EventSourceMappingDirectory;
}

/** Where the cloud serves a function's zip (GetFunction's Code.Location) and its logs for the CLI. */
export const CODE_PATH_PREFIX = "/_movies/lambda/code/";
export const LOGS_PATH_PREFIX = "/_movies/lambda/logs/";

const FUNCTIONS = /^\/2015-03-31\/functions\/?$/;
const FUNCTION = /^\/2015-03-31\/functions\/([^/]+)\/?$/;
const FUNCTION_PART = /^\/2015-03-31\/functions\/([^/]+)\/(invocations|configuration|code|policy|versions)\/?$/;
const CODE_SIGNING = /^\/2020-06-30\/functions\/([^/]+)\/code-signing-config\/?$/;
const TAGS = /^\/2017-03-31\/tags\/(.+?)\/?$/;
const POLICY_STATEMENT = /^\/2015-03-31\/functions\/([^/]+)\/policy\/([^/]+)\/?$/;
const EVENT_INVOKE_CONFIG = /^\/2019-09-25\/functions\/([^/]+)\/event-invoke-config\/?$/;
const CONCURRENCY = /^\/(2017-10-31|2019-09-30)\/functions\/([^/]+)\/concurrency\/?$/;
const MAPPINGS = /^\/2015-03-31\/event-source-mappings\/?$/;
const MAPPING = /^\/2015-03-31\/event-source-mappings\/([^/]+)\/?$/;

/** Lambda's REST-JSON errors: the code in x-amzn-errortype, the message in the body. */
function sendError(res: ServerResponse, ctx: CallContext, err: AwsError): void {
  sendRestJson(res, ctx, err.statusCode, { Type: err.fault === "Sender" ? "User" : "Service", message: err.message }, { "x-amzn-errortype": err.code });
}

/** A 50 MB zip arrives base64-encoded inside JSON: about 70 MB of request. */
const CODE_REQUEST_BYTES = 70 * 1024 * 1024;

async function readJsonBody(req: IncomingMessage, limit?: number): Promise<Record<string, unknown>> {
  const raw = await readBody(req, limit);
  if (raw.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(raw.toString("utf8"));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new AwsError("SerializationException", "Request body must be a JSON object.");
}

function zipFrom(value: unknown, field: string): Uint8Array {
  if (typeof value !== "string" || value === "") {
    throw new AwsError("InvalidParameterValueException", `${field} is required: the embedded cloud takes function code as a base64 zip (S3 and image code are not read).`);
  }
  return Buffer.from(value, "base64");
}

function header(route: RouteInfo, name: string): string | undefined {
  const v = route.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The Lambda API over REST-JSON (`/2015-03-31/functions/...`), as the SDK's
 * LambdaClient, the AWS CLI and the Terraform provider call it, plus two
 * cloud endpoints: a function's zip and its logs (NDJSON, `?follow=1` streams).
 */
export function createLambdaService(options: LambdaServiceOptions): Service {
  const { registry } = options;
  let closedSnapshot: unknown;

  async function route(req: IncomingMessage, res: ServerResponse, r: RouteInfo, ctx: CallContext): Promise<void> {
    const { method, path } = r;
    let m: RegExpExecArray | null;

    if ((m = FUNCTION_PART.exec(path))) {
      const name = decodeURIComponent(m[1]);
      const part = m[2];
      if (part === "invocations" && method === "POST") return invoke(req, res, r, name, ctx);
      if (part === "configuration" && method === "GET") return sendRestJson(res, ctx, 200, registry.get(name));
      // Only $LATEST exists: nothing is ever published.
      if (part === "versions" && method === "GET") return sendRestJson(res, ctx, 200, { Versions: [registry.get(name)] });
      if (part === "configuration" && method === "PUT") {
        const body = await readJsonBody(req);
        return sendRestJson(res, ctx, 200, registry.updateConfiguration(name, body as FunctionSettings, body.RevisionId as string | undefined));
      }
      if (part === "code" && method === "PUT") {
        const body = await readJsonBody(req, CODE_REQUEST_BYTES);
        const zip = zipFrom(body.ZipFile, "ZipFile");
        registry.get(name);
        await registry.prepareCode(zip);
        return sendRestJson(res, ctx, 200, registry.updateCode(name, zip, body.RevisionId as string | undefined));
      }
      if (part === "policy" && method === "POST") {
        const body = await readJsonBody(req);
        const statement = registry.addPermission(name, body as unknown as AddPermissionInput);
        return sendRestJson(res, ctx, 201, { Statement: JSON.stringify(statement) });
      }
      if (part === "policy" && method === "GET") {
        const policy = registry.policy(name);
        if (!policy) throw new AwsError("ResourceNotFoundException", "The resource you requested does not exist.", 404);
        return sendRestJson(res, ctx, 200, { Policy: JSON.stringify(policy), RevisionId: registry.get(name).RevisionId });
      }
    }
    if ((m = CODE_SIGNING.exec(path)) && method === "GET") {
      // No code signing configs exist in the embedded cloud; AWS answers an unsigned function with an empty ARN.
      return sendRestJson(res, ctx, 200, { CodeSigningConfigArn: "", FunctionName: registry.get(decodeURIComponent(m[1])).FunctionName });
    }
    if ((m = TAGS.exec(path))) return tags(req, res, r, ctx, decodeURIComponent(m[1]));
    if ((m = POLICY_STATEMENT.exec(path)) && method === "DELETE") {
      registry.removePermission(decodeURIComponent(m[1]), decodeURIComponent(m[2]));
      return sendRestJson(res, ctx, 204);
    }
    if ((m = FUNCTION.exec(path))) {
      const name = decodeURIComponent(m[1]);
      if (method === "GET") {
        const fn = registry.getFunction(name);
        return sendRestJson(res, ctx, 200, {
          Configuration: fn.configuration,
          Code: { RepositoryType: "S3", Location: `${ctx.baseUrl}${CODE_PATH_PREFIX}${encodeURIComponent(fn.configuration.FunctionName)}.zip` },
          Tags: fn.tags,
          ...(registry.functionConcurrency(name) !== undefined ? { Concurrency: { ReservedConcurrentExecutions: registry.functionConcurrency(name) } } : {}),
        });
      }
      if (method === "DELETE") {
        await registry.delete(r.query.get("Qualifier") ? `${name}:${r.query.get("Qualifier")}` : name);
        return sendRestJson(res, ctx, 204);
      }
    }
    if (FUNCTIONS.test(path)) {
      if (method === "GET") {
        const all = registry.list();
        const start = Number(r.query.get("Marker") ?? 0) || 0;
        const max = Math.min(50, Number(r.query.get("MaxItems") ?? 50) || 50);
        const page = all.slice(start, start + max);
        return sendRestJson(res, ctx, 200, { Functions: page, ...(start + max < all.length ? { NextMarker: String(start + max) } : {}) });
      }
      if (method === "POST") {
        const body = await readJsonBody(req, CODE_REQUEST_BYTES);
        const code = (body.Code ?? {}) as Record<string, unknown>;
        const input = { ...body, Code: { ZipFile: zipFrom(code.ZipFile, "Code.ZipFile") } } as unknown as CreateFunctionInput;
        await registry.prepareCode(input.Code.ZipFile!);
        return sendRestJson(res, ctx, 201, registry.create(input));
      }
    }
    if ((m = EVENT_INVOKE_CONFIG.exec(path)) && (method === "PUT" || method === "POST")) {
      const name = decodeURIComponent(m[1]);
      const body = await readJsonBody(req);
      const settings = registry.putEventInvokeConfig(name, {
        maximumRetryAttempts: body.MaximumRetryAttempts as number | undefined,
        maximumEventAgeInSeconds: body.MaximumEventAgeInSeconds as number | undefined,
      });
      return sendRestJson(res, ctx, 200, {
        FunctionArn: `${registry.get(name).FunctionArn}:$LATEST`,
        MaximumRetryAttempts: settings.maximumRetryAttempts,
        MaximumEventAgeInSeconds: settings.maximumEventAgeInSeconds,
        LastModified: Date.now() / 1000,
      });
    }
    if ((m = CONCURRENCY.exec(path))) {
      const name = decodeURIComponent(m[2]);
      if (method === "PUT") {
        const body = await readJsonBody(req);
        const reserved = body.ReservedConcurrentExecutions;
        if (typeof reserved !== "number") throw new AwsError("InvalidParameterValueException", "ReservedConcurrentExecutions is required: a number of concurrent executions, 0 or more.");
        return sendRestJson(res, ctx, 200, { ReservedConcurrentExecutions: registry.putFunctionConcurrency(name, reserved) });
      }
      if (method === "DELETE") {
        registry.putFunctionConcurrency(name, undefined);
        return sendRestJson(res, ctx, 204);
      }
      if (method === "GET") {
        const reserved = registry.functionConcurrency(name);
        return sendRestJson(res, ctx, 200, reserved === undefined ? {} : { ReservedConcurrentExecutions: reserved });
      }
    }
    if (MAPPINGS.test(path) && method === "POST") {
      return sendRestJson(res, ctx, 202, options.eventSourceMappings.create(await readJsonBody(req)));
    }
    if ((m = MAPPING.exec(path)) && (method === "PUT" || method === "DELETE")) {
      const uuid = decodeURIComponent(m[1]);
      if (method === "PUT") return sendRestJson(res, ctx, 202, options.eventSourceMappings.update(uuid, await readJsonBody(req)));
      return sendRestJson(res, ctx, 202, options.eventSourceMappings.delete(uuid));
    }
    if (MAPPINGS.test(path) && method === "GET") {
      const fnRef = r.query.get("FunctionName") ?? undefined;
      const filter = { functionArn: fnRef ? registry.get(fnRef).FunctionArn : undefined, eventSourceArn: r.query.get("EventSourceArn") ?? undefined };
      return sendRestJson(res, ctx, 200, { EventSourceMappings: options.eventSourceMappings.list(filter) ?? [] });
    }
    if ((m = MAPPING.exec(path)) && method === "GET") {
      const uuid = decodeURIComponent(m[1]);
      const mapping = options.eventSourceMappings.get(uuid);
      if (!mapping) throw new AwsError("ResourceNotFoundException", `The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: ${ctx.requestId})`, 404);
      return sendRestJson(res, ctx, 200, mapping);
    }
    if (path.startsWith(CODE_PATH_PREFIX) && method === "GET") {
      const name = decodeURIComponent(path.slice(CODE_PATH_PREFIX.length).replace(/\.zip$/, ""));
      const { zipPath } = registry.getFunction(name);
      if (!existsSync(zipPath)) throw new AwsError("ResourceNotFoundException", `The code of ${name} is no longer stored.`, 404);
      res.writeHead(200, { "content-type": "application/zip", "x-amzn-requestid": ctx.requestId });
      createReadStream(zipPath).pipe(res);
      return;
    }
    if (path.startsWith(LOGS_PATH_PREFIX) && method === "GET") return logs(req, res, r, ctx, decodeURIComponent(path.slice(LOGS_PATH_PREFIX.length)));
    throw new AwsError("UnknownOperationException", `The Lambda API of the embedded cloud has no operation for ${method} ${path}.`, 404);
  }

  /** ListTags / TagResource / UntagResource on a function or an event source mapping, by ARN. */
  async function tags(req: IncomingMessage, res: ServerResponse, r: RouteInfo, ctx: CallContext, arn: string): Promise<void> {
    const target = /:event-source-mapping:/.test(arn) ? options.eventSourceMappings.tagsOf(arn) : registry.tagsOf(arn);
    if (!target) throw new AwsError("ResourceNotFoundException", `The resource you requested does not exist: ${arn}`, 404);
    if (r.method === "GET") return sendRestJson(res, ctx, 200, { Tags: { ...target } });
    if (r.method === "POST") {
      const body = await readJsonBody(req);
      const added = body.Tags;
      if (!added || typeof added !== "object" || Array.isArray(added) || Object.values(added).some((v) => typeof v !== "string")) {
        throw new AwsError("InvalidParameterValueException", "Tags must be a map of tag keys to string values.");
      }
      Object.assign(target, added);
      return sendRestJson(res, ctx, 204);
    }
    if (r.method === "DELETE") {
      for (const key of r.query.getAll("tagKeys")) delete target[key];
      return sendRestJson(res, ctx, 204);
    }
    throw new AwsError("UnknownOperationException", `The Lambda API of the embedded cloud has no operation for ${r.method} ${r.path}.`, 404);
  }

  /** The reply's request id is the invocation's awsRequestId, as on Lambda. */
  async function invoke(req: IncomingMessage, res: ServerResponse, r: RouteInfo, name: string, ctx: CallContext): Promise<void> {
    const payload = await readBody(req);
    const invocationType = (header(r, "x-amz-invocation-type") ?? "RequestResponse") as InvocationType;
    const logType = header(r, "x-amz-log-type") === "Tail" ? "Tail" : "None";
    const result = await registry.invoke(name, payload, {
      invocationType,
      logType,
      qualifier: r.query.get("Qualifier") ?? undefined,
      clientContext: header(r, "x-amz-client-context"),
      // a function's call (traced by the IAM guard) is the parent; another caller's trace headers name the trace
      trace: ctx.trace,
      traceId: ctx.trace ? undefined : traceOfRequest(r.headers).traceId,
    });
    const headers: Record<string, string | number> = {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(result.payload),
      "x-amzn-requestid": result.requestId,
    };
    if (result.functionError) headers["x-amz-function-error"] = result.functionError;
    if (result.logResult !== undefined) headers["x-amz-log-result"] = result.logResult;
    if (result.executedVersion) headers["x-amz-executed-version"] = result.executedVersion;
    res.writeHead(result.statusCode, headers);
    res.end(result.payload);
  }

  /** NDJSON log events of a function; `since` (epoch ms), `limit`, and `follow=1` to keep streaming. */
  function logs(req: IncomingMessage, res: ServerResponse, r: RouteInfo, ctx: CallContext, name: string): void {
    const fn = registry.get(name);
    const since = r.query.has("since") ? Number(r.query.get("since")) : undefined;
    const limit = r.query.has("limit") ? Number(r.query.get("limit")) : undefined;
    if ((since !== undefined && !Number.isFinite(since)) || (limit !== undefined && !(limit > 0))) {
      throw new AwsError("InvalidParameterValueException", "since must be epoch milliseconds and limit a positive number.");
    }
    const line = (e: LogEvent) => `${JSON.stringify({ timestamp: e.timestamp, message: e.message, requestId: e.requestId, logStreamName: e.logStreamName })}\n`;
    const follow = r.query.get("follow") === "1" || r.query.get("follow") === "true";
    res.writeHead(200, { "content-type": "application/x-ndjson", "x-amzn-requestid": ctx.requestId });
    for (const e of registry.logs.query({ functionName: fn.FunctionName, since, limit })) res.write(line(e));
    if (!follow) {
      res.end();
      return;
    }
    // A follower waits on headers before it does anything else: send them now.
    res.flushHeaders();
    const stop = registry.logs.subscribe(fn.FunctionName, (e) => res.write(line(e)));
    req.on("close", stop);
    res.on("close", stop);
  }

  return {
    name: "lambda",
    claims: (r) =>
      r.path.startsWith("/2015-03-31/functions") ||
      r.path.startsWith("/2015-03-31/event-source-mappings") ||
      r.path.startsWith("/2017-03-31/tags/") ||
      CODE_SIGNING.test(r.path) ||
      EVENT_INVOKE_CONFIG.test(r.path) ||
      CONCURRENCY.test(r.path) ||
      r.path.startsWith(CODE_PATH_PREFIX) ||
      r.path.startsWith(LOGS_PATH_PREFIX),
    async handle(req, res, r, ctx) {
      try {
        // Only the operations of the route table the IAM guard reads (routes.ts), besides the cloud's own paths.
        if (!r.path.startsWith("/_movies/") && !lambdaOperationOf(r.method, r.path)) {
          throw new AwsError("UnknownOperationException", `The Lambda API of the embedded cloud has no operation for ${r.method} ${r.path}.`, 404);
        }
        await route(req, res, r, ctx);
      } catch (err) {
        if (!isAwsError(err)) throw err;
        req.resume();
        if (res.headersSent) res.destroy();
        else sendError(res, ctx, err);
      }
    },
    status: () => ({ functions: registry.list().length }),
    snapshot: () => closedSnapshot ?? { ...registry.snapshot(), eventSourceMappings: options.eventSourceMappings.snapshot() },
    restore: (state) => {
      registry.restore(state);
      options.eventSourceMappings.restore((state as { eventSourceMappings?: unknown } | undefined)?.eventSourceMappings);
    },
    // The registry forgets its functions when closed, and the cloud writes its last snapshots after closing services.
    async close() {
      closedSnapshot = { ...registry.snapshot(), eventSourceMappings: options.eventSourceMappings.snapshot() };
      await registry.close();
    },
  };
}
