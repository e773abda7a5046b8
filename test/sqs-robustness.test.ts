import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import { localClientConfig } from "./support/cloud-client-config.js";
import { SqsWireClient } from "./support/sqs-wire-client.js";
import { prng } from "./support/prng.js";

const REQUESTS = 5000;
const IN_FLIGHT = 8;

const rand = prng(4242);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const ACTIONS = [
  "CreateQueue", "GetQueueUrl", "DeleteQueue", "ListQueues", "GetQueueAttributes", "SetQueueAttributes", "SendMessage",
  "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch", "ChangeMessageVisibility",
  "ChangeMessageVisibilityBatch", "PurgeQueue", "TagQueue", "UntagQueue", "ListQueueTags", "ListDeadLetterSourceQueues",
  "StartMessageMoveTask", "NoSuchAction", "constructor", "__proto__", "toString",
];
const KEYS = [
  "QueueUrl", "QueueName", "MessageBody", "ReceiptHandle", "Attributes", "AttributeNames", "MessageAttributes",
  "MessageAttributeNames", "MessageSystemAttributes", "MessageSystemAttributeNames", "Entries", "Id", "DelaySeconds",
  "MaxNumberOfMessages", "WaitTimeSeconds", "VisibilityTimeout", "MaxResults", "NextToken", "QueueNamePrefix", "Tags",
  "TagKeys", "DataType", "StringValue", "BinaryValue", "RedrivePolicy", "Policy",
];
const LEAVES = [
  null, 0, -1, 1.5, 11, 43201, 1e308, true, "", "x", "All", ".*", "String", "Number", "Binary", "not base64 !",
  "AQID", "\u0000", "\ud800", "x".repeat(300), "fuzz", "fuzz.fifo", "{}", '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:fuzz","maxReceiveCount":"2"}',
  [], {}, ["All"], [{}], [{ Id: "a" }, { Id: "a" }],
];

let queueUrl = "";
function randomValue(depth: number): unknown {
  const r = rand();
  if (depth > 3 || r < 0.45) return pick(LEAVES);
  if (r < 0.55) return queueUrl;
  if (r < 0.75) return Array.from({ length: Math.floor(rand() * 12) }, () => randomValue(depth + 1));
  const obj: Record<string, unknown> = {};
  for (let i = 0, n = Math.floor(rand() * 5); i < n; i++) obj[pick(KEYS)] = randomValue(depth + 1);
  return obj;
}

function randomBody(): string {
  const r = rand();
  if (r < 0.05) return "{not json";
  if (r < 0.1) return JSON.stringify(pick(LEAVES));
  const obj = randomValue(1) as Record<string, unknown>;
  const body = typeof obj === "object" && obj && !Array.isArray(obj) ? obj : {};
  if (rand() < 0.7) body.QueueUrl = rand() < 0.9 ? queueUrl : pick(LEAVES);
  return JSON.stringify(body);
}

let cloud: Cloud;
beforeAll(async () => {
  cloud = await startCloud({ port: 0 });
  const sqs = new SQSClient(localClientConfig(cloud.url));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "fuzz" }))).QueueUrl!;
  sqs.destroy();
});
afterAll(async () => {
  await cloud?.stop();
});

describe("SQS under malformed and random requests", () => {
  it(`answers ${REQUESTS} random requests with AWS errors (never a 5xx) and keeps working`, { timeout: 180_000 }, async () => {
    const statuses = new Map<number, number>();
    const unexpected: string[] = [];
    let next = 0;
    const wire = new SqsWireClient(cloud.url, IN_FLIGHT);
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < REQUESTS) {
          next++;
          const action = pick(ACTIONS);
          const body = randomBody();
          // Long polls would only slow the run down.
          const res = await wire.raw(action, body.replace(/"WaitTimeSeconds":\s*(\d+)/g, '"WaitTimeSeconds":0'));
          const text = res.text;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) unexpected.push(`${action} ${body.slice(0, 200)} -> ${res.status} ${text.slice(0, 200)}`);
          else if (res.status >= 400) {
            const parsed = JSON.parse(text) as { __type?: string };
            if (!parsed.__type || !res.headers["x-amzn-query-error"]) unexpected.push(`${action} -> ${res.status} without __type or x-amzn-query-error: ${text}`);
          }
        }
      }),
    );
    wire.close();
    expect(unexpected).toEqual([]);
    expect(statuses.get(200)).toBeGreaterThan(50);
    expect(statuses.get(400)).toBeGreaterThan(REQUESTS / 4);

    const sqs = new SQSClient(localClientConfig(cloud.url));
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "after-fuzz" }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "still here" }));
      const [msg] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages!;
      expect(msg!.Body).toBe("still here");
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: msg!.ReceiptHandle }));
    } finally {
      sqs.destroy();
    }
  });
});
