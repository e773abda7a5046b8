import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDynalite, type DynaliteBackend } from "./dynalite-backend.js";

// memory-level as dynalite loads it; what reaches its _put/_batch is what its tree keeps.
const fromDynalite = createRequire(createRequire(import.meta.url).resolve("dynalite"));
const { MemoryLevel } = fromDynalite("memory-level") as { MemoryLevel: { prototype: Record<string, (...a: unknown[]) => unknown> } };

const stored: Buffer[] = [];
let dynamo: DynaliteBackend;

beforeAll(async () => {
  // Recorded under the cloud's wrapper (installed by startDynalite), so this sees what the tree is given.
  const put = MemoryLevel.prototype._put!;
  const batch = MemoryLevel.prototype._batch!;
  MemoryLevel.prototype._put = function (this: unknown, ...args: unknown[]) {
    const [key, value, options] = args;
    for (const b of [key, value]) if (Buffer.isBuffer(b)) stored.push(b);
    return put.call(this, key, value, options);
  };
  MemoryLevel.prototype._batch = function (this: unknown, ...args: unknown[]) {
    const [ops, options] = args as [{ key: unknown; value?: unknown }[], unknown];
    for (const op of ops) for (const b of [op.key, op.value]) if (Buffer.isBuffer(b)) stored.push(b);
    return batch.call(this, ops, options);
  };
  dynamo = await startDynalite({ accountId: "000000000000", region: "us-east-1" });
});

afterAll(async () => {
  await dynamo?.close();
});

describe("dynalite's in-memory store", () => {
  it("keeps each key and value in a buffer of its own size, not a slice pinning Node's 8 KB pool, and reads items back unchanged", async () => {
    expect(
      (await dynamo.call("CreateTable", {
        TableName: "idempotency",
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      })).status,
    ).toBe(200);
    stored.length = 0;
    for (let i = 0; i < 20; i++) expect((await dynamo.call("PutItem", { TableName: "idempotency", Item: { id: { S: `email-${i}` }, n: { N: String(i) } } })).status).toBe(200);
    expect(stored.length).toBeGreaterThanOrEqual(20);
    expect(stored.filter((b) => b.byteLength !== b.buffer.byteLength)).toEqual([]);
    const got = await dynamo.call("GetItem", { TableName: "idempotency", Key: { id: { S: "email-7" } } });
    expect(got.body.Item).toEqual({ id: { S: "email-7" }, n: { N: "7" } });
  });
});
