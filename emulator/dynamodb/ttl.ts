import { expectObject } from "../core/shape.js";
import type { DynaliteBackend } from "./dynalite-backend.js";
import { fromReply, validation } from "./errors.js";
import type { RwLock } from "./rw-lock.js";
import { describeTable, type Item } from "./table-keys.js";

/** Items whose TTL lies further back than this are never deleted, as on AWS. */
const FIVE_YEARS_S = 5 * 365 * 24 * 3600;

interface TtlSpec {
  attributeName: string;
  /** CreationDateTime of the table the spec belongs to; a recreated table starts without TTL */
  createdAt: number;
}

export interface TtlState {
  tables: Record<string, TtlSpec>;
}

/**
 * UpdateTimeToLive / DescribeTimeToLive, which dynalite lacks, and a
 * background sweeper that deletes expired items through dynalite.
 */
export function createTtl(backend: Pick<DynaliteBackend, "call">, lock: RwLock, onError: (err: unknown) => void) {
  let specs = new Map<string, TtlSpec>();
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;

  async function current(tableName: unknown): Promise<{ name: string; spec?: TtlSpec; keyNames: string[] }> {
    const table = await describeTable(backend, tableName);
    let spec = specs.get(table.name);
    if (spec && spec.createdAt !== table.createdAt) {
      specs.delete(table.name);
      spec = undefined;
    }
    return { name: table.name, spec, keyNames: table.keyNames };
  }

  async function updateTimeToLive(input: Record<string, unknown>): Promise<unknown> {
    const spec = input.TimeToLiveSpecification as { Enabled?: unknown; AttributeName?: unknown } | undefined;
    if (!spec || typeof spec !== "object") throw validation("1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null");
    if (typeof spec.Enabled !== "boolean") throw validation("1 validation error detected: Value null at 'timeToLiveSpecification.enabled' failed to satisfy constraint: Member must not be null");
    const name = spec.AttributeName;
    if (typeof name !== "string" || name.length < 1 || name.length > 255) {
      throw validation("1 validation error detected: Value at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length between 1 and 255");
    }
    const table = await current(input.TableName);
    if (spec.Enabled) {
      if (table.spec) throw validation("TimeToLive is already enabled");
      specs.set(table.name, { attributeName: name, createdAt: (await describeTable(backend, table.name)).createdAt });
    } else {
      if (!table.spec) throw validation("TimeToLive is already disabled");
      if (table.spec.attributeName !== name) throw validation(`TimeToLive is active on a different AttributeName: current AttributeName is ${table.spec.attributeName}`);
      specs.delete(table.name);
    }
    return { TimeToLiveSpecification: { Enabled: spec.Enabled, AttributeName: name } };
  }

  async function describeTimeToLive(input: Record<string, unknown>): Promise<unknown> {
    const table = await current(input.TableName);
    return {
      TimeToLiveDescription: table.spec ? { TimeToLiveStatus: "ENABLED", AttributeName: table.spec.attributeName } : { TimeToLiveStatus: "DISABLED" },
    };
  }

  const gone = (reply: Parameters<typeof fromReply>[0]) => fromReply(reply).code === "ResourceNotFoundException";

  /** Deletes the expired items of one table; the delete repeats the expiry test so a fresh write wins. */
  async function sweepTable(name: string, spec: TtlSpec): Promise<void> {
    let table;
    try {
      table = await current(name);
    } catch (err) {
      if ((err as { code?: string }).code === "ResourceNotFoundException") {
        specs.delete(name);
        return;
      }
      throw err;
    }
    if (!table.spec || table.spec !== spec) return;
    const now = Math.floor(Date.now() / 1000);
    const expired = {
      ConditionExpression: "#ttl < :now AND #ttl > :oldest",
      ExpressionAttributeNames: { "#ttl": spec.attributeName },
      ExpressionAttributeValues: { ":now": { N: String(now) }, ":oldest": { N: String(now - FIVE_YEARS_S) } },
    };
    let startKey: Item | undefined;
    do {
      const names: Record<string, string> = { "#ttl": spec.attributeName };
      table.keyNames.forEach((k, i) => (names[`#k${i}`] = k));
      const reply = await backend.call("Scan", {
        TableName: name,
        FilterExpression: expired.ConditionExpression,
        ProjectionExpression: table.keyNames.map((_, i) => `#k${i}`).join(", "),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: expired.ExpressionAttributeValues,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      });
      // the table may be deleted while a pass runs: its items went with it, nothing to report
      if (reply.status !== 200) return gone(reply) ? void specs.delete(name) : Promise.reject(fromReply(reply));
      for (const key of (reply.body.Items as Item[] | undefined) ?? []) {
        const del = await backend.call("DeleteItem", { TableName: name, Key: key, ...expired });
        if (del.status === 200 || fromReply(del).code === "ConditionalCheckFailedException") continue;
        if (gone(del)) return void specs.delete(name);
        throw fromReply(del);
      }
      startKey = reply.body.LastEvaluatedKey as Item | undefined;
    } while (startKey);
  }

  /** One pass over every table with TTL enabled; passes never overlap. */
  function sweep(): Promise<void> {
    sweeping ??= lock
      .withShared(async () => {
        for (const [name, spec] of [...specs]) await sweepTable(name, spec);
      })
      .finally(() => (sweeping = undefined));
    return sweeping;
  }

  return {
    updateTimeToLive,
    describeTimeToLive,
    sweep,
    start(intervalMs: number) {
      timer = setInterval(() => void sweep().catch(onError), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await sweeping?.catch(() => undefined);
    },
    snapshot: (): TtlState => ({ tables: Object.fromEntries(specs) }),
    restore(state: unknown) {
      const tables = expectObject(expectObject(state, "DynamoDB TTL state").tables, "DynamoDB TTL state.tables");
      specs = new Map(Object.entries(tables) as [string, TtlState["tables"][string]][]);
    },
    enabledCount: () => specs.size,
  };
}
