import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AwsError } from "../core/aws-error.js";
import { SqsModel } from "./model.js";

const REGION = "us-east-1";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof AwsError ? e.code : `not an AwsError: ${String(e)}`;
  }
  return undefined;
}

describe("SQS model", () => {
  let model: SqsModel;
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z") });
    model = new SqsModel("000000000000");
  });
  afterEach(() => {
    model.close();
    vi.useRealTimers();
  });

  const send = (q: ReturnType<SqsModel["requireQueue"]>, body: string, delaySeconds?: number) =>
    q.send({ body, senderId: "000000000000", delaySeconds });

  it("hides a received message until it is deleted", async () => {
    const { queue } = model.createQueue(REGION, "jobs");
    send(queue, "hello");
    const [got] = await queue.receive({ maxMessages: 10, waitSeconds: 0 });
    expect(got!.message.body).toBe("hello");
    expect(queue.approximateCounts()).toEqual({ visible: 0, notVisible: 1, delayed: 0 });
    expect(await queue.receive({ maxMessages: 10, waitSeconds: 0 })).toEqual([]);
    queue.deleteMessage(got!.receiptHandle);
    expect(queue.approximateCounts()).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
    expect(queue.messages.size).toBe(0);
  });

  it("makes a message visible again when its visibility timeout ends, and voids the old receipt", async () => {
    const { queue } = model.createQueue(REGION, "jobs", { VisibilityTimeout: "10" });
    send(queue, "m");
    const [first] = await queue.receive({ maxMessages: 1, waitSeconds: 0 });
    vi.advanceTimersByTime(9_999);
    expect(await queue.receive({ maxMessages: 1, waitSeconds: 0 })).toEqual([]);
    vi.advanceTimersByTime(1);
    const [second] = await queue.receive({ maxMessages: 1, waitSeconds: 0 });
    expect(second!.message.id).toBe(first!.message.id);
    expect(second!.receiveCount).toBe(2);
    expect(second!.receiptHandle).not.toBe(first!.receiptHandle);
    queue.deleteMessage(first!.receiptHandle);
    expect(queue.messages.size).toBe(1);
    expect(codeOf(() => queue.changeVisibility(first!.receiptHandle, 5))).toBe("AWS.SimpleQueueService.MessageNotInflight");
    queue.deleteMessage(second!.receiptHandle);
    expect(queue.messages.size).toBe(0);
  });

  it("rejects a malformed receipt handle or one from another queue", async () => {
    const { queue: a } = model.createQueue(REGION, "a");
    const { queue: b } = model.createQueue(REGION, "b");
    send(a, "x");
    const [got] = await a.receive({ maxMessages: 1, waitSeconds: 0 });
    expect(codeOf(() => a.deleteMessage("not-a-receipt"))).toBe("ReceiptHandleIsInvalid");
    expect(codeOf(() => b.deleteMessage(got!.receiptHandle))).toBe("ReceiptHandleIsInvalid");
    expect(codeOf(() => b.changeVisibility(got!.receiptHandle, 0))).toBe("ReceiptHandleIsInvalid");
  });

  it("changes visibility: longer keeps it hidden, zero shows it at once", async () => {
    const { queue } = model.createQueue(REGION, "jobs", { VisibilityTimeout: "5" });
    send(queue, "m");
    const [got] = await queue.receive({ maxMessages: 1, waitSeconds: 0 });
    queue.changeVisibility(got!.receiptHandle, 60);
    vi.advanceTimersByTime(30_000);
    expect(queue.approximateCounts().notVisible).toBe(1);
    queue.changeVisibility(got!.receiptHandle, 0);
    expect(queue.approximateCounts()).toEqual({ visible: 1, notVisible: 0, delayed: 0 });
  });

  it("delays a message by its DelaySeconds or the queue's", async () => {
    const { queue } = model.createQueue(REGION, "later", { DelaySeconds: "5" });
    send(queue, "queue-delay");
    send(queue, "no-delay", 0);
    send(queue, "own-delay", 20);
    expect(queue.approximateCounts()).toEqual({ visible: 1, notVisible: 0, delayed: 2 });
    vi.advanceTimersByTime(5_000);
    const got = await queue.receive({ maxMessages: 10, waitSeconds: 0 });
    expect(got.map((r) => r.message.body).sort()).toEqual(["no-delay", "queue-delay"]);
    vi.advanceTimersByTime(15_000);
    expect((await queue.receive({ maxMessages: 10, waitSeconds: 0 })).map((r) => r.message.body)).toEqual(["own-delay"]);
  });

  it("wakes a long poll the moment a message is sent", async () => {
    const { queue } = model.createQueue(REGION, "poll");
    let result: string[] | undefined;
    void queue.receive({ maxMessages: 5, waitSeconds: 20 }).then((r) => (result = r.map((x) => x.message.body)));
    await Promise.resolve();
    expect(result).toBeUndefined();
    send(queue, "now");
    await Promise.resolve();
    expect(result).toEqual(["now"]);
  });

  it("wakes a long poll when a delayed or in-flight message becomes visible, and ends empty after WaitTimeSeconds", async () => {
    const { queue } = model.createQueue(REGION, "poll", { VisibilityTimeout: "3" });
    send(queue, "d", 2);
    const waiting = queue.receive({ maxMessages: 1, waitSeconds: 20 });
    await vi.advanceTimersByTimeAsync(2_000);
    const [got] = await waiting;
    expect(got!.message.body).toBe("d");
    const again = queue.receive({ maxMessages: 1, waitSeconds: 20 });
    await vi.advanceTimersByTimeAsync(3_000);
    expect((await again)[0]!.receiveCount).toBe(2);
    const empty = queue.receive({ maxMessages: 1, waitSeconds: 1 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await empty).toEqual([]);
  });

  it("ends a long poll whose caller aborts, leaving later messages for others", async () => {
    const { queue } = model.createQueue(REGION, "poll");
    const gone = new AbortController();
    const waiting = queue.receive({ maxMessages: 1, waitSeconds: 20, signal: gone.signal });
    gone.abort();
    expect(await waiting).toEqual([]);
    send(queue, "kept");
    expect(queue.approximateCounts().visible).toBe(1);
  });

  it("ends a long poll through onWait's cancel, and does not call onWait when it answers at once", async () => {
    const { queue } = model.createQueue(REGION, "poll");
    let cancel: (() => void) | undefined;
    const waiting = queue.receive({ maxMessages: 1, waitSeconds: 20, onWait: (c) => (cancel = c) });
    expect(cancel).toBeDefined();
    cancel!();
    expect(await waiting).toEqual([]);
    send(queue, "kept");
    let called = false;
    const got = await queue.receive({ maxMessages: 1, waitSeconds: 20, onWait: () => (called = true) });
    expect(got.map((r) => r.message.body)).toEqual(["kept"]);
    expect(called).toBe(false);
  });

  it("moves a message to the dead-letter queue after maxReceiveCount receives", async () => {
    const { queue: dlq } = model.createQueue(REGION, "jobs-dlq");
    const { queue } = model.createQueue(REGION, "jobs", {
      VisibilityTimeout: "1",
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
    });
    const sent = send(queue, "poison");
    for (let i = 0; i < 2; i++) {
      expect(await queue.receive({ maxMessages: 1, waitSeconds: 0 })).toHaveLength(1);
      vi.advanceTimersByTime(1_000);
    }
    expect(await queue.receive({ maxMessages: 1, waitSeconds: 0 })).toEqual([]);
    expect(queue.messages.size).toBe(0);
    const [dead] = await dlq.receive({ maxMessages: 1, waitSeconds: 0 });
    expect(dead!.message.id).toBe(sent.id);
    expect(dead!.message.body).toBe("poison");
    expect(dead!.message.deadLetterSourceArn).toBe(queue.arn);
    expect(model.deadLetterSources(dlq).map((q) => q.name)).toEqual(["jobs"]);
  });

  it("drops messages older than the retention period", async () => {
    const { queue } = model.createQueue(REGION, "short", { MessageRetentionPeriod: "60" });
    send(queue, "old");
    vi.advanceTimersByTime(30_000);
    send(queue, "young");
    vi.advanceTimersByTime(30_000);
    expect(queue.approximateCounts().visible).toBe(1);
    const got = await queue.receive({ maxMessages: 10, waitSeconds: 0 });
    expect(got.map((r) => r.message.body)).toEqual(["young"]);
  });

  it("refuses FIFO queues with a clear error", () => {
    expect(codeOf(() => model.createQueue(REGION, "orders.fifo"))).toBe("AWS.SimpleQueueService.UnsupportedOperation");
    expect(codeOf(() => model.createQueue(REGION, "orders", { FifoQueue: "true" }))).toBe(
      "AWS.SimpleQueueService.UnsupportedOperation",
    );
  });

  it("validates queue names and attributes", () => {
    expect(codeOf(() => model.createQueue(REGION, "bad name"))).toBe("InvalidParameterValue");
    expect(codeOf(() => model.createQueue(REGION, "q", { VisibilityTimeout: "43201" }))).toBe("InvalidAttributeValue");
    expect(codeOf(() => model.createQueue(REGION, "q", { Colour: "blue" }))).toBe("InvalidAttributeName");
    expect(
      codeOf(() =>
        model.createQueue(REGION, "q", {
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: model.arnOf(REGION, "missing"), maxReceiveCount: 3 }),
        }),
      ),
    ).toBe("InvalidAttributeValue");
  });

  it("returns the existing queue for identical attributes and refuses different ones", () => {
    const first = model.createQueue(REGION, "same", { VisibilityTimeout: "40" });
    const second = model.createQueue(REGION, "same", { VisibilityTimeout: "40" });
    expect(second.created).toBe(false);
    expect(second.queue).toBe(first.queue);
    expect(codeOf(() => model.createQueue(REGION, "same", { VisibilityTimeout: "41" }))).toBe("QueueAlreadyExists");
  });

  it("keeps queues apart per region", () => {
    model.createQueue("us-east-1", "q");
    expect(model.getQueue("eu-west-1", "q")).toBeUndefined();
    expect(model.queueByArn("arn:aws:sqs:us-east-1:000000000000:q")?.name).toBe("q");
  });

  it("purges every message", async () => {
    const { queue } = model.createQueue(REGION, "p");
    send(queue, "a");
    send(queue, "b", 10);
    await queue.receive({ maxMessages: 1, waitSeconds: 0 });
    send(queue, "c");
    queue.purge();
    expect(queue.approximateCounts()).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
    vi.advanceTimersByTime(60_000);
    expect(await queue.receive({ maxMessages: 10, waitSeconds: 0 })).toEqual([]);
  });

  it("restores queues and messages from a snapshot, in-flight ones visible again", async () => {
    const { queue } = model.createQueue(REGION, "keep", { VisibilityTimeout: "300" }, { team: "movies" });
    queue.send({
      body: "with-attrs",
      senderId: "AKID",
      attributes: { bin: { DataType: "Binary", BinaryValue: Buffer.from([1, 2, 3]) }, s: { DataType: "String", StringValue: "v" } },
    });
    send(queue, "in-flight");
    send(queue, "delayed", 100);
    const [taken] = await queue.receive({ maxMessages: 1, waitSeconds: 0 });
    const snapshot = JSON.parse(JSON.stringify(model.snapshot()));

    const fresh = new SqsModel("000000000000");
    try {
      fresh.restore(snapshot);
      const q = fresh.requireQueue(REGION, "keep");
      expect(q.tags).toEqual({ team: "movies" });
      expect(q.settings.visibilityTimeout).toBe(300);
      expect(q.approximateCounts()).toEqual({ visible: 2, notVisible: 0, delayed: 1 });
      const got = await q.receive({ maxMessages: 10, waitSeconds: 0 });
      const byBody = new Map(got.map((r) => [r.message.body, r]));
      expect(byBody.get(taken!.message.body)!.receiveCount).toBe(2);
      const withAttrs = byBody.get("with-attrs")!.message;
      expect(withAttrs.attributes!.bin!.BinaryValue).toEqual(Buffer.from([1, 2, 3]));
      expect(withAttrs.md5OfAttributes).toBe(queue.messages.get(withAttrs.id)!.md5OfAttributes);
      expect(codeOf(() => q.changeVisibility(taken!.receiptHandle, 10))).toBe("AWS.SimpleQueueService.MessageNotInflight");
      vi.advanceTimersByTime(100_000);
      expect((await q.receive({ maxMessages: 10, waitSeconds: 0 })).map((r) => r.message.body)).toEqual(["delayed"]);
    } finally {
      fresh.close();
    }
  });
});
