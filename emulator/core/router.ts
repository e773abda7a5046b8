import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsError, isAwsError } from "./aws-error.js";
import type { CallContext, RouteInfo, Service } from "./service.js";
import { credentialScope, type CredentialScope } from "./sigv4-scope.js";
import { answerUnclaimed, speaksQuery } from "./unclaimed.js";
import { sendJsonError } from "../wire/aws-json.js";
import { sendQueryError } from "../wire/aws-query.js";

export const DEFAULT_ACCOUNT_ID = "000000000000";
export const DEFAULT_REGION = "us-east-1";
export const HEALTH_PATH = "/_movies/health";

export interface RouterOptions {
  services: readonly Service[];
  accountId?: string;
  /** used for baseUrl when a request carries no Host header */
  fallbackHost: () => string;
  /** extra fields for the health reply (e.g. state dir) */
  healthExtra?: () => Record<string, unknown>;
  /** called with errors a service threw that were not AWS errors; the reply is a 500 either way */
  onInternalError?: (err: unknown, route: RouteInfo) => void;
  /** answers (and returns true for) requests refused before any service sees them; see front-door.ts */
  frontDoor?: (req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext) => boolean;
  /**
   * Runs right before the status line of a service's reply is written (the
   * state store commits what the request changed); when it throws, the reply
   * is not sent and the connection is closed: nothing unsaved is acknowledged.
   */
  beforeReply?: (service: Service) => void;
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** What the wire says about a request, read from the request line and headers only. */
export function routeInfo(req: IncomingMessage): RouteInfo {
  return readRequest(req).route;
}

/** Paths that need no normalising: no dot segments, backslashes or characters URL would escape. */
const PLAIN_PATH = /^\/[A-Za-z0-9\-_~%!$&'()*+,;=:@/]*$/;

/** Path and query of a request target, without the cost of `new URL()` for the plain paths AWS clients send. */
function splitTarget(raw: string): { path: string; query: URLSearchParams } {
  const q = raw.indexOf("?");
  const path = q < 0 ? raw : raw.slice(0, q);
  if (PLAIN_PATH.test(path) && !path.includes("/.")) return { path, query: new URLSearchParams(q < 0 ? "" : raw.slice(q + 1)) };
  const url = new URL(raw, "http://localhost");
  return { path: url.pathname, query: url.searchParams };
}

function readRequest(req: IncomingMessage): { route: RouteInfo; scope?: CredentialScope } {
  const { path, query } = splitTarget(req.url ?? "/");
  const target = req.headers["x-amz-target"];
  const scope = credentialScope(req.headers, query);
  const route: RouteInfo = {
    method: (req.method ?? "GET").toUpperCase(),
    path,
    query,
    headers: req.headers,
    target: typeof target === "string" && target !== "" ? target : undefined,
    signingService: scope?.service,
  };
  return { route, scope };
}

function callContext(req: IncomingMessage, scope: CredentialScope | undefined, accountId: string, fallbackHost: string): CallContext {
  const host = typeof req.headers.host === "string" && req.headers.host !== "" ? req.headers.host : fallbackHost;
  return {
    requestId: randomUUID(),
    region: scope?.region ?? DEFAULT_REGION,
    accountId,
    baseUrl: `http://${host}`,
    accessKeyId: scope?.accessKeyId,
  };
}

/**
 * Dispatches each request to the first service that claims it, by what the wire
 * says (X-Amz-Target, SigV4 scope, path). It never reads the body: services
 * such as DynamoDB take the raw stream.
 */
export function createRouter(opts: RouterOptions): RequestListener {
  const accountId = opts.accountId ?? DEFAULT_ACCOUNT_ID;

  const health = (res: ServerResponse, ctx: CallContext) => {
    const services: Record<string, unknown> = {};
    for (const s of opts.services) {
      let status: unknown = { status: "running" };
      try {
        status = s.status ? { status: "running", ...s.status() } : status;
      } catch (err) {
        status = { status: "error", message: err instanceof Error ? err.message : String(err) };
      }
      services[s.name] = status;
    }
    const text = JSON.stringify({ status: "running", accountId, services, ...opts.healthExtra?.() });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "x-amzn-requestid": ctx.requestId });
    res.end(text);
  };

  return (req, res) => {
    let route: RouteInfo;
    let ctx: CallContext;
    try {
      const read = readRequest(req);
      route = read.route;
      ctx = callContext(req, read.scope, accountId, opts.fallbackHost());
    } catch {
      // Only a request line Node accepted but URL cannot parse ends up here.
      req.resume();
      res.writeHead(400, { "content-type": "text/plain" });
      res.end("Bad request URL\n");
      return;
    }
    // A client that goes away mid-body must not take the process with it.
    req.on("error", () => undefined);
    res.on("error", () => undefined);
    if (opts.frontDoor?.(req, res, route, ctx)) return;

    if (route.path === HEALTH_PATH && (route.method === "GET" || route.method === "HEAD")) {
      req.resume();
      health(res, ctx);
      return;
    }

    let service: Service | undefined;
    try {
      service = opts.services.find((s) => s.claims(route));
    } catch (err) {
      fail(res, route, ctx, err, opts);
      return;
    }
    if (!service) {
      answerUnclaimed(req, res, route, ctx);
      return;
    }
    if (opts.beforeReply) holdReply(res, service, opts.beforeReply, (err) => opts.onInternalError?.(err, route));
    let pending: Promise<void>;
    try {
      pending = service.handle(req, res, route, ctx);
    } catch (err) {
      fail(res, route, ctx, err, opts);
      return;
    }
    pending.catch((err: unknown) => fail(res, route, ctx, err, opts));
  };
}

/**
 * Every reply passes through writeHead (Node's implicit headers call it too),
 * so hooking it on this one response runs `before` exactly once, whichever
 * way the service answers, dynalite's raw handler included.
 */
function holdReply(res: ServerResponse, service: Service, before: (service: Service) => void, onError: (err: unknown) => void): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    res.writeHead = writeHead;
    try {
      before(service);
    } catch (err) {
      onError(err);
      res.destroy();
      return this;
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
}

/** Turns an error a service let escape into a reply; never rethrows. */
function fail(res: ServerResponse, route: RouteInfo, ctx: CallContext, err: unknown, opts: RouterOptions): void {
  const known = isAwsError(err);
  if (!known) opts.onInternalError?.(err, route);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const awsErr = known
    ? err
    : new AwsError("InternalFailure", `Internal error in the embedded cloud (request ${ctx.requestId}): ${err instanceof Error ? err.message : String(err)}`, 500, "Receiver");
  try {
    if (!route.target && speaksQuery(route)) sendQueryError(res, ctx, awsErr, "https://movies.local/doc/");
    else sendJsonError(res, ctx, awsErr, { typePrefix: route.target ? "com.amazon.coral.service#" : "" });
  } catch {
    res.destroy();
  }
}
