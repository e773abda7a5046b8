import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  TagQueueCommand,
  UntagQueueCommand,
  type QueueAttributeName,
} from "@aws-sdk/client-sqs";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import { localClientConfig } from "./support/cloud-client-config.js";
import { rejection } from "./support/rejection.js";

type SqsError = Error & { Code?: string; $metadata?: { httpStatusCode?: number } };

let cloud: Cloud;
let sqs: SQSClient;
let seq = 0;

beforeAll(async () => {
  cloud = await startCloud({ port: 0 });
  sqs = new SQSClient(localClientConfig(cloud.url));
});
afterAll(async () => {
  sqs?.destroy();
  await cloud?.stop();
});

async function newQueue(attributes?: Record<string, string>): Promise<string> {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: `conf-${++seq}`, Attributes: attributes }));
  return out.QueueUrl!;
}

async function receiveAll(QueueUrl: string, max = 10) {
  return (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: max }))).Messages ?? [];
}

async function attributes(QueueUrl: string, names: QueueAttributeName[] = ["All"]) {
  return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: names }))).Attributes ?? {};
}

describe("SQS queues through the SDK v3 client", () => {
  it("creates a queue whose URL carries the client's host and port and the account id", async () => {
    const out = await sqs.send(new CreateQueueCommand({ QueueName: "movie-updates-queue" }));
    expect(out.QueueUrl).toBe(`${cloud.url}/000000000000/movie-updates-queue`);
    const again = await sqs.send(new CreateQueueCommand({ QueueName: "movie-updates-queue" }));
    expect(again.QueueUrl).toBe(out.QueueUrl);
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: "movie-updates-queue" }))).QueueUrl).toBe(out.QueueUrl);
  });

  it("reports the queue's attributes, ARN and defaults", async () => {
    const url = await newQueue({ VisibilityTimeout: "45", DelaySeconds: "2" });
    const attrs = await attributes(url);
    expect(attrs).toMatchObject({
      QueueArn: `arn:aws:sqs:us-east-1:000000000000:conf-${seq}`,
      VisibilityTimeout: "45",
      DelaySeconds: "2",
      MessageRetentionPeriod: "345600",
      ReceiveMessageWaitTimeSeconds: "0",
      MaximumMessageSize: "1048576",
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "0",
      ApproximateNumberOfMessagesDelayed: "0",
    });
    expect(Number(attrs.CreatedTimestamp)).toBeGreaterThan(1_700_000_000);
    expect(await attributes(url, ["VisibilityTimeout"])).toEqual({ VisibilityTimeout: "45" });
  });

  it("sets attributes including Policy and RedrivePolicy", async () => {
    const dlq = await newQueue();
    const dlqArn = (await attributes(dlq, ["QueueArn"])).QueueArn!;
    const url = await newQueue();
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "*" }] });
    const redrive = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 });
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: url,
        Attributes: { Policy: policy, RedrivePolicy: redrive, VisibilityTimeout: "5", MessageRetentionPeriod: "600", ReceiveMessageWaitTimeSeconds: "1", MaximumMessageSize: "2048" },
      }),
    );
    expect(await attributes(url, ["Policy", "RedrivePolicy", "VisibilityTimeout", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds", "MaximumMessageSize"])).toEqual({
      Policy: policy,
      RedrivePolicy: redrive,
      VisibilityTimeout: "5",
      MessageRetentionPeriod: "600",
      ReceiveMessageWaitTimeSeconds: "1",
      MaximumMessageSize: "2048",
    });
    expect((await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }))).queueUrls).toEqual([url]);
    expect(cloud.sqs.policyOf(`arn:aws:sqs:us-east-1:000000000000:${url.split("/").pop()}`)).toBe(policy);
  });

  it("lists queues by prefix with paging, and deletes them", async () => {
    for (const n of ["list-a", "list-b", "list-c"]) await sqs.send(new CreateQueueCommand({ QueueName: n }));
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "list-" }))).QueueUrls).toEqual(
      ["list-a", "list-b", "list-c"].map((n) => `${cloud.url}/000000000000/${n}`),
    );
    const page1 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "list-", MaxResults: 2 }));
    expect(page1.QueueUrls).toHaveLength(2);
    const page2 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "list-", MaxResults: 2, NextToken: page1.NextToken }));
    expect(page2.QueueUrls).toEqual([`${cloud.url}/000000000000/list-c`]);
    expect(page2.NextToken).toBeUndefined();
    await sqs.send(new DeleteQueueCommand({ QueueUrl: `${cloud.url}/000000000000/list-b` }));
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "list-" }))).QueueUrls).toHaveLength(2);
    const gone = await rejection<SqsError>(sqs.send(new GetQueueUrlCommand({ QueueName: "list-b" })));
    expect(gone.name).toBe("QueueDoesNotExist");
  });

  it("tags and untags a queue", async () => {
    const url = await newQueue();
    await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { team: "movies", env: "dev" } }));
    await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ["env"] }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags).toEqual({ team: "movies" });
  });
});

describe("SQS messages through the SDK v3 client", () => {
  it("sends and receives a message with attributes and correct MD5s", async () => {
    const url = await newQueue();
    const body = "MovieCreated: Blade Runner ✨";
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: body,
        MessageAttributes: {
          eventType: { DataType: "String", StringValue: "MovieCreated" },
          year: { DataType: "Number", StringValue: "1982" },
          poster: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 254, 255]) },
        },
      }),
    );
    expect(sent.MD5OfMessageBody).toBe(createHash("md5").update(body).digest("hex"));
    expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    const [msg] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["All"] }))).Messages!;
    expect(msg!.MessageId).toBe(sent.MessageId);
    expect(msg!.Body).toBe(body);
    expect(msg!.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(msg!.MessageAttributes).toEqual({
      eventType: { DataType: "String", StringValue: "MovieCreated" },
      year: { DataType: "Number", StringValue: "1982" },
      poster: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 254, 255]) },
    });
    expect(msg!.Attributes).toMatchObject({ ApproximateReceiveCount: "1", SenderId: "AKIDLOCAL" });
    expect(Number(msg!.Attributes!.SentTimestamp)).toBeGreaterThan(1_700_000_000_000);
  });

  it("returns only the attributes asked for, by name and by prefix", async () => {
    const url = await newQueue();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: "x",
        MessageAttributes: {
          "movie.id": { DataType: "String", StringValue: "m1" },
          "movie.title": { DataType: "String", StringValue: "Alien" },
          other: { DataType: "String", StringValue: "o" },
        },
      }),
    );
    const [msg] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ["movie.*"], MessageSystemAttributeNames: ["ApproximateReceiveCount"], VisibilityTimeout: 0 }))).Messages!;
    expect(Object.keys(msg!.MessageAttributes!).sort()).toEqual(["movie.id", "movie.title"]);
    expect(msg!.Attributes).toEqual({ ApproximateReceiveCount: "1" });
    const [bare] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages!;
    expect(bare!.MessageAttributes).toBeUndefined();
    expect(bare!.Attributes).toBeUndefined();
  });

  it("sends a batch, reporting bad entries in Failed and sending the rest", async () => {
    const url = await newQueue();
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: "a", MessageBody: "first" },
          { Id: "b", MessageBody: "second", DelaySeconds: 0, MessageAttributes: { k: { DataType: "String", StringValue: "v" } } },
          { Id: "bad", MessageBody: "third", MessageAttributes: { k: { DataType: "Number", StringValue: "not-a-number" } } },
        ],
      }),
    );
    expect(out.Successful!.map((s) => s.Id).sort()).toEqual(["a", "b"]);
    expect(out.Failed).toEqual([expect.objectContaining({ Id: "bad", Code: "InvalidParameterValue", SenderFault: true })]);
    expect((await receiveAll(url)).map((m) => m.Body).sort()).toEqual(["first", "second"]);
  });

  it("hides a received message for its visibility timeout and deletes it with its receipt handle", async () => {
    const url = await newQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "once" }));
    const [msg] = await receiveAll(url);
    expect(await receiveAll(url)).toEqual([]);
    expect(await attributes(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])).toEqual({
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "1",
    });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: msg!.ReceiptHandle }));
    expect(await attributes(url, ["ApproximateNumberOfMessagesNotVisible"])).toEqual({ ApproximateNumberOfMessagesNotVisible: "0" });
  });

  it("counts delayed messages and receives up to ten at a time", async () => {
    const url = await newQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "later", DelaySeconds: 900 }));
    for (let i = 0; i < 12; i++) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `m${i}` }));
    expect(await attributes(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed"])).toEqual({
      ApproximateNumberOfMessages: "12",
      ApproximateNumberOfMessagesDelayed: "1",
    });
    expect(await receiveAll(url, 10)).toHaveLength(10);
    expect(await receiveAll(url, 10)).toHaveLength(2);
  });

  it("changes visibility singly and in a batch", async () => {
    const url = await newQueue();
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [0, 1, 2].map((i) => ({ Id: `e${i}`, MessageBody: `m${i}` })) }));
    const msgs = await receiveAll(url);
    expect(msgs).toHaveLength(3);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: msgs[0]!.ReceiptHandle, VisibilityTimeout: 0 }));
    const batch = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: "one", ReceiptHandle: msgs[1]!.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: "two", ReceiptHandle: "not-a-handle", VisibilityTimeout: 0 },
        ],
      }),
    );
    expect(batch.Successful).toEqual([{ Id: "one" }]);
    expect(batch.Failed).toEqual([expect.objectContaining({ Id: "two", Code: "ReceiptHandleIsInvalid", SenderFault: true })]);
    const again = await receiveAll(url);
    expect(again.map((m) => m.Body).sort()).toEqual(["m0", "m1"]);
  });

  it("deletes in a batch", async () => {
    const url = await newQueue();
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [0, 1].map((i) => ({ Id: `e${i}`, MessageBody: `m${i}` })) }));
    const msgs = await receiveAll(url);
    const out = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [...msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })), { Id: "bad", ReceiptHandle: "bogus" }],
      }),
    );
    expect(out.Successful!.map((s) => s.Id).sort()).toEqual(["d0", "d1"]);
    expect(out.Failed).toEqual([expect.objectContaining({ Id: "bad", Code: "ReceiptHandleIsInvalid" })]);
    expect(await attributes(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])).toEqual({
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "0",
    });
  });

  it("purges a queue", async () => {
    const url = await newQueue();
    for (let i = 0; i < 3; i++) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `m${i}` }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect(await receiveAll(url)).toEqual([]);
    expect((await attributes(url, ["ApproximateNumberOfMessages"])).ApproximateNumberOfMessages).toBe("0");
  });

  it("wakes a long poll as soon as a message is sent", async () => {
    const url = await newQueue();
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await new Promise((r) => setTimeout(r, 50));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "wake up" }));
    expect((await polling).Messages!.map((m) => m.Body)).toEqual(["wake up"]);
  });

  it("does not hand a message to a long poll whose client hung up", async () => {
    const url = await newQueue();
    const gone = new AbortController();
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }), { abortSignal: gone.signal });
    await new Promise((r) => setTimeout(r, 50));
    gone.abort();
    await expect(polling).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "for the next receiver" }));
    expect((await receiveAll(url)).map((m) => m.Body)).toEqual(["for the next receiver"]);
  });

  it("redrives a message to the dead-letter queue after maxReceiveCount receives", async () => {
    const dlq = await newQueue();
    const dlqArn = (await attributes(dlq, ["QueueArn"])).QueueArn!;
    const url = await newQueue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "poison" }));
    for (let i = 0; i < 2; i++) {
      expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }))).Messages).toHaveLength(1);
    }
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    const [dead] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MessageSystemAttributeNames: ["DeadLetterQueueSourceArn"] }))).Messages!;
    expect(dead!.MessageId).toBe(sent.MessageId);
    expect(dead!.Body).toBe("poison");
    expect(dead!.Attributes).toEqual({ DeadLetterQueueSourceArn: `arn:aws:sqs:us-east-1:000000000000:${url.split("/").pop()}` });
  });

  it("delivers SNS fan-out through SqsDelivery into a queue by ARN", async () => {
    const url = await newQueue();
    const arn = (await attributes(url, ["QueueArn"])).QueueArn!;
    cloud.sqs.deliver(arn, { body: '{"type":"MovieCreated"}', messageAttributes: { eventType: { DataType: "String", StringValue: "MovieCreated" } } });
    const [msg] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ["All"] }))).Messages!;
    expect(msg!.Body).toBe('{"type":"MovieCreated"}');
    expect(msg!.MessageAttributes).toEqual({ eventType: { DataType: "String", StringValue: "MovieCreated" } });
    expect(() => cloud.sqs.deliver("arn:aws:sqs:us-east-1:000000000000:missing", { body: "x" })).toThrow(/does not exist/);
  });
});

describe("SQS errors as the SDK v3 surfaces them", () => {
  let url: string;
  beforeAll(async () => {
    url = await newQueue();
  });

  it("QueueDoesNotExist for a missing queue, with the query-compatible code", async () => {
    const err = await rejection<SqsError>(sqs.send(new SendMessageCommand({ QueueUrl: `${cloud.url}/000000000000/nope`, MessageBody: "x" })));
    expect(err.name).toBe("QueueDoesNotExist");
    expect(err.Code).toBe("AWS.SimpleQueueService.NonExistentQueue");
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect((await rejection<SqsError>(sqs.send(new GetQueueUrlCommand({ QueueName: "nope" })))).name).toBe("QueueDoesNotExist");
  });

  it("ReceiptHandleIsInvalid for a receipt handle that is not one", async () => {
    const err = await rejection<SqsError>(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: "garbage" })));
    expect(err.name).toBe("ReceiptHandleIsInvalid");
    const err2 = await rejection<SqsError>(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: "garbage", VisibilityTimeout: 1 })));
    expect(err2.name).toBe("ReceiptHandleIsInvalid");
  });

  it("MessageNotInflight when changing the visibility of a message no longer in flight", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" }));
    const [msg] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }))).Messages!;
    const err = await rejection<SqsError>(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: msg!.ReceiptHandle, VisibilityTimeout: 30 })));
    expect(err.name).toBe("MessageNotInflight");
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  });

  it("accepts 256 KiB + 1 byte and rejects over 1 MiB (the default MaximumMessageSize since 2025), counting attributes", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x".repeat(262_145) }));
    const tooBig = await rejection<SqsError>(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x".repeat(1_048_577) })));
    expect(tooBig.name).toBe("InvalidParameterValue");
    expect(tooBig.message).toMatch(/shorter than 1048576 bytes/);
    const withAttrs = await rejection<SqsError>(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x".repeat(1_048_572), MessageAttributes: { k: { DataType: "String", StringValue: "v" } } })),
    );
    expect(withAttrs.name).toBe("InvalidParameterValue");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x".repeat(1_048_576) }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  });

  it("a queue's own MaximumMessageSize still applies", async () => {
    const small = await newQueue({ MaximumMessageSize: "262144" });
    const err = await rejection<SqsError>(sqs.send(new SendMessageCommand({ QueueUrl: small, MessageBody: "x".repeat(262_145) })));
    expect(err.message).toMatch(/shorter than 262144 bytes/);
  });

  it("InvalidMessageContents for characters SQS does not accept", async () => {
    const err = await rejection<SqsError>(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "bad \u0000 byte" })));
    expect(err.name).toBe("InvalidMessageContents");
  });

  it("InvalidAttributeName and InvalidAttributeValue for queue attributes", async () => {
    const name = await rejection<SqsError>(sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["Colour" as QueueAttributeName] })));
    expect(name.name).toBe("InvalidAttributeName");
    const value = await rejection<SqsError>(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: "99999" } })));
    expect(value.name).toBe("InvalidAttributeValue");
    const readOnly = await rejection<SqsError>(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { QueueArn: "arn:x" } })));
    expect(readOnly.name).toBe("InvalidAttributeName");
  });

  it("InvalidParameterValue for bad message attributes and receive limits", async () => {
    const attr = await rejection<SqsError>(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", MessageAttributes: { "AWS.reserved": { DataType: "String", StringValue: "v" } } })),
    );
    expect(attr.name).toBe("InvalidParameterValue");
    const max = await rejection<SqsError>(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })));
    expect(max.name).toBe("InvalidParameterValue");
    const wait = await rejection<SqsError>(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 21 })));
    expect(wait.name).toBe("InvalidParameterValue");
    const delay = await rejection<SqsError>(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", DelaySeconds: 901 })));
    expect(delay.name).toBe("InvalidParameterValue");
  });

  it("batch errors: empty, too many, repeated ids, bad ids, too long", async () => {
    const empty = await rejection<SqsError>(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })));
    expect(empty.name).toBe("EmptyBatchRequest");
    const many = await rejection<SqsError>(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: "x" })) })),
    );
    expect(many.name).toBe("TooManyEntriesInBatchRequest");
    const repeated = await rejection<SqsError>(
      sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "same", ReceiptHandle: "a" }, { Id: "same", ReceiptHandle: "b" }] })),
    );
    expect(repeated.name).toBe("BatchEntryIdsNotDistinct");
    const badId = await rejection<SqsError>(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "no spaces!", MessageBody: "x" }] })));
    expect(badId.name).toBe("InvalidBatchEntryId");
    const long = await rejection<SqsError>(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [0, 1].map((i) => ({ Id: `e${i}`, MessageBody: "x".repeat(540_000) })) })),
    );
    expect(long.name).toBe("BatchRequestTooLong");
    expect(await receiveAll(url)).toEqual([]);
  });

  it("QueueNameExists for a second create with different attributes, UnsupportedOperation for FIFO", async () => {
    await sqs.send(new CreateQueueCommand({ QueueName: "twice", Attributes: { VisibilityTimeout: "10" } }));
    const exists = await rejection<SqsError>(sqs.send(new CreateQueueCommand({ QueueName: "twice", Attributes: { VisibilityTimeout: "11" } })));
    expect(exists.name).toBe("QueueNameExists");
    expect(exists.Code).toBe("QueueAlreadyExists");
    const fifo = await rejection<SqsError>(sqs.send(new CreateQueueCommand({ QueueName: "orders.fifo", Attributes: { FifoQueue: "true" } })));
    expect(fifo.name).toBe("UnsupportedOperation");
    expect(fifo.message).toMatch(/FIFO queues are not supported/);
    const move = await rejection<SqsError>(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: "arn:aws:sqs:us-east-1:000000000000:twice" })));
    expect(move.name).toBe("UnsupportedOperation");
  });

  it("MissingParameter when a required parameter is absent", async () => {
    const err = await rejection<SqsError>(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "" })));
    expect(err.name).toBe("MissingParameter");
  });
});
