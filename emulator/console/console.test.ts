import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type Cloud } from "../cloud.js";
import { localClientConfig } from "../../test/support/cloud-client-config.js";
import { BUNDLE_FILE, consoleBundleSource } from "../../scripts/build-console.js";

// The console's server side in process: what the page reads and what its actions change.

let cloud: Cloud;
let sqs: SQSClient;
let token: string;
let sourceUrl: string;
let dlqUrl: string;
const api = (path: string) => `${cloud.url}/_movies/console/api/${path}`;
const action = (path: string, headers: Record<string, string> = {}) =>
  fetch(api(path), { method: "POST", headers: { "content-type": "application/json", "x-movies-console-token": token, ...headers }, body: "{}" });

async function counts(url: string): Promise<{ visible: number; inFlight: number }> {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }))).Attributes!;
  return { visible: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible) };
}

beforeAll(async () => {
  cloud = await startCloud({ port: 0 });
  sqs = new SQSClient(localClientConfig(cloud.url));
  dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "orders-dlq" }))).QueueUrl!;
  const dlqArn = `arn:aws:sqs:us-east-1:${cloud.accountId}:orders-dlq`;
  sourceUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "orders", Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) } }))).QueueUrl!;
  const page = await (await fetch(`${cloud.url}/_movies/console/queues/orders`)).text();
  token = /name="movies-console-token" content="([^"]+)"/.exec(page)![1]!;
});

afterAll(async () => {
  sqs.destroy();
  await cloud.stop();
});

describe("the console's server side", () => {
  it("serves the page at every view's URL, with its token, framing refused", async () => {
    for (const path of ["", "/", "/tables/Movies", "/queues/orders", "/traces/0123456789abcdef0123456789abcdef", "/mailbox"]) {
      const r = await fetch(`${cloud.url}/_movies/console${path}`);
      expect(r.status, path).toBe(200);
      expect(r.headers.get("content-type")).toContain("text/html");
      expect(r.headers.get("x-frame-options")).toBe("DENY");
      expect(await r.text()).toContain(`content="${token}"`);
    }
    const js = await fetch(`${cloud.url}/_movies/console/assets/app.js`);
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(1000);
    expect((await fetch(`${cloud.url}/_movies/console/assets/nope.js`)).status).toBe(404);
  });

  it("peeks without receiving: receive counts and visibility stay as they were", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: sourceUrl, MessageBody: "first" }));
    const page = (await (await fetch(api("queues/orders"))).json()) as { total: number; messages: { body: string; receiveCount: number; state: string }[] };
    expect(page.total).toBe(1);
    expect(page.messages[0]).toMatchObject({ body: "first", receiveCount: 0, state: "visible" });
    expect(await counts(sourceUrl)).toEqual({ visible: 1, inFlight: 0 });
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: sourceUrl, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    expect(got.Messages![0]!.Attributes!.ApproximateReceiveCount).toBe("1");
  });

  it("redrives a dead-letter queue back to its source, only with the token and from its own origin", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: "failed twice", MessageAttributes: { kind: { DataType: "String", StringValue: "order" } } }));
    const before = await counts(dlqUrl);
    expect((await action("queues/orders-dlq/redrive", { "x-movies-console-token": "wrong" })).status).toBe(403);
    expect((await action("queues/orders-dlq/redrive", { origin: "http://localhost:3000" })).status).toBe(403);
    expect((await action("queues/orders-dlq/redrive", { "sec-fetch-site": "same-site" })).status).toBe(403);
    expect(await counts(dlqUrl)).toEqual(before);

    const r = await action("queues/orders-dlq/redrive", { origin: cloud.url });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ moved: 1, to: ["orders"], left: 0 });
    expect(await counts(dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
    const peeked = (await (await fetch(api("queues/orders"))).json()) as { messages: { body: string; attributes: Record<string, string> }[] };
    expect(peeked.messages.find((m) => m.body === "failed twice")?.attributes).toEqual({ kind: "order" });
  });

  it("refuses a redrive of a queue that is no queue's DLQ, moving nothing", async () => {
    const r = await action("queues/orders/redrive");
    expect(r.status).toBe(409);
    expect(((await r.json()) as { message: string }).message).toContain("no queue's dead-letter queue");
  });

  it("pages through 10,000 messages and 10,000 items", async () => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: "big" }))).QueueUrl!;
    for (let i = 0; i < 10_000; i += 10) {
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 10 }, (_, j) => ({ Id: `m${j}`, MessageBody: `message ${i + j}` })) }));
    }
    const last = (await (await fetch(api("queues/big?offset=9950&limit=50"))).json()) as { total: number; messages: { body: string }[] };
    expect(last.total).toBe(10_000);
    expect(last.messages.map((m) => m.body)).toEqual(Array.from({ length: 50 }, (_, j) => `message ${9950 + j}`));
    expect(((await (await fetch(api("queues/big?limit=100000"))).json()) as { messages: unknown[] }).messages).toHaveLength(500);

    const ddb = new DynamoDBClient(localClientConfig(cloud.url));
    try {
      await ddb.send(new CreateTableCommand({ TableName: "Big", BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "k", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "k", AttributeType: "S" }] }));
      const doc = DynamoDBDocumentClient.from(ddb);
      for (let i = 0; i < 10_000; i += 25) {
        await doc.send(new BatchWriteCommand({ RequestItems: { Big: Array.from({ length: 25 }, (_, j) => ({ PutRequest: { Item: { k: `k${i + j}`, tags: new Set(["a", "b"]) } } })) } }));
      }
    } finally {
      ddb.destroy();
    }
    const seen = new Set<string>();
    let next: string | undefined;
    let pages = 0;
    do {
      const page = (await (await fetch(api(`tables/Big?limit=500${next ? `&next=${next}` : ""}`))).json()) as { items: { k: string; tags: string[] }[]; next?: string };
      for (const i of page.items) seen.add(i.k);
      if (pages === 0) expect(page.items[0]!.tags.sort()).toEqual(["a", "b"]);
      next = page.next;
      pages++;
    } while (next && pages < 100);
    expect(seen.size).toBe(10_000);
    const tables = (await (await fetch(api("tables"))).json()) as { tables: { name: string; items: number }[] };
    expect(tables.tables.find((t) => t.name === "Big")?.items).toBe(10_000);
  }, 120_000);

  it("lists topics with their subscriptions' filter policies", async () => {
    const sns = new SNSClient(localClientConfig(cloud.url));
    try {
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "orders-events" }));
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: `arn:aws:sqs:us-east-1:${cloud.accountId}:orders`, Attributes: { FilterPolicy: '{"type":["OrderPlaced"]}', RawMessageDelivery: "true" } }));
    } finally {
      sns.destroy();
    }
    const { topics } = (await (await fetch(api("topics"))).json()) as { topics: { name: string; subscriptions: Record<string, unknown>[] }[] };
    expect(topics.find((t) => t.name === "orders-events")!.subscriptions).toEqual([
      expect.objectContaining({ protocol: "sqs", endpoint: `arn:aws:sqs:us-east-1:${cloud.accountId}:orders`, filterPolicy: '{"type":["OrderPlaced"]}', filterPolicyScope: "MessageAttributes", rawMessageDelivery: true }),
    ]);
  });

  it("tells open pages what changed over server-sent events, a burst as one event", async () => {
    const abort = new AbortController();
    const res = await fetch(api("events"), { signal: abort.signal });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    let text = "";
    const read = async (until: RegExp) => {
      while (!until.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await read(/retry: \d+/);
    for (let i = 0; i < 100; i++) cloud.system.requestLog.add({ time: Date.now(), requestId: `r${i}`, apiId: "a", stage: "live", method: "GET", path: "/movies", status: 200, ms: 1 });
    await read(/event: change\ndata: .*\n\n/);
    expect(text.match(/event: change/g)).toHaveLength(1);
    expect(JSON.parse(/data: (.*)/.exec(text)![1]!)).toEqual(["api"]);
    abort.abort();
  });

  it("answers unknown views and bad input with clear errors", async () => {
    expect((await fetch(api("queues/missing"))).status).toBe(404);
    expect((await fetch(api("queues/big?offset=-1"))).status).toBe(400);
    expect((await fetch(api("tables/Big/item?key=nope"))).status).toBe(400);
    expect((await fetch(api("nothing"))).status).toBe(404);
    const purge = await action("queues/big/purge");
    expect(await purge.json()).toEqual({ purged: 10_000 });
  });

  it("ships the bundle its UI sources build to (run `npm run build:console` after changing emulator/console/ui/)", async () => {
    expect(readFileSync(BUNDLE_FILE, "utf8")).toBe(await consoleBundleSource());
  });
});
