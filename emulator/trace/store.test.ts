import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRouter } from "../core/router.js";
import { createTraceAdminService } from "./admin-service.js";
import { DEFAULT_TRACE_LIMIT, TraceStore, traceLimitFromEnv } from "./store.js";
import { Tracer } from "./tracer.js";
import type { Span } from "./span.js";

/** A request trace as the cloud records it: API Gateway root, one invocation, one failed call. */
function request(tracer: Tracer, path: string, fail = false): Span {
  const root = tracer.begin({ name: `GET ${path}`, service: "apigateway", operation: "request", kind: "server" });
  const fn = tracer.begin({ parent: root, name: "get-movie", service: "lambda", operation: "Invoke" });
  const call = tracer.begin({ parent: fn, name: "DynamoDB.GetItem", service: "dynamodb", operation: "GetItem" });
  if (fail) call.attributes["aws.error.code"] = "AccessDeniedException";
  tracer.end(call, fail ? "error" : "ok");
  tracer.end(fn);
  tracer.end(root);
  return root;
}

describe("the trace store", () => {
  it("keeps the most recent traces up to its limit, evicting the oldest whole", () => {
    const store = new TraceStore(3);
    const tracer = new Tracer(store);
    const roots = ["/a", "/b", "/c", "/d", "/e"].map((p) => request(tracer, p));
    expect(store.size).toBe(3);
    expect(store.list(10).map((t) => t.name)).toEqual(["GET /e", "GET /d", "GET /c"]);
    expect(store.get(roots[0]!.traceId)).toBeUndefined();
    expect(store.get(roots[4]!.traceId)!.spans).toHaveLength(3);
    expect(store.stats()).toEqual({ traces: 3, limit: 3, evicted: 2 });
  });

  it("summarises a trace by its root, counting spans and errors", () => {
    const store = new TraceStore();
    const tracer = new Tracer(store);
    const root = request(tracer, "/movies/1", true);
    const [summary] = store.list(1);
    expect(summary).toMatchObject({ traceId: root.traceId, name: "GET /movies/1", spanCount: 3, errorCount: 1, status: "error" });
    expect(summary!.durationMs).toBeGreaterThanOrEqual(0);
    const spans = store.get(root.traceId)!.spans;
    expect(spans.map((s) => s.service)).toEqual(["apigateway", "lambda", "dynamodb"]);
    expect(spans[1]!.parentSpanId).toBe(spans[0]!.spanId);
    expect(spans[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(spans[0]!.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it("hands each finished span to subscribers until they unsubscribe", () => {
    const store = new TraceStore();
    const tracer = new Tracer(store);
    const seen: string[] = [];
    const stop = store.subscribe((s) => seen.push(s.name));
    request(tracer, "/x");
    stop();
    request(tracer, "/y");
    expect(seen).toEqual(["DynamoDB.GetItem", "get-movie", "GET /x"]);
  });

  it("reads its limit from MOVIES_TRACE_LIMIT and refuses nonsense", () => {
    expect(traceLimitFromEnv({})).toBe(DEFAULT_TRACE_LIMIT);
    expect(traceLimitFromEnv({ MOVIES_TRACE_LIMIT: "20" })).toBe(20);
    expect(() => traceLimitFromEnv({ MOVIES_TRACE_LIMIT: "lots" })).toThrow(/MOVIES_TRACE_LIMIT/);
    expect(traceLimitFromEnv({ MOVIES_TRACE_LIMIT: "0" })).toBe(0);
    expect(() => traceLimitFromEnv({ MOVIES_TRACE_LIMIT: "-3" })).toThrow(/whole number/);
  });
});

describe("the trace admin endpoints", () => {
  const store = new TraceStore();
  const tracer = new Tracer(store);
  let server: Server;
  let base: string;
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    server = createServer(createRouter({ services: [createTraceAdminService(store)], fallbackHost: () => "127.0.0.1" }));
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it("lists, reads and finds the latest API request trace", async () => {
    expect((await get("/_movies/traces/latest")).status).toBe(404);
    const first = request(tracer, "/movies");
    const second = request(tracer, "/movies/2", true);
    // a trace that did not start at API Gateway (an SQS batch) is not "latest"
    tracer.end(tracer.begin({ name: "email-notification", service: "lambda", operation: "Invoke" }));

    const list = await get("/_movies/traces?limit=2");
    expect(list.status).toBe(200);
    expect(list.body.traces).toHaveLength(2);
    expect(list.body.traces[1]).toMatchObject({ traceId: second.traceId, name: "GET /movies/2", spanCount: 3, errorCount: 1, status: "error" });
    expect(Object.keys(list.body.traces[1]).sort()).toEqual(["durationMs", "errorCount", "name", "spanCount", "startTime", "status", "traceId"]);

    const one = await get(`/_movies/traces/${first.traceId}`);
    expect(one.status).toBe(200);
    expect(one.body.traceId).toBe(first.traceId);
    expect(one.body.spans.map((s: Span) => s.name)).toEqual(["GET /movies", "get-movie", "DynamoDB.GetItem"]);

    const xray = `1-${first.traceId.slice(0, 8)}-${first.traceId.slice(8)}`;
    expect((await get(`/_movies/traces/${xray}`)).body.traceId).toBe(first.traceId);

    const latest = await get("/_movies/traces/latest");
    expect(latest.body.traceId).toBe(second.traceId);
  });

  it("answers 404 with a message for unknown traces and 400 for a bad limit", async () => {
    const unknown = await get(`/_movies/traces/${"ab".repeat(16)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/evicted/);
    expect((await get("/_movies/traces/not-an-id")).status).toBe(404);
    expect((await get("/_movies/traces?limit=0")).status).toBe(400);
    expect((await get("/_movies/traces?limit=abc")).body.message).toMatch(/limit/);
  });
});
