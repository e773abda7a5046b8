import { join } from "node:path";
import { mkdir } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isAwsError } from "../core/aws-error.js";
import type { CallContext, RouteInfo, Service } from "../core/service.js";
import { readJson, sendJson } from "../wire/aws-json.js";
import { DYNAMODB_TARGET_PREFIX, startDynalite, type DynaliteBackend } from "./dynalite-backend.js";
import { handOverToDynalite } from "./hand-over.js";
import { sendDynamoError } from "./errors.js";
import { RwLock } from "./rw-lock.js";
import { createTransactions } from "./transactions.js";
import { createTtl } from "./ttl.js";
import { teachConditionCheckItem } from "./condition-check-item.js";
import { createTableSettings } from "./table-settings.js";
import { probeLevelDb } from "./leveldb-probe.js";

export interface DynamoDbOptions {
  /** account in table ARNs (default 000000000000) */
  accountId?: string;
  /** region in table ARNs (default us-east-1); dynalite keeps one store for all regions */
  region?: string;
  /** LevelDB lives in `<stateDir>/dynamodb`; in memory when absent */
  stateDir?: string;
  /** how often expired TTL items are deleted (default 1000 ms) */
  ttlSweepMs?: number;
  /** errors from the background sweeper */
  onError?: (err: unknown) => void;
}

/** An operation dynalite lacks, handled here with the body read and parsed. */
type ExtraOperation = (input: Record<string, unknown>) => Promise<unknown>;

export interface DynamoDb {
  service: Service;
  /** dynalite's own loopback URL (internal calls, benchmarks); starts dynalite if it has not started yet */
  dynaliteUrl(): Promise<string>;
  /** runs one TTL sweep now */
  sweepTtl(): Promise<void>;
}

/**
 * DynamoDB: dynalite mounted behind the router. Requests go to dynalite's
 * handler as raw streams; only the operations dynalite lacks are read here.
 */
export async function createDynamoDb(opts: DynamoDbOptions = {}): Promise<DynamoDb> {
  let path: string | undefined;
  if (opts.stateDir) {
    path = join(opts.stateDir, "dynamodb");
    await probeLevelDb(path, opts.stateDir);
    await mkdir(path, { recursive: true });
  }
  const start = () => {
    teachConditionCheckItem();
    return startDynalite({ path, accountId: opts.accountId ?? "000000000000", region: opts.region ?? "us-east-1" });
  };
  const backend = deferredBackend(start);
  // A state dir is opened at start, so a store that cannot be used is reported
  // then, not on the first request; in memory, dynalite starts on first use.
  if (path) await backend.ready();
  const lock = new RwLock();
  const transactions = createTransactions(backend, lock);
  const ttl = createTtl(backend, lock, opts.onError ?? (() => undefined));
  ttl.start(opts.ttlSweepMs ?? 1000);
  const settings = createTableSettings(backend);

  const extras = new Map<string, ExtraOperation>([
    ["TransactWriteItems", transactions.transactWriteItems],
    ["TransactGetItems", transactions.transactGetItems],
    ["UpdateTimeToLive", ttl.updateTimeToLive],
    ["DescribeTimeToLive", ttl.describeTimeToLive],
    // CreateTable is read here only to keep its Tags; every item operation still streams to dynalite.
    ["CreateTable", settings.createTable],
    ["DescribeContinuousBackups", settings.describeContinuousBackups],
    ["UpdateContinuousBackups", settings.updateContinuousBackups],
  ]);

  const service: Service = {
    name: "dynamodb",
    claims: (route: RouteInfo) => route.target?.startsWith("DynamoDB_") === true,
    async handle(req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext) {
      const target = route.target!;
      const extra = target.startsWith(DYNAMODB_TARGET_PREFIX) ? extras.get(target.slice(DYNAMODB_TARGET_PREFIX.length)) : undefined;
      if (extra) {
        try {
          sendJson(res, ctx, await extra(await readJson(req)));
        } catch (err) {
          if (!isAwsError(err)) throw err;
          sendDynamoError(res, ctx, err);
        }
        return;
      }
      handOverToDynalite(backend.started?.handle ?? (await backend.ready()).handle, req, res, ctx, lock);
    },
    snapshot: () => ({ ...ttl.snapshot(), ...settings.snapshot() }),
    restore: (state) => {
      ttl.restore(state);
      settings.restore(state);
    },
    status: () => ({ storage: path ? `leveldb:${path}` : "memory", ttlTables: ttl.enabledCount() }),
    async close() {
      await ttl.stop();
      await backend.close();
    },
  };
  return { service, dynaliteUrl: async () => (await backend.ready()).url, sweepTtl: ttl.sweep };
}

/**
 * dynalite behind a promise: started by the first call that needs it (loading
 * dynalite and LevelDB is ~60-100 ms, most of the cloud's start-up), once; a
 * start that fails is retried by the next call. Internal calls (transactions,
 * TTL, table settings) wait for it like requests do.
 */
function deferredBackend(start: () => Promise<DynaliteBackend>) {
  let starting: Promise<DynaliteBackend> | undefined;
  const self = {
    /** set once dynalite runs, so warm requests skip the promise */
    started: undefined as DynaliteBackend | undefined,
    ready(): Promise<DynaliteBackend> {
      if (self.started) return Promise.resolve(self.started);
      starting ??= start().then(
        (b) => (self.started = b),
        (err: unknown) => {
          starting = undefined;
          throw err;
        },
      );
      return starting;
    },
    call: async (operation: string, input: Record<string, unknown>) => (await self.ready()).call(operation, input),
    async close() {
      const b = await starting?.catch(() => undefined);
      await b?.close();
    },
  };
  return self;
}
