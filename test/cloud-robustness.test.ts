import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import { localClientConfig } from "./support/cloud-client-config.js";
import { prng } from "./support/prng.js";

const REQUESTS = 5000;
const IN_FLIGHT = 16;


const SEED = 20261129;
const rand = prng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (n: number) => Math.floor(rand() * n);

function garbage(len: number): Buffer {
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = int(256);
  return b;
}

const TARGETS = [
  "DynamoDB_20120810.PutItem",
  "DynamoDB_20120810.GetItem",
  "DynamoDB_20120810.Query",
  "DynamoDB_20120810.UpdateItem",
  "DynamoDB_20120810.TransactWriteItems",
  "DynamoDB_20120810.TransactGetItems",
  "DynamoDB_20120810.UpdateTimeToLive",
  "DynamoDB_20120810.DescribeTimeToLive",
  "DynamoDB_20120810.NoSuchOp",
  "DynamoDB_20111205.Scan",
  "AmazonSQS.SendMessage",
  "AmazonSQS.ReceiveMessage",
  "AmazonSQS.Bogus",
  "Nope.Nothing",
  "",
  ".",
];
const SIGNING = ["sns", "ses", "sts", "sqs", "dynamodb", "lambda", "iam", "s3", "x"];
const ACTIONS = ["Publish", "CreateTopic", "SendEmail", "GetCallerIdentity", "Subscribe", "ListIdentities", "Bogus", ""];
const JSON_VALUES = [null, 1, -1.5, "s", true, [], {}, { S: 1 }, { N: "x" }, { S: "v" }, [{ Put: {} }], "x".repeat(2000)];

function randomJson(depth = 0): unknown {
  if (depth > 3 || rand() < 0.3) return pick(JSON_VALUES);
  const obj: Record<string, unknown> = {};
  const keys = ["TableName", "Key", "Item", "TransactItems", "QueueUrl", "MessageBody", "TimeToLiveSpecification", "UpdateExpression", "ConditionExpression", "ExpressionAttributeValues", "Get", "Put", "Update", "Delete", "ConditionCheck", "x"];
  for (let i = 0, n = int(5); i < n; i++) obj[pick(keys)] = rand() < 0.2 ? [randomJson(depth + 1)] : randomJson(depth + 1);
  if (rand() < 0.4) obj.TableName = pick(["Fuzz", "Missing", "", 3]);
  return obj;
}

function auth(service: string): string {
  return `AWS4-HMAC-SHA256 Credential=AKIDFUZZ/20261129/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`;
}

type Outcome = { kind: string; status: number };

/** One request whose headers and body are (mostly) well-formed HTTP but whose content is not. */
async function httpRequest(url: string): Promise<Outcome> {
  const kind = pick(["path", "target-json", "target-badjson", "query", "empty"] as const);
  const headers: Record<string, string> = { "x-amz-date": "20261129T000000Z" };
  let body: string | Buffer | undefined;
  let path = "/";
  let method = "POST";
  if (kind === "path") {
    method = pick(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]);
    path = "/" + Array.from({ length: int(4) }, () => pick(["_aws", "_movies", "health", "ses", "2015-03-31", "functions", "x", "%2e%2e", "queue", "000000000000"])).join("/");
    if (rand() < 0.5) path += `?Action=${pick(ACTIONS)}&x=${int(10)}`;
    if (method !== "GET" && method !== "HEAD" && rand() < 0.6) body = garbage(int(300));
    if (rand() < 0.5) headers.authorization = auth(pick(SIGNING));
  } else if (kind === "target-json" || kind === "target-badjson") {
    headers["x-amz-target"] = pick(TARGETS);
    headers["content-type"] = pick(["application/x-amz-json-1.0", "application/json", "text/plain"]);
    headers.authorization = auth(pick(["dynamodb", "sqs"]));
    body = kind === "target-json" ? JSON.stringify(randomJson()) : pick(["{", "[1,2", "nul", "{\"a\":}", garbage(int(200)).toString("latin1"), "", "[]", "null", "\"str\""]);
  } else if (kind === "query") {
    headers["content-type"] = "application/x-www-form-urlencoded";
    headers.authorization = auth(pick(SIGNING));
    const params = new URLSearchParams({ Action: pick(ACTIONS), Version: pick(["2010-03-31", "2010-12-01", "2011-06-15", ""]) });
    for (let i = 0, n = int(6); i < n; i++) params.set(pick(["TopicArn", "Name", "Message", "Source", "Destination.ToAddresses.member.1", "Attributes.entry.1.key", "MessageAttributes.entry.1.Value.DataType", "QueueUrl"]), garbage(int(40)).toString("latin1"));
    body = params.toString();
  } else {
    headers.authorization = auth(pick(SIGNING));
  }
  const res = await fetch(url + path, { method, headers, body: method === "GET" || method === "HEAD" ? undefined : body, signal: AbortSignal.timeout(20_000) });
  await res.arrayBuffer();
  return { kind, status: res.status };
}

/** Raw socket abuse: a body cut short, or bytes that are not HTTP at all. Resolves when the server closes or answers. */
function rawAbuse(port: number): Promise<Outcome> {
  const kind = pick(["truncated", "not-http", "bad-header"] as const);
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let reply = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`raw ${kind} request got no answer and no close within 20 s`));
    }, 20_000);
    const done = () => {
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0);
      resolve({ kind, status });
    };
    socket.on("data", (d: Buffer) => (reply += d.toString("latin1")));
    socket.on("error", done);
    socket.on("close", done);
    socket.on("connect", () => {
      if (kind === "truncated") {
        const target = pick(TARGETS);
        socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Amz-Target: ${target}\r\nContent-Type: application/x-amz-json-1.0\r\nAuthorization: ${auth("dynamodb")}\r\nX-Amz-Date: 20261129T000000Z\r\nContent-Length: 500\r\n\r\n{"TableName":"Fuzz","Ke`);
        // Hang up mid-body: the server must not wait for the rest or fall over.
        setTimeout(() => socket.destroy(), int(5));
      } else if (kind === "not-http") {
        socket.end(garbage(1 + int(400)));
      } else {
        socket.end(`POST /\u0000 HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n`);
      }
    });
  });
}

let cloud: Cloud;
let dynamo: DynamoDBClient;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  cloud = await startCloud({ port: 0 });
  dynamo = new DynamoDBClient(localClientConfig(cloud.url));
  doc = DynamoDBDocumentClient.from(dynamo);
  await dynamo.send(
    new CreateTableCommand({ TableName: "Fuzz", BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }] }),
  );
});

afterAll(async () => {
  dynamo?.destroy();
  await cloud?.stop();
});

describe(`${REQUESTS} malformed or random requests (seed ${SEED})`, () => {
  it("are all answered or closed, and the server still answers correctly afterwards", { timeout: 300_000 }, async () => {
    const outcomes: Outcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        next++;
        outcomes.push(rand() < 0.15 ? await rawAbuse(cloud.port) : await httpRequest(cloud.url));
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    expect(outcomes).toHaveLength(REQUESTS);

    // Garbage is the caller's fault: nothing well-formed enough to reach a service may end in a 5xx.
    const serverErrors = outcomes.filter((o) => o.status >= 500);
    expect(serverErrors).toEqual([]);
    const answered = outcomes.filter((o) => o.status >= 400);
    expect(answered.length).toBeGreaterThan(REQUESTS / 2);

    const health = await fetch(`${cloud.url}/_movies/health`);
    expect(health.status).toBe(200);
    await doc.send(new PutCommand({ TableName: "Fuzz", Item: { pk: "after", ok: true } }));
    expect((await doc.send(new GetCommand({ TableName: "Fuzz", Key: { pk: "after" } }))).Item).toEqual({ pk: "after", ok: true });
    const sts = new STSClient(localClientConfig(cloud.url));
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe("000000000000");
    sts.destroy();
    const sqs = new SQSClient(localClientConfig(cloud.url));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "after-fuzz" }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "still here" }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }))).Messages?.[0]?.Body).toBe("still here");
    sqs.destroy();
  });
});
