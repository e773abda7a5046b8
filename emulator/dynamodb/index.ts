import { join } from "node:path";
import { mkdir } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isAwsError } from "../core/aws-error.js";
import type { CallContext, RouteInfo, Service } from "../core/service.js";
import { readJson, sendJson, sendJsonError } from "../wire/aws-json.js";
import { startDynalite, type DynaliteBackend } from "./dynalite-backend.js";
import { RwLock } from "./rw-lock.js";

export interface DynamoDbOptions {
  /** LevelDB lives in `<stateDir>/dynamodb`; in memory when absent */
  stateDir?: string;
}

/** An operation dynalite lacks, handled here with the body read and parsed. */
export type ExtraOperation = (input: Record<string, unknown>, ctx: CallContext) => Promise<unknown>;

export interface DynamoDb {
  service: Service;
  /** dynalite's own loopback URL (internal calls, benchmarks) */
  dynaliteUrl: string;
  backend: DynaliteBackend;
  lock: RwLock;
}

/**
 * DynamoDB: dynalite mounted behind the router. Requests go to dynalite's
 * handler as raw streams; only operations dynalite lacks are read here.
 */
export async function createDynamoDb(opts: DynamoDbOptions = {}): Promise<DynamoDb> {
  let path: string | undefined;
  if (opts.stateDir) {
    path = join(opts.stateDir, "dynamodb");
    await mkdir(path, { recursive: true });
  }
  const backend = await startDynalite({ path });
  const lock = new RwLock();
  const extras = new Map<string, ExtraOperation>();

  const service: Service & { extras: Map<string, ExtraOperation> } = {
    name: "dynamodb",
    extras,
    claims: (route: RouteInfo) => route.target?.startsWith("DynamoDB_") === true,
    async handle(req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext) {
      const operation = route.target!.slice(route.target!.indexOf(".") + 1);
      const extra = route.target!.startsWith("DynamoDB_20120810.") ? extras.get(operation) : undefined;
      if (extra) {
        try {
          const input = await readJson(req);
          sendJson(res, ctx, await extra(input, ctx));
        } catch (err) {
          if (!isAwsError(err)) throw err;
          sendJsonError(res, ctx, err, { typePrefix: "com.amazonaws.dynamodb.v20120810#" });
        }
        return;
      }
      const release = await lock.acquireShared();
      res.once("close", release);
      backend.handle(req, res);
      // dynalite rethrows stream errors from inside its listener, which would
      // crash the process when a client hangs up mid-body.
      req.removeAllListeners("error");
      req.on("error", () => res.destroy());
    },
    async close() {
      await backend.close();
    },
  };
  return { service, dynaliteUrl: backend.url, backend, lock };
}
