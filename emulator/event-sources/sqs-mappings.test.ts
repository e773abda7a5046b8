import { SqsSchema } from "@aws-lambda-powertools/parser/schemas/sqs";
import { chmodSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FunctionRegistry } from "../lambda/functions.js";
import { handlerZip, TEST_ROLE } from "../lambda/test-support/handler-zip.js";
import { SqsModel } from "../sqs/model.js";
import { failedMessageIds } from "./sqs-event.js";
import { SqsEventSourceMappings } from "./sqs-mappings.js";

const REGION = "us-east-1";
const ACCOUNT = "000000000000";

// Records every event to a file, fails records whose body is "bad" through batchItemFailures.
const HANDLER = `
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
let n = 0;
export const handler = async (event) => {
  // written aside and renamed, so the test never reads half a file
  const name = join(process.env.OUT_DIR, Date.now() + "-" + process.pid + "-" + (n++));
  writeFileSync(name + ".tmp", JSON.stringify(event));
  renameSync(name + ".tmp", name + ".json");
  return { batchItemFailures: event.Records.filter((r) => r.body === "bad").map((r) => ({ itemIdentifier: r.messageId })) };
};`;

async function until<T>(probe: () => T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("SQS event source mapping", () => {
  const out = mkdtempSync(join(tmpdir(), "esm-"));
  // The function writes here as a user of its own when the cloud is root.
  chmodSync(out, 0o777);
  const sqs = new SqsModel(ACCOUNT);
  const registry = new FunctionRegistry({ region: REGION, accountId: ACCOUNT });
  const mappings = new SqsEventSourceMappings({ sqs, lambda: () => registry, region: REGION });
  let queueArn = "";
  let dlqArn = "";

  beforeAll(() => {
    dlqArn = sqs.createQueue(REGION, "jobs-dlq").queue.arn;
    // 3 s, not 1: the first batch waits for a cold start, which on a loaded machine took
    // over a second, and "good" then came back (as it would on AWS) before it was deleted
    queueArn = sqs.createQueue(REGION, "jobs", { VisibilityTimeout: "3", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) }).queue.arn;
    const fn = registry.create({
      FunctionName: "worker",
      Role: TEST_ROLE,
      Handler: "index.handler",
      Runtime: "nodejs22.x",
      Environment: { Variables: { OUT_DIR: out } },
      Code: { ZipFile: handlerZip({ "index.mjs": HANDLER }) },
    });
    mappings.create({ functionArn: fn.FunctionArn!, eventSourceArn: queueArn, batchSize: 10, functionResponseTypes: ["ReportBatchItemFailures"] });
  });

  afterAll(async () => {
    mappings.close();
    await registry.close();
    sqs.close();
  });

  it("delivers Lambda's SQS event, deletes what succeeded and sends failures to the DLQ after maxReceiveCount", async () => {
    sqs.sendByArn(queueArn, { body: "good", attributes: { Type: { DataType: "String", StringValue: "MovieCreated" } }, senderId: ACCOUNT });
    sqs.sendByArn(queueArn, { body: "bad", senderId: ACCOUNT });
    const events = () => readdirSync(out).filter((f) => f.endsWith(".json")).sort().map((f) => JSON.parse(readFileSync(join(out, f), "utf8")) as { Records: Array<Record<string, any>> });
    // "good" and "bad" may arrive in separate batches, run by two instances at once: wait for "good"
    const good = await until(() => events().flatMap((e) => e.Records).find((r) => r.body === "good"));
    // every event has Lambda's SQS event shape: no schema issues
    expect(events().flatMap((e) => SqsSchema.safeParse(e).error?.issues ?? [])).toEqual([]);
    expect(good).toMatchObject({ eventSource: "aws:sqs", eventSourceARN: queueArn, awsRegion: REGION, messageAttributes: { Type: { stringValue: "MovieCreated", dataType: "String" } } });
    expect(good.attributes.ApproximateReceiveCount).toBe("1");

    const dlq = sqs.queueByArn(dlqArn)!;
    const moved = await until(() => (dlq.approximateCounts().visible === 1 ? true : undefined));
    expect(moved).toBe(true);
    const all = events().flatMap((e) => e.Records);
    expect(all.filter((r) => r.body === "good")).toHaveLength(1);
    expect(all.filter((r) => r.body === "bad").map((r) => r.attributes.ApproximateReceiveCount)).toEqual(["1", "2"]);
    expect(sqs.queueByArn(queueArn)!.approximateCounts()).toMatchObject({ visible: 0, notVisible: 0 });
  });
});

describe("ReportBatchItemFailures rules", () => {
  const ids = ["a", "b", "c"];
  it("fails the whole batch on a function error", () => {
    expect([...failedMessageIds(ids, { payload: "{}", functionError: "Unhandled" }, true)]).toEqual(ids);
  });
  it("treats an empty list, null, or no field as all succeeded", () => {
    expect(failedMessageIds(ids, { payload: '{"batchItemFailures":[]}' }, true).size).toBe(0);
    expect(failedMessageIds(ids, { payload: "null" }, true).size).toBe(0);
    expect(failedMessageIds(ids, { payload: "{}" }, true).size).toBe(0);
  });
  it("retries only the listed messages", () => {
    expect([...failedMessageIds(ids, { payload: '{"batchItemFailures":[{"itemIdentifier":"b"}]}' }, true)]).toEqual(["b"]);
  });
  it("fails the whole batch for a missing or unknown identifier", () => {
    expect(failedMessageIds(ids, { payload: '{"batchItemFailures":[{"itemIdentifier":"zzz"}]}' }, true).size).toBe(3);
    expect(failedMessageIds(ids, { payload: '{"batchItemFailures":[{}]}' }, true).size).toBe(3);
    expect(failedMessageIds(ids, { payload: '{"batchItemFailures":"b"}' }, true).size).toBe(3);
  });
  it("ignores the answer when the mapping does not report item failures", () => {
    expect(failedMessageIds(ids, { payload: '{"batchItemFailures":[{"itemIdentifier":"b"}]}' }, false).size).toBe(0);
  });
});
