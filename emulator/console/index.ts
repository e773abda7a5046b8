import type { IncomingMessage, ServerResponse } from "node:http";
import type { StackStore } from "../admin/stack-store.js";
import type { RequestLog } from "../apigateway/request-log.js";
import type { RouteInfo, Service } from "../core/service.js";
import { ROOT_CREDENTIALS } from "../iam/principals.js";
import type { FunctionRegistry } from "../lambda/functions.js";
import type { LogStore } from "../lambda/logs/log-store.js";
import type { SesModel } from "../ses/model.js";
import type { SnsModel } from "../sns/model.js";
import type { SqsModel } from "../sqs/model.js";
import { denials } from "./denials.js";
import { streamChanges, type ChangeSource } from "./events.js";
import { functionDetail, invoke, listFunctions } from "./functions.js";
import { ConsoleGuard } from "./guard.js";
import { ConsoleError, intParam, readJsonObject, sendJson } from "./http.js";
import { overview } from "./overview.js";
import { BASE, sendAsset, sendEmailHtml, sendPage } from "./page.js";
import { listQueues, peek, redrive, requireQueue } from "./queues.js";
import { Tables } from "./tables.js";
import { TraceLinks, type TraceFeed } from "./trace-links.js";
import { listTopics } from "./topics.js";

export { BASE as CONSOLE_PATH } from "./page.js";

export interface ConsoleOptions {
  region: string;
  accountId: string;
  cloudUrl: () => string;
  sqs: SqsModel;
  sns: SnsModel;
  ses: SesModel;
  lambda: FunctionRegistry;
  logs: LogStore;
  requestLog: RequestLog;
  stacks: StackStore;
  /** the trace store: live pages hear of new spans, requests and emails link to their traces */
  traces?: TraceFeed;
}

export interface Console {
  service: Service;
  /** the token actions need; the page carries it */
  token: string;
}

const API = `${BASE}/api/`;
const PAGE_MAX = 500;

/**
 * The browser console at `/_movies/console`: one HTML page plus its built
 * script, and a small JSON API that reads the same models and AWS APIs a
 * client sees. Reads answer only the console's own origin; actions also need
 * the token issued into the page.
 */
export function createConsole(opts: ConsoleOptions): Console {
  const guard = new ConsoleGuard();
  const tables = new Tables({ endpoint: opts.cloudUrl, region: opts.region, credentials: ROOT_CREDENTIALS });
  const changes: ChangeSource[] = [
    (l) => opts.requestLog.subscribe(() => l("api")),
    (l) => opts.logs.subscribe(undefined, () => l("logs")),
    ...(opts.traces ? [(l: (kind: string) => void) => opts.traces!.subscribe(() => l("traces"))] : []),
  ];
  const links = opts.traces && new TraceLinks(opts.traces);

  const read = async (res: ServerResponse, route: RouteInfo, req: IncomingMessage, parts: string[]): Promise<void> => {
    const [what, name, sub] = parts;
    const q = route.query;
    switch (what) {
      case "overview":
        return sendJson(res, 200, await overview({ ...opts, tables }, opts.region));
      case "events":
        return streamChanges(res, changes);
      case "tables":
        if (!name) return sendJson(res, 200, { tables: await tables.list() });
        if (sub === "item") {
          const raw = q.get("key") ?? "";
          let key: unknown;
          try {
            key = JSON.parse(raw);
          } catch {
            throw new ConsoleError(400, 'key must be a JSON object of the key attributes, e.g. {"id":"1"}');
          }
          if (!key || typeof key !== "object" || Array.isArray(key)) throw new ConsoleError(400, 'key must be a JSON object of the key attributes, e.g. {"id":"1"}');
          const item = await tables.get(name, key as Record<string, unknown>);
          return item ? sendJson(res, 200, { item }) : sendJson(res, 404, { message: `no item with key ${raw} in ${name}` });
        }
        return sendJson(res, 200, await tables.page(name, intParam(q, "limit", 50, PAGE_MAX) || 1, q.get("next") || undefined));
      case "queues":
        if (!name) return sendJson(res, 200, { queues: listQueues(opts.sqs, opts.region) });
        return sendJson(res, 200, peek(requireQueue(opts.sqs, opts.region, name), intParam(q, "offset", 0, Number.MAX_SAFE_INTEGER), intParam(q, "limit", 50, PAGE_MAX)));
      case "topics":
        return sendJson(res, 200, { topics: listTopics(opts.sns, opts.region, opts.accountId) });
      case "functions":
        if (!name) return sendJson(res, 200, { functions: listFunctions(opts.lambda) });
        return sendJson(res, 200, functionDetail(opts.lambda, opts.logs, name));
      case "api":
        return sendJson(res, 200, { requests: opts.requestLog.since(0).slice(-PAGE_MAX).reverse().map((r) => ({ ...r, ...links?.request(r.requestId) })) });
      case "denials":
        return sendJson(res, 200, { denials: denials(opts.lambda, opts.logs) });
      case "mail":
        if (name && sub === "html") return sendEmailHtml(res, opts.ses, name);
        return sendJson(res, 200, { messages: opts.ses.messages().slice().reverse().map((m) => ({ ...m, traceId: links?.email(m.Timestamp) })) });
      default:
        throw new ConsoleError(404, `no console endpoint GET ${route.path}`);
    }
  };

  const act = async (res: ServerResponse, req: IncomingMessage, route: RouteInfo, parts: string[]): Promise<void> => {
    const [what, name, action] = parts;
    if (what === "queues" && name && action === "redrive") {
      await readJsonObject(req);
      return sendJson(res, 200, await redrive(opts.sqs, requireQueue(opts.sqs, opts.region, name)));
    }
    if (what === "queues" && name && action === "purge") {
      await readJsonObject(req);
      const queue = requireQueue(opts.sqs, opts.region, name);
      const purged = queue.messages.size;
      queue.purge();
      return sendJson(res, 200, { purged });
    }
    if (what === "functions" && name && action === "invoke") {
      const body = await readJsonObject(req);
      return sendJson(res, 200, await invoke(opts.lambda, name, body.payload));
    }
    throw new ConsoleError(404, `no console action ${route.method} ${route.path}`);
  };

  const service: Service = {
    name: "console",
    claims: (route) => route.path === BASE || route.path.startsWith(`${BASE}/`),
    async handle(req, res, route) {
      try {
        if (route.path.startsWith(API)) {
          const parts = route.path.slice(API.length).split("/").filter((p) => p !== "").map((p) => decodeURIComponent(p));
          if (route.method === "GET") {
            guard.checkRead(route);
            req.resume();
            return await read(res, route, req, parts);
          }
          if (route.method === "POST") {
            guard.checkAction(route);
            return await act(res, req, route, parts);
          }
          req.resume();
          return sendJson(res, 405, { message: `${route.method} is not allowed here: reads are GET, actions POST` });
        }
        req.resume();
        if (route.method !== "GET" && route.method !== "HEAD") return sendJson(res, 405, { message: "the console's pages are read with GET" });
        guard.checkRead(route);
        if (route.path.startsWith(`${BASE}/assets/`)) {
          if (sendAsset(res, route.path.slice(`${BASE}/assets/`.length), route.headers["if-none-match"])) return;
          return sendJson(res, 404, { message: `no console asset ${route.path}` });
        }
        sendPage(res, guard.token);
      } catch (err) {
        req.resume();
        if (err instanceof ConsoleError) return sendJson(res, err.status, { message: err.message });
        if (err instanceof Error && "statusCode" in err && (err as { statusCode: number }).statusCode === 413) return sendJson(res, 413, { message: err.message });
        throw err;
      }
    },
    close: async () => {
      links?.close();
      tables.close();
    },
  };
  return { service, token: guard.token };
}
