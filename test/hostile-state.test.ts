import type { ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqlite } from "../emulator/core/sqlite-driver.js";
import { afterAll, describe, expect, it } from "vitest";
import { CreateTableCommand, DynamoDBClient, PutItemCommand, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { ListIdentitiesCommand, SESClient, VerifyEmailIdentityCommand } from "@aws-sdk/client-ses";
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { handlerZip, TEST_ROLE } from "../emulator/lambda/test-support/handler-zip.js";
import { runCloudProcess, spawnCloudProcess } from "./support/cloud-process.js";
import { freePort } from "./support/free-port.js";
import { localClientConfig } from "./support/cloud-client-config.js";

/** Starts a cloud that is expected to refuse its state: how it ended and what it said. */
async function refusedStart(stateDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnCloudProcess(await freePort(), stateDir);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  // A cloud that did start would keep running: stop it once it says ready, so the test fails instead of hanging.
  child.stdout!.on("data", () => stdout.includes("ready at") && child.kill("SIGKILL"));
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  return { code, stdout, stderr };
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

async function kill9(child: ChildProcess): Promise<void> {
  if (!running(child)) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

async function stop(child: ChildProcess): Promise<void> {
  if (!running(child)) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("kill -9 loses nothing acknowledged", () => {
  it("keeps every answered SendMessage, topic, subscription, SES identity and function", { timeout: 180_000 }, async () => {
    const N = 300;
    const stateDir = tempDir("movies-hostile-kill-");
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const sqs = new SQSClient(localClientConfig(url));
    const sns = new SNSClient(localClientConfig(url));
    const ses = new SESClient(localClientConfig(url));
    const lambda = new LambdaClient(localClientConfig(url));
    const first = await runCloudProcess(port, stateDir);
    let topicArn: string;
    let queueUrl: string;
    try {
      queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "acknowledged" }))).QueueUrl!;
      // Everything below is answered in the same moment the cloud is killed: no time for a background write.
      const bodies = Array.from({ length: N }, (_, i) => `message ${i}`);
      const [, topic] = await Promise.all([
        Promise.all(bodies.map((MessageBody) => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody })))),
        (async () => {
          const t = (await sns.send(new CreateTopicCommand({ Name: "acknowledged-topic" }))).TopicArn!;
          await sns.send(new SubscribeCommand({ TopicArn: t, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:acknowledged" }));
          return t;
        })(),
        ses.send(new VerifyEmailIdentityCommand({ EmailAddress: "sender@example.com" })),
        lambda.send(
          new CreateFunctionCommand({
            FunctionName: "acknowledged-fn",
            Role: TEST_ROLE,
            Runtime: "nodejs22.x",
            Handler: "index.handler",
            Code: { ZipFile: handlerZip({ "index.mjs": "export const handler = async () => 'ok';" }) },
          }),
        ),
      ]);
      topicArn = topic;
      await kill9(first);
    } finally {
      await kill9(first);
    }

    const second = await runCloudProcess(port, stateDir);
    try {
      const received = new Set<string>();
      for (let empty = 0; empty < 2 && received.size < N; ) {
        const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }))).Messages ?? [];
        if (got.length === 0) empty++;
        for (const m of got) received.add(m.Body!);
        if (got.length > 0) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: got.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
      }
      expect(N - received.size).toBe(0);
      const subs = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions ?? [];
      expect(subs.map((s) => s.Endpoint)).toEqual(["arn:aws:sqs:us-east-1:000000000000:acknowledged"]);
      expect((await ses.send(new ListIdentitiesCommand({}))).Identities).toContain("sender@example.com");
      expect((await lambda.send(new GetFunctionCommand({ FunctionName: "acknowledged-fn" }))).Configuration?.Handler).toBe("index.handler");
    } finally {
      await stop(second);
      for (const c of [sqs, sns, ses, lambda]) c.destroy();
    }
  });
});

describe("damaged state stops the start, naming the file and the fix", () => {
  let base: string;

  /** A state dir from a real cloud: a DynamoDB table with items, a queue with a message, a topic. */
  async function baseState(): Promise<string> {
    base ??= await (async () => {
      const dir = tempDir("movies-hostile-base-");
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const cloud = await runCloudProcess(port, dir);
      const ddb = new DynamoDBClient(localClientConfig(url));
      const sqs = new SQSClient(localClientConfig(url));
      const sns = new SNSClient(localClientConfig(url));
      try {
        await ddb.send(new CreateTableCommand({ TableName: "Movies", BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }] }));
        await waitUntilTableExists({ client: ddb, maxWaitTime: 30 }, { TableName: "Movies" });
        for (let i = 0; i < 40; i++) await ddb.send(new PutItemCommand({ TableName: "Movies", Item: { pk: { S: `m${i}` }, title: { S: "x".repeat(200) } } }));
        const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "kept" }));
        await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "kept" }));
        await sns.send(new CreateTopicCommand({ Name: "kept-topic" }));
      } finally {
        await stop(cloud);
        for (const c of [ddb, sqs, sns]) c.destroy();
      }
      return dir;
    })();
    return base;
  }

  async function damaged(change: (dir: string) => void): Promise<string> {
    const dir = tempDir("movies-hostile-damaged-");
    cpSync(await baseState(), dir, { recursive: true });
    change(dir);
    return dir;
  }

  function editDb(dir: string, sql: string): void {
    const db = openSqlite(join(dir, "state.sqlite"));
    try {
      db.prepare(sql).run();
    } finally {
      db.close();
    }
  }

  const cases: [string, (dir: string) => void, (dir: string) => string, RegExp][] = [
    ["a state file that is not SQLite", (d) => writeFileSync(join(d, "state.sqlite"), Buffer.alloc(64 * 1024, 0x5a)), (d) => join(d, "state.sqlite"), /not a usable SQLite database/],
    ["state of the wrong shape", (d) => editDb(d, `UPDATE rows SET value = '{"topics":"none"}' WHERE service = 'sns'`), (d) => join(d, "state.sqlite"), /holds sns state this cloud cannot use \(SNS state.topics is not a list\)/],
    ["a store from an incompatible version", (d) => editDb(d, "UPDATE meta SET value = '2' WHERE key = 'schema_version'"), (d) => join(d, "state.sqlite"), /written in state format 2/],
    ["a DynamoDB store without its CURRENT file", (d) => unlinkSync(join(d, "dynamodb", "CURRENT")), (d) => join(d, "dynamodb", "CURRENT"), /is missing/],
    [
      "a DynamoDB store with garbage in its files",
      (d) => {
        for (const f of readdirSync(join(d, "dynamodb"))) {
          if (/\.(log|ldb)$/.test(f)) writeFileSync(join(d, "dynamodb", f), Buffer.alloc(statSync(join(d, "dynamodb", f)).size || 1024, 0x5a));
        }
      },
      (d) => join(d, "dynamodb"),
      /damaged DynamoDB \(LevelDB\) log: the record at byte 0/,
    ],
    [
      "a DynamoDB store with a garbage MANIFEST",
      (d) => {
        for (const f of readdirSync(join(d, "dynamodb"))) if (f.startsWith("MANIFEST-")) writeFileSync(join(d, "dynamodb", f), Buffer.alloc(64, 0x5a));
      },
      (d) => join(d, "dynamodb"),
      /not a usable DynamoDB \(LevelDB\) store \(.*Corruption/,
    ],
    [
      "an old JSON snapshot of the wrong shape",
      (d) => {
        rmSync(join(d, "state.sqlite"));
        writeFileSync(join(d, "sqs.json"), JSON.stringify({ queues: 5 }));
      },
      (d) => join(d, "sqs.json"),
      /holds sqs state this cloud cannot use/,
    ],
  ];

  for (const [name, change, file, problem] of cases) {
    it(`refuses ${name} before it says ready`, { timeout: 120_000 }, async () => {
      const dir = await damaged(change);
      const { code, stdout, stderr } = await refusedStart(dir);
      expect(stdout).not.toContain("ready at");
      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      expect(stderr).toContain(`cannot start with this state: ${file(dir)}`);
      expect(stderr).toMatch(problem);
      expect(stderr).toMatch(/Move the state dir away to start with an empty cloud|Start it with the movies version that wrote it/);
    });
  }
});
