import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqlite } from "./sqlite-driver.js";
import { afterAll, describe, expect, it } from "vitest";
import type { Service } from "./service.js";
import { StateError } from "./state-error.js";
import { IMPORTED_JSON_DIR, STATE_DB_FILE, StateStore } from "./state-store.js";
import { SqsModel } from "../sqs/model.js";
import { SqsService } from "../sqs/service.js";

function counter(name: string): Service & { value: number; snapshots: number } {
  const s = {
    name,
    value: 0,
    snapshots: 0,
    claims: () => false,
    handle: async () => undefined,
    snapshot: () => {
      s.snapshots++;
      return { value: s.value };
    },
    restore: (state: unknown) => {
      const v = (state as { value?: unknown } | null)?.value;
      if (typeof v !== "number") throw new Error("counter state has no value");
      s.value = v;
    },
  };
  return s;
}

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "movies-store-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});


function expectStateError(run: () => unknown, file: string, problem: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(StateError);
  expect((caught as StateError).file).toBe(file);
  expect((caught as StateError).problem).toMatch(problem);
  expect((caught as StateError).fix).toMatch(/move|another --state-dir/i);
}

describe("the state store", () => {
  it("commits a document service only after a request to it changed it, and restores it", () => {
    const dir = tempDir();
    const svc = counter("counter");
    const store = StateStore.open(dir, [svc]);
    svc.value = 1;
    store.beforeReply(svc);
    svc.value = 2; // changed outside a request: not yet written
    store.commit();
    store.close();
    const again = counter("counter");
    StateStore.open(dir, [again]).close();
    expect(again.value).toBe(2); // close() writes every document
  });

  it("keeps SQS as one row per queue and per message, and deletes the row of a deleted message", async () => {
    const dir = tempDir();
    const model = new SqsModel("000000000000");
    const sqs = new SqsService(model);
    const store = StateStore.open(dir, [sqs]);
    const { queue } = model.createQueue("us-east-1", "q");
    queue.send({ body: "a", senderId: "x" });
    queue.send({ body: "b", senderId: "x" });
    store.beforeReply(sqs);
    const messages = () => store.storedRows("sqs").filter((r) => r.kind === "message");
    expect(messages()).toHaveLength(2);
    const [got] = await queue.receive({ maxMessages: 1, waitSeconds: 0 });
    queue.deleteMessage(got!.receiptHandle);
    store.beforeReply(sqs);
    expect(messages().map((r) => r.key)).toEqual([...queue.messages.keys()]);
    expect(messages().map((r) => r.key)).not.toContain(got!.message.id);
    queue.purge();
    queue.send({ body: "after purge", senderId: "x" });
    store.commit();
    expect(messages()).toHaveLength(1);
    model.deleteQueue(queue);
    store.commit();
    expect(store.storedRows("sqs")).toEqual([]);
    store.close();
    model.close();
  });

  it("brings back messages with their receive counts", async () => {
    const dir = tempDir();
    const model = new SqsModel("000000000000");
    const store = StateStore.open(dir, [new SqsService(model)]);
    const { queue } = model.createQueue("us-east-1", "q", {}, { team: "movies" });
    queue.send({ body: "hello", senderId: "x", attributes: { bin: { DataType: "Binary", BinaryValue: Buffer.from([1, 2, 3]) } } });
    await queue.receive({ maxMessages: 1, waitSeconds: 0, visibilityTimeout: 600 });
    store.commit();
    store.close();
    model.close();

    const model2 = new SqsModel("000000000000");
    StateStore.open(dir, [new SqsService(model2)]).close();
    const q2 = model2.requireQueue("us-east-1", "q");
    expect(q2.tags).toEqual({ team: "movies" });
    const [again] = await q2.receive({ maxMessages: 1, waitSeconds: 0 });
    expect(again!.message.body).toBe("hello");
    expect(again!.message.attributes?.bin?.BinaryValue).toEqual(Buffer.from([1, 2, 3]));
    expect(again!.receiveCount).toBe(2);
    model2.close();
  });

  it("imports the old <service>.json snapshots once and moves them aside", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "counter.json"), JSON.stringify({ value: 7 }));
    const svc = counter("counter");
    StateStore.open(dir, [svc]).close();
    expect(svc.value).toBe(7);
    expect(readdirSync(dir)).not.toContain("counter.json");
    expect(readdirSync(join(dir, IMPORTED_JSON_DIR))).toEqual(["counter.json"]);
    const again = counter("counter");
    StateStore.open(dir, [again]).close();
    expect(again.value).toBe(7);
  });

  it("imports an old sqs.json into one row per message", async () => {
    const dir = tempDir();
    const old = new SqsModel("000000000000");
    old.createQueue("us-east-1", "legacy").queue.send({ body: "from the json days", senderId: "x" });
    writeFileSync(join(dir, "sqs.json"), JSON.stringify(old.snapshot()));
    old.close();
    const model = new SqsModel("000000000000");
    const store = StateStore.open(dir, [new SqsService(model)]);
    expect(store.storedRows("sqs").map((r) => r.kind)).toEqual(["message", "queue"]);
    store.close();
    model.close();
    const again = new SqsModel("000000000000");
    StateStore.open(dir, [new SqsService(again)]).close();
    const [m] = await again.requireQueue("us-east-1", "legacy").receive({ maxMessages: 1, waitSeconds: 0 });
    expect(m!.message.body).toBe("from the json days");
    again.close();
  });

  it("refuses an old snapshot of the wrong shape, naming it", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "counter.json"), JSON.stringify({ other: true }));
    expectStateError(() => StateStore.open(dir, [counter("counter")]), join(dir, "counter.json"), /counter state .*no value/);
    // The failed import leaves no store behind: fixing the file is enough for the next start.
    expect(readdirSync(dir)).toEqual(["counter.json", "state.lock"]);
    writeFileSync(join(dir, "counter.json"), JSON.stringify({ value: 3 }));
    const svc = counter("counter");
    StateStore.open(dir, [svc]).close();
    expect(svc.value).toBe(3);
  });

  it("refuses a file that is not SQLite, one of another version, one of the wrong shape, and one in use", () => {
    const garbage = tempDir();
    writeFileSync(join(garbage, STATE_DB_FILE), "this is not a database at all, just some text that is long enough".repeat(100));
    expectStateError(() => StateStore.open(garbage, [counter("c")]), join(garbage, STATE_DB_FILE), /not a usable SQLite database/);

    const newer = tempDir();
    StateStore.open(newer, [counter("c")]).close();
    const db = openSqlite(join(newer, STATE_DB_FILE));
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    expectStateError(() => StateStore.open(newer, [counter("c")]), join(newer, STATE_DB_FILE), /format 99; this movies reads format 1/);

    const wrong = tempDir();
    const c = counter("c");
    const s = StateStore.open(wrong, [c]);
    s.beforeReply(c);
    s.close();
    const db2 = openSqlite(join(wrong, STATE_DB_FILE));
    db2.prepare("UPDATE rows SET value = '{\"unexpected\":1}'").run();
    db2.close();
    expectStateError(() => StateStore.open(wrong, [counter("c")]), join(wrong, STATE_DB_FILE), /holds c state this cloud cannot use/);

    const busy = tempDir();
    const first = StateStore.open(busy, [counter("c")]);
    try {
      expectStateError(() => StateStore.open(busy, [counter("c")]), join(busy, STATE_DB_FILE), /in use by another running cloud/);
    } finally {
      first.close();
    }
  });

  it("refuses old JSON snapshots beside a store that did not import them", () => {
    const dir = tempDir();
    StateStore.open(dir, [counter("c")]).close();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "c.json"), JSON.stringify({ value: 1 }));
    expectStateError(() => StateStore.open(dir, [counter("c")]), join(dir, "c.json"), /old JSON format/);
  });
});
