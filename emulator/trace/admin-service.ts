import type { ServerResponse } from "node:http";
import type { RouteInfo, Service } from "../core/service.js";
import { normalTraceId } from "./http-trace.js";
import type { TraceStore } from "./store.js";
import type { OtlpExporter } from "./otlp-exporter.js";

const TRACE_PATH = /^\/_movies\/traces\/([^/]+)\/?$/;
const MAX_LIST = 1000;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * `GET /_movies/traces?limit=N` (summaries, newest first),
 * `GET /_movies/traces/{traceId}` and `GET /_movies/traces/latest` (the newest
 * trace that began at API Gateway): the trace contract's admin endpoints.
 */
export function createTraceAdminService(store: TraceStore, exporter?: OtlpExporter): Service {
  return {
    name: "traces",
    claims: (route: RouteInfo) => route.path === "/_movies/traces" || route.path.startsWith("/_movies/traces/"),
    async handle(req, res, route) {
      req.resume();
      if (route.method !== "GET" && route.method !== "HEAD") {
        return send(res, 405, { message: `${route.method} is not allowed on ${route.path}: traces are read with GET` });
      }
      if (route.path === "/_movies/traces" || route.path === "/_movies/traces/") {
        const raw = route.query.get("limit");
        const limit = raw === null || raw === "" ? 50 : Number(raw);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) {
          return send(res, 400, { message: `limit must be a whole number from 1 to ${MAX_LIST}, got ${JSON.stringify(raw)}` });
        }
        return send(res, 200, { traces: store.list(limit) });
      }
      const id = decodeURIComponent(TRACE_PATH.exec(route.path)?.[1] ?? "");
      if (id === "latest") {
        const trace = store.latest((root) => root.service === "apigateway");
        if (!trace) return send(res, 404, { message: "no API request has been traced yet (or its trace was evicted): call the API, then ask again" });
        return send(res, 200, trace);
      }
      const traceId = normalTraceId(id);
      const trace = traceId ? store.get(traceId) : undefined;
      if (!trace) {
        return send(res, 404, {
          message: traceId
            ? `no trace ${traceId}: it was never recorded here or was evicted (the cloud keeps the last ${store.limit} traces)`
            : `${JSON.stringify(id)} is not a trace id: expected 32 hex digits, its X-Ray form 1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy, or "latest"`,
        });
      }
      send(res, 200, trace);
    },
    status: () => ({ ...store.stats(), ...(exporter && { otlp: exporter.stats() }) }),
  };
}
