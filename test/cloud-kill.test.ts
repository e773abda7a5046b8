import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { CreateQueueCommand, GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { runCloudProcess } from "./support/cloud-process.js";
import { freePort } from "./support/free-port.js";
import { localClientConfig } from "./support/cloud-client-config.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("kill -9 with a state dir", () => {
  it("keeps every acknowledged DynamoDB write and every other service's acknowledged state", { timeout: 120_000 }, async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "movies-kill-"));
    dirs.push(stateDir);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;

    const first = await runCloudProcess(port, stateDir);
    const ddb = new DynamoDBClient(localClientConfig(url));
    const doc = DynamoDBDocumentClient.from(ddb);
    const sqs = new SQSClient(localClientConfig(url));
    try {
      await sqs.send(new CreateQueueCommand({ QueueName: "survives-kill" }));
      await ddb.send(
        new CreateTableCommand({ TableName: "Movies", BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }] }),
      );
      await Promise.all(Array.from({ length: 100 }, (_, i) => doc.send(new PutCommand({ TableName: "Movies", Item: { pk: `m${i}` } }))));
      const exited = new Promise((r) => first.once("exit", r));
      first.kill("SIGKILL");
      await exited;

      const second = await runCloudProcess(port, stateDir);
      try {
        expect((await doc.send(new ScanCommand({ TableName: "Movies", Select: "COUNT" }))).Count).toBe(100);
        expect((await sqs.send(new GetQueueUrlCommand({ QueueName: "survives-kill" }))).QueueUrl).toBe(`${url}/000000000000/survives-kill`);
      } finally {
        const exited2 = new Promise((r) => second.once("exit", r));
        second.kill("SIGTERM");
        await exited2;
      }
    } finally {
      ddb.destroy();
      sqs.destroy();
      if (first.exitCode === null) first.kill("SIGKILL");
    }
  });
});
