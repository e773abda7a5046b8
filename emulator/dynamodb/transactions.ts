import { createHash } from "node:crypto";
import type { DynaliteBackend } from "./dynalite-backend.js";
import { DynamoError, fromReply, validation } from "./errors.js";
import type { RwLock } from "./rw-lock.js";
import { describeTable, itemIdentity, keyOf, type Item, type TableInfo } from "./table-keys.js";

const MAX_ITEMS = 100;
const ACTIONS = ["ConditionCheck", "Put", "Delete", "Update"] as const;
type ActionName = (typeof ACTIONS)[number];
/** AWS keeps a ClientRequestToken for ten minutes. */
const IDEMPOTENCY_MS = 10 * 60 * 1000;

interface PlannedAction {
  kind: ActionName;
  spec: Record<string, unknown>;
  table: TableInfo;
  key: Item;
  /** the item before the transaction, or undefined when there was none */
  before?: Item;
}

export interface CancellationReason {
  Code: string;
  Message?: string;
  Item?: Item;
}

function list(input: Record<string, unknown>): Record<string, unknown>[] {
  const items = input.TransactItems;
  if (items === undefined || items === null) throw validation("1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null");
  if (!Array.isArray(items)) throw validation("TransactItems must be a list");
  if (items.length === 0 || items.length > MAX_ITEMS) {
    throw validation(`1 validation error detected: Value '[${items.length} items]' at 'transactItems' failed to satisfy constraint: Member must have length between 1 and ${MAX_ITEMS}`);
  }
  for (const item of items) if (!item || typeof item !== "object" || Array.isArray(item)) throw validation("Each entry of TransactItems must be an object");
  return items as Record<string, unknown>[];
}

/** Copies the expression fields an action shares with its single-item operation. */
function expressionFields(spec: Record<string, unknown>, withCondition = true): Record<string, unknown> {
  const out: Record<string, unknown> = { TableName: spec.TableName };
  if (withCondition && spec.ConditionExpression !== undefined) out.ConditionExpression = spec.ConditionExpression;
  if (spec.ExpressionAttributeNames !== undefined) out.ExpressionAttributeNames = spec.ExpressionAttributeNames;
  if (spec.ExpressionAttributeValues !== undefined) out.ExpressionAttributeValues = spec.ExpressionAttributeValues;
  return out;
}

/**
 * TransactWriteItems and TransactGetItems on top of dynalite. A write
 * transaction holds the DynamoDB lock exclusively, snapshots every item it
 * touches, applies each action through dynalite with its own condition, and
 * puts the snapshots back if any action fails, so the outcome is all-or-nothing.
 */
export function createTransactions(backend: Pick<DynaliteBackend, "call">, lock: RwLock) {
  const tokens = new Map<string, { digest: string; at: number }>();

  async function tables(specs: Record<string, unknown>[]): Promise<Map<string, TableInfo>> {
    const out = new Map<string, TableInfo>();
    for (const spec of specs) {
      const name = spec.TableName;
      if (typeof name === "string" && !out.has(name)) out.set(name, await describeTable(backend, name));
      else if (typeof name !== "string") await describeTable(backend, name);
    }
    return out;
  }

  async function getItem(table: TableInfo, key: Item): Promise<Item | undefined> {
    const reply = await backend.call("GetItem", { TableName: table.name, Key: key, ConsistentRead: true });
    if (reply.status !== 200) throw fromReply(reply);
    return reply.body.Item as Item | undefined;
  }

  function plan(input: Record<string, unknown>): Promise<PlannedAction[]> {
    const entries = list(input).map((entry, index) => {
      const kinds = ACTIONS.filter((k) => entry[k] !== undefined);
      if (kinds.length !== 1) throw validation(`TransactItems[${index}] must contain exactly one of ${ACTIONS.join(", ")}`);
      const kind = kinds[0]!;
      const spec = entry[kind];
      if (!spec || typeof spec !== "object") throw validation(`TransactItems[${index}].${kind} must be an object`);
      return { kind, spec: spec as Record<string, unknown> };
    });
    return tables(entries.map((e) => e.spec)).then((byName) => {
      const seen = new Set<string>();
      return entries.map(({ kind, spec }) => {
        const table = byName.get(spec.TableName as string)!;
        if (kind === "Update" && typeof spec.UpdateExpression !== "string") throw validation("1 validation error detected: Value null at 'transactItems.update.updateExpression' failed to satisfy constraint: Member must not be null");
        if (kind === "ConditionCheck" && typeof spec.ConditionExpression !== "string") throw validation("1 validation error detected: Value null at 'transactItems.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null");
        const key = kind === "Put" ? keyOf(table, spec.Item, "item") : keyOf(table, spec.Key, "key");
        const id = itemIdentity(table, key);
        if (seen.has(id)) throw validation("Transaction request cannot include multiple operations on one item");
        seen.add(id);
        return { kind, spec, table, key };
      });
    });
  }

  /** Applies one action through dynalite; resolves to a cancellation reason. */
  async function apply(action: PlannedAction): Promise<CancellationReason> {
    const { kind, spec, key } = action;
    let reply;
    if (kind === "Put") reply = await backend.call("PutItem", { ...expressionFields(spec), Item: spec.Item });
    else if (kind === "Delete") reply = await backend.call("DeleteItem", { ...expressionFields(spec), Key: key });
    else if (kind === "Update") reply = await backend.call("UpdateItem", { ...expressionFields(spec), Key: key, UpdateExpression: spec.UpdateExpression });
    // An UpdateItem without updates evaluates the condition and changes no attribute; restore() removes an item it created.
    else reply = await backend.call("UpdateItem", { ...expressionFields(spec), Key: key });
    if (reply.status === 200) return { Code: "None" };
    const err = fromReply(reply);
    if (err.code !== "ConditionalCheckFailedException") throw err;
    const reason: CancellationReason = { Code: "ConditionalCheckFailed", Message: "The conditional request failed" };
    if (spec.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && action.before) reason.Item = action.before;
    return reason;
  }

  async function restore(action: PlannedAction): Promise<void> {
    const reply = action.before
      ? await backend.call("PutItem", { TableName: action.table.name, Item: action.before })
      : await backend.call("DeleteItem", { TableName: action.table.name, Key: action.key });
    if (reply.status !== 200) throw new DynamoError("InternalServerError", `Rolling back a cancelled transaction failed: ${String(reply.body.message ?? reply.status)}`, {}, 500);
  }

  function checkToken(input: Record<string, unknown>): boolean {
    const token = input.ClientRequestToken;
    if (token === undefined) return false;
    if (typeof token !== "string" || token.length < 1 || token.length > 36) throw validation("ClientRequestToken must be a string of 1 to 36 characters");
    const now = Date.now();
    // Insertion order is age order: stop at the first token still fresh.
    for (const [t, seen] of tokens) {
      if (now - seen.at <= IDEMPOTENCY_MS) break;
      tokens.delete(t);
    }
    const { ClientRequestToken: _t, ReturnConsumedCapacity: _c, ReturnItemCollectionMetrics: _m, ...rest } = input;
    const digest = createHash("sha256").update(JSON.stringify(rest)).digest("hex");
    const seen = tokens.get(token);
    if (!seen) return false;
    if (seen.digest !== digest) throw new DynamoError("IdempotentParameterMismatchException", "The request uses the same client token as a previous, but non-identical request.");
    return true;
  }

  function rememberToken(input: Record<string, unknown>): void {
    const token = input.ClientRequestToken;
    if (typeof token !== "string") return;
    const { ClientRequestToken: _t, ReturnConsumedCapacity: _c, ReturnItemCollectionMetrics: _m, ...rest } = input;
    tokens.set(token, { digest: createHash("sha256").update(JSON.stringify(rest)).digest("hex"), at: Date.now() });
  }

  async function transactWriteItems(input: Record<string, unknown>): Promise<unknown> {
    return lock.withExclusive(async () => {
      // A retried request with the same token succeeded before: AWS answers it again without applying it twice.
      if (checkToken(input)) return {};
      const actions = await plan(input);
      for (const action of actions) action.before = await getItem(action.table, action.key);
      const reasons: CancellationReason[] = [];
      const applied: PlannedAction[] = [];
      try {
        for (const action of actions) {
          applied.push(action);
          reasons.push(await apply(action));
        }
      } catch (err) {
        for (const action of applied.reverse()) await restore(action);
        throw err;
      }
      const cancelled = reasons.some((r) => r.Code !== "None");
      if (cancelled) {
        for (const action of [...applied].reverse()) await restore(action);
        throw new DynamoError(
          "TransactionCanceledException",
          `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`,
          { CancellationReasons: reasons },
        );
      }
      for (const action of actions) if (action.kind === "ConditionCheck" && !action.before) await restore(action);
      rememberToken(input);
      return {};
    });
  }

  async function transactGetItems(input: Record<string, unknown>): Promise<unknown> {
    const entries = list(input).map((entry, index) => {
      const get = entry.Get;
      if (!get || typeof get !== "object" || Object.keys(entry).length !== 1) throw validation(`TransactItems[${index}] must contain exactly one Get`);
      return get as Record<string, unknown>;
    });
    return lock.withExclusive(async () => {
      const byName = await tables(entries);
      const responses: { Item?: Item }[] = [];
      for (const get of entries) {
        const table = byName.get(get.TableName as string)!;
        const request: Record<string, unknown> = { TableName: table.name, Key: keyOf(table, get.Key, "key"), ConsistentRead: true };
        if (get.ProjectionExpression !== undefined) request.ProjectionExpression = get.ProjectionExpression;
        if (get.ExpressionAttributeNames !== undefined) request.ExpressionAttributeNames = get.ExpressionAttributeNames;
        const reply = await backend.call("GetItem", request);
        if (reply.status !== 200) throw fromReply(reply);
        responses.push(reply.body.Item ? { Item: reply.body.Item as Item } : {});
      }
      return { Responses: responses };
    });
  }

  return { transactWriteItems, transactGetItems };
}
