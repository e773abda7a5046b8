import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDynalite, type DynaliteBackend } from "./dynalite-backend.js";

// memory-level as dynalite loads it: its iterators are what a leak would keep open.
const fromDynalite = createRequire(createRequire(import.meta.url).resolve("dynalite"));
const { MemoryLevel } = fromDynalite("memory-level") as { MemoryLevel: { prototype: Record<string, (...a: unknown[]) => unknown> } };

const opened: { next(): Promise<unknown> }[] = [];
const originals = new Map<string, (...a: unknown[]) => unknown>();
let dynamo: DynaliteBackend;

beforeAll(async () => {
  for (const method of ["_values", "_keys", "_iterator"]) {
    const original = MemoryLevel.prototype[method]!;
    originals.set(method, original);
    MemoryLevel.prototype[method] = function (this: unknown, ...args: unknown[]) {
      const it = original.apply(this, args) as { next(): Promise<unknown> };
      opened.push(it);
      return it;
    };
  }
  dynamo = await startDynalite({ accountId: "000000000000", region: "us-east-1" });
  const created = await dynamo.call("CreateTable", {
    TableName: "movies",
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  });
  expect(created.status).toBe(200);
  for (let i = 0; i < 30; i++) expect((await dynamo.call("PutItem", { TableName: "movies", Item: { id: { S: `m${i}` } } })).status).toBe(200);
});

afterAll(async () => {
  await dynamo?.close();
  for (const [method, original] of originals) MemoryLevel.prototype[method] = original;
});

/** An iterator that was closed refuses next() (abstract-level's LEVEL_ITERATOR_NOT_OPEN). */
const isClosed = (it: { next(): Promise<unknown> }) => it.next().then(() => false, (e: { code?: string }) => e.code === "LEVEL_ITERATOR_NOT_OPEN");

describe("dynalite's table reads", () => {
  it("close their LevelDB iterators once answered: a Scan that stops at its Limit and one read to the end", async () => {
    opened.length = 0;
    const limited = await dynamo.call("Scan", { TableName: "movies", Limit: 3 });
    expect(limited.body.Count).toBe(3);
    expect(limited.body.LastEvaluatedKey).toBeDefined();
    const whole = await dynamo.call("Scan", { TableName: "movies" });
    expect(whole.body.Count).toBe(30);
    expect(opened.length).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setImmediate(r));
    expect(await Promise.all(opened.map(isClosed))).toEqual(opened.map(() => true));
  });
});
