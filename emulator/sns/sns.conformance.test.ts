import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CreateTopicCommand, DeleteTopicCommand, GetSubscriptionAttributesCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand, ListTagsForResourceCommand, ListTopicsCommand, PublishBatchCommand, PublishCommand, SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand, SNSClient, SubscribeCommand, TagResourceCommand, UnsubscribeCommand, UntagResourceCommand,
} from "@aws-sdk/client-sns";
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { startCloud, type Cloud } from "../cloud.js";
import { localClientConfig } from "../../test/support/cloud-client-config.js";

let cloud: Cloud;
let sns: SNSClient;
let sqs: SQSClient;

beforeAll(async () => {
  // these queues have no access policy, which IAM enforcement would refuse; policy checks are tested in emulator/admin
  cloud = await startCloud({ port: 0, iam: false });
  sns = new SNSClient(localClientConfig(cloud.url));
  sqs = new SQSClient(localClientConfig(cloud.url));
});

afterAll(async () => {
  sns?.destroy();
  sqs?.destroy();
  await cloud?.stop();
});

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}`;

async function queue(name = unique("q")): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
  return { url, arn: attrs.Attributes!.QueueArn! };
}

async function topic(name = unique("topic")): Promise<string> {
  return (await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn!;
}

/** Every message waiting in the queue, deleted as read. SNS delivers before Publish answers, so nothing is in flight. */
async function drain(url: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ["All"] }),
    );
    if (Messages.length === 0) return all;
    for (const m of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
    all.push(...Messages);
  }
}

async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error("expected the call to fail");
}

describe("SNS conformance with the AWS SDK v3", () => {
  it("creates, lists, describes, updates and deletes topics", async () => {
    const arn = await topic("movie-updates-topic");
    expect(arn).toBe("arn:aws:sns:us-east-1:000000000000:movie-updates-topic");
    expect(await topic("movie-updates-topic")).toBe(arn);
    const tagged = (await sns.send(new CreateTopicCommand({ Name: unique("tagged"), Tags: [{ Key: "app", Value: "movies" }], Attributes: { DisplayName: "Movies" } }))).TopicArn!;
    expect((await sns.send(new ListTagsForResourceCommand({ ResourceArn: tagged }))).Tags).toEqual([{ Key: "app", Value: "movies" }]);
    await sns.send(new TagResourceCommand({ ResourceArn: tagged, Tags: [{ Key: "team", Value: "web" }] }));
    await sns.send(new UntagResourceCommand({ ResourceArn: tagged, TagKeys: ["app"] }));
    expect((await sns.send(new ListTagsForResourceCommand({ ResourceArn: tagged }))).Tags).toEqual([{ Key: "team", Value: "web" }]);
    expect(await failure(sns.send(new ListTagsForResourceCommand({ ResourceArn: `${tagged}-gone` })))).toMatchObject({ name: "ResourceNotFoundException" });
    expect((await sns.send(new ListTopicsCommand({}))).Topics).toEqual(expect.arrayContaining([{ TopicArn: arn }, { TopicArn: tagged }]));
    await sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: "DisplayName", AttributeValue: "Movie updates" }));
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
    expect(Attributes).toMatchObject({ TopicArn: arn, Owner: "000000000000", DisplayName: "Movie updates", SubscriptionsConfirmed: "0" });
    expect(JSON.parse(Attributes!.Policy!).Statement[0].Resource).toBe(arn);
    await sns.send(new DeleteTopicCommand({ TopicArn: arn }));
    expect((await sns.send(new ListTopicsCommand({}))).Topics).not.toContainEqual({ TopicArn: arn });
    expect(await failure(sns.send(new GetTopicAttributesCommand({ TopicArn: arn })))).toMatchObject({ name: "NotFoundException", message: "Topic does not exist", status: 404 });
  });

  it("answers bad topic input with the errors the SDK knows", async () => {
    expect(await failure(sns.send(new CreateTopicCommand({ Name: "no spaces allowed" })))).toMatchObject({ name: "InvalidParameterException", status: 400 });
    expect(await failure(sns.send(new CreateTopicCommand({ Name: "t.fifo", Attributes: { FifoTopic: "true" } })))).toMatchObject({
      name: "InvalidParameterException",
      message: expect.stringContaining("FIFO topics"),
    });
    const arn = await topic();
    expect(await failure(sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: "Colour", AttributeValue: "red" })))).toMatchObject({
      name: "InvalidParameterException",
    });
    expect(await failure(sns.send(new PublishCommand({ TopicArn: "not-an-arn", Message: "m" })))).toMatchObject({ name: "InvalidParameterException" });
    expect(await failure(sns.send(new PublishCommand({ TopicArn: `${arn}-gone`, Message: "m" })))).toMatchObject({ name: "NotFoundException" });
    expect(await failure(sns.send(new PublishCommand({ TopicArn: arn, Message: "x".repeat(256 * 1024 + 1) })))).toMatchObject({
      name: "InvalidParameterException",
      message: expect.stringContaining("Message too long"),
    });
    expect(
      await failure(sns.send(new PublishCommand({ TopicArn: arn, Message: "m", MessageAttributes: { n: { DataType: "Number", StringValue: "many" } } }))),
    ).toMatchObject({ name: "InvalidParameterValueException", message: expect.stringContaining("Could not cast") });
  });

  it("delivers raw messages to SQS with every attribute type as SQS message attributes", async () => {
    const arn = await topic();
    const q = await queue();
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: q.arn, Attributes: { RawMessageDelivery: "true" } }));
    await sns.send(
      new PublishCommand({
        TopicArn: arn,
        Message: '{"movieID":"m1","title":"Heat"}',
        MessageAttributes: {
          eventType: { DataType: "String", StringValue: "MovieCreated" },
          rating: { DataType: "Number", StringValue: "8.3" },
          poster: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 254, 255]) },
          genres: { DataType: "String.Array", StringValue: '["Crime","Drama"]' },
        },
      }),
    );
    const [m, ...rest] = await drain(q.url);
    expect(rest).toEqual([]);
    expect(m!.Body).toBe('{"movieID":"m1","title":"Heat"}');
    expect(m!.MessageAttributes).toEqual({
      eventType: { DataType: "String", StringValue: "MovieCreated" },
      rating: { DataType: "Number", StringValue: "8.3" },
      poster: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 254, 255]) },
      genres: { DataType: "String.Array", StringValue: '["Crime","Drama"]' },
    });
  });

  it("wraps non-raw deliveries in the JSON notification envelope", async () => {
    const arn = await topic();
    const q = await queue();
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: q.arn, ReturnSubscriptionArn: true }));
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn: arn, Subject: "Movie created", Message: "hello",
        MessageAttributes: { eventType: { DataType: "String", StringValue: "MovieCreated" }, bin: { DataType: "Binary", BinaryValue: Buffer.from("hi") } },
      }),
    );
    const [m] = await drain(q.url);
    expect(m!.MessageAttributes).toBeUndefined();
    const envelope = JSON.parse(m!.Body!) as Record<string, unknown>;
    expect(Object.keys(envelope)).toEqual([
      "Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes",
    ]);
    expect(envelope).toMatchObject({
      Type: "Notification", MessageId, TopicArn: arn, Subject: "Movie created", Message: "hello", SignatureVersion: "1",
      UnsubscribeURL: `${cloud.url}/?Action=Unsubscribe&SubscriptionArn=${SubscriptionArn}`,
      MessageAttributes: { eventType: { Type: "String", Value: "MovieCreated" }, bin: { Type: "Binary", Value: "aGk=" } },
    });
    const pem = await (await fetch(envelope.SigningCertURL as string)).text();
    expect(pem).toContain("BEGIN PUBLIC KEY");
    // the UnsubscribeURL works unsigned, as on AWS
    expect((await fetch(envelope.UnsubscribeURL as string)).status).toBe(200);
    expect(await failure(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })))).toMatchObject({ name: "NotFoundException" });
  });

  it("filters on message attributes: exact, prefix, suffix, anything-but, numeric, exists", async () => {
    const arn = await topic();
    const cases: [string, object][] = [
      ["exact", { eventType: ["MovieCreated", "MovieUpdated"] }],
      ["prefix", { eventType: [{ prefix: "MovieDel" }] }],
      ["suffix", { eventType: [{ suffix: "Updated" }] }],
      ["anything-but", { eventType: [{ "anything-but": ["MovieCreated", "MovieUpdated"] }] }],
      ["numeric", { rating: [{ numeric: [">=", 8, "<", 9] }] }],
      ["exists", { rating: [{ exists: false }] }],
    ];
    const queues: Record<string, string> = {};
    for (const [name, policy] of cases) {
      const q = await queue();
      queues[name] = q.url;
      await sns.send(
        new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: q.arn, Attributes: { RawMessageDelivery: "true", FilterPolicy: JSON.stringify(policy) } }),
      );
    }
    const publish = (eventType: string, rating?: string) =>
      sns.send(
        new PublishCommand({
          TopicArn: arn,
          Message: `${eventType}/${rating ?? "-"}`,
          MessageAttributes: {
            eventType: { DataType: "String", StringValue: eventType },
            ...(rating ? { rating: { DataType: "Number", StringValue: rating } } : {}),
          },
        }),
      );
    await publish("MovieCreated", "8.5");
    await publish("MovieUpdated", "9");
    await publish("MovieDeleted");
    const got: Record<string, string[]> = {};
    for (const [name, url] of Object.entries(queues)) got[name] = (await drain(url)).map((m) => m.Body!).sort();
    expect(got).toEqual({
      exact: ["MovieCreated/8.5", "MovieUpdated/9"],
      prefix: ["MovieDeleted/-"],
      suffix: ["MovieUpdated/9"],
      "anything-but": ["MovieDeleted/-"],
      numeric: ["MovieCreated/8.5"],
      exists: ["MovieDeleted/-"],
    });
  });

  it("filters on the message body when FilterPolicyScope is MessageBody", async () => {
    const arn = await topic();
    const q = await queue();
    await sns.send(
      new SubscribeCommand({
        TopicArn: arn, Protocol: "sqs", Endpoint: q.arn,
        Attributes: { RawMessageDelivery: "true", FilterPolicyScope: "MessageBody", FilterPolicy: JSON.stringify({ movie: { genre: ["Drama"], year: [{ numeric: [">", 1990] }] } }) },
      }),
    );
    for (const movie of [{ genre: "Drama", year: 1995 }, { genre: "Drama", year: 1980 }, { genre: "Comedy", year: 1999 }]) {
      await sns.send(new PublishCommand({ TopicArn: arn, Message: JSON.stringify({ movie }) }));
    }
    await sns.send(new PublishCommand({ TopicArn: arn, Message: "not json" }));
    expect((await drain(q.url)).map((m) => JSON.parse(m.Body!).movie.year)).toEqual([1995]);
  });

  it("lists, describes, changes and removes subscriptions", async () => {
    const arn = await topic();
    const q = await queue();
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: q.arn }));
    expect(SubscriptionArn).toMatch(new RegExp(`^${arn}:[0-9a-f-]{36}$`));
    const again = await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: q.arn }));
    expect(again.SubscriptionArn).toBe(SubscriptionArn);
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }))).Subscriptions).toEqual([
      { SubscriptionArn, Owner: "000000000000", Protocol: "sqs", Endpoint: q.arn, TopicArn: arn },
    ]);
    expect((await sns.send(new ListSubscriptionsCommand({}))).Subscriptions).toContainEqual(expect.objectContaining({ SubscriptionArn }));
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: "RawMessageDelivery", AttributeValue: "true" }));
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: "FilterPolicy", AttributeValue: '{"k":["v"]}' }));
    const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    expect(Attributes).toMatchObject({
      SubscriptionArn, TopicArn: arn, Protocol: "sqs", Endpoint: q.arn, RawMessageDelivery: "true", PendingConfirmation: "false",
      FilterPolicy: '{"k":["v"]}', FilterPolicyScope: "MessageAttributes",
    });
    expect(await failure(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: "FilterPolicy", AttributeValue: '{"k":"v"}' })))).toMatchObject({
      name: "InvalidParameterException",
      message: expect.stringContaining("FilterPolicy"),
    });
    expect(await failure(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: "RawMessageDelivery", AttributeValue: "maybe" })))).toMatchObject({
      name: "InvalidParameterException",
    });
    expect(await failure(sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: "http://not-an-arn" })))).toMatchObject({
      name: "InvalidParameterException",
      message: "Invalid parameter: SQS endpoint ARN",
    });
    expect(await failure(sns.send(new SubscribeCommand({ TopicArn: `${arn}-gone`, Protocol: "sqs", Endpoint: q.arn })))).toMatchObject({ name: "NotFoundException" });
    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }))).Subscriptions).toEqual([]);
    expect(await failure(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })))).toMatchObject({ name: "NotFoundException", status: 404 });
    // a second Unsubscribe succeeds, as on AWS
    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    expect(await failure(sns.send(new UnsubscribeCommand({ SubscriptionArn: "arn:aws:sns:us-east-1:000000000000" })))).toMatchObject({ name: "InvalidParameterException" });
  });

  it("publishes batches with per-entry results and rejects malformed batches", async () => {
    const arn = await topic();
    const q = await queue();
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: q.arn, Attributes: { RawMessageDelivery: "true" } }));
    const out = await sns.send(
      new PublishBatchCommand({
        TopicArn: arn,
        PublishBatchRequestEntries: [
          { Id: "one", Message: "first", MessageAttributes: { n: { DataType: "Number", StringValue: "1" } } },
          { Id: "two", Message: "second" },
          { Id: "bad", Message: "third", MessageAttributes: { x: { DataType: "Nope", StringValue: "1" } } },
        ],
      }),
    );
    expect(out.Successful!.map((s) => s.Id)).toEqual(["one", "two"]);
    expect(out.Successful!.every((s) => /^[0-9a-f-]{36}$/.test(s.MessageId!))).toBe(true);
    expect(out.Failed).toEqual([{ Id: "bad", Code: "ParameterValueInvalid", Message: expect.stringContaining("invalid message attribute type"), SenderFault: true }]);
    const msgs = await drain(q.url);
    expect(msgs.map((m) => m.Body).sort()).toEqual(["first", "second"]);
    expect(msgs.find((m) => m.Body === "first")!.MessageAttributes).toEqual({ n: { DataType: "Number", StringValue: "1" } });
    expect(await failure(sns.send(new PublishBatchCommand({ TopicArn: arn, PublishBatchRequestEntries: [] })))).toMatchObject({ name: "EmptyBatchRequestException" });
    expect(
      await failure(sns.send(new PublishBatchCommand({ TopicArn: arn, PublishBatchRequestEntries: [{ Id: "a", Message: "1" }, { Id: "a", Message: "2" }] }))),
    ).toMatchObject({ name: "BatchEntryIdsNotDistinctException" });
    const eleven = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, Message: "m" }));
    expect(await failure(sns.send(new PublishBatchCommand({ TopicArn: arn, PublishBatchRequestEntries: eleven })))).toMatchObject({
      name: "TooManyEntriesInBatchRequestException",
    });
  });

  it("redrives deliveries to a missing queue into the subscription's dead-letter queue", async () => {
    const arn = await topic();
    const dlq = await queue();
    await sns.send(
      new SubscribeCommand({
        TopicArn: arn, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:never-created",
        Attributes: { RawMessageDelivery: "true", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) },
      }),
    );
    await sns.send(new PublishCommand({ TopicArn: arn, Message: "undeliverable" }));
    expect((await drain(dlq.url)).map((m) => m.Body)).toEqual(["undeliverable"]);
    const health = (await (await fetch(`${cloud.url}/_movies/health`)).json()) as { services: { sns: { lastDeliveryFailure: { endpoint: string; deadLetterTargetArn: string } } } };
    expect(health.services.sns.lastDeliveryFailure).toMatchObject({ endpoint: "arn:aws:sqs:us-east-1:000000000000:never-created", deadLetterTargetArn: dlq.arn });
  });

  it.each(["CreatePlatformApplication", "constructor", "__proto__", "toString"])("answers the unknown action %s with InvalidAction", async (action) => {
    const res = await fetch(cloud.url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=00",
      },
      body: `Action=${action}&Version=2010-03-31`,
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain("<Code>InvalidAction</Code>");
    expect(text).toContain(`The action ${action} is not valid for this web service`);
    expect(text).toContain("SNS implements");
  });
});

describe("SNS state", () => {
  it("keeps topics, subscriptions and filter policies across a restart with a state dir", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "movies-sns-"));
    try {
      const first = await startCloud({ port: 0, stateDir, iam: false });
      const sns1 = new SNSClient(localClientConfig(first.url));
      const sqs1 = new SQSClient(localClientConfig(first.url));
      const TopicArn = (await sns1.send(new CreateTopicCommand({ Name: "movie-updates-topic" }))).TopicArn!;
      const QueueUrl = (await sqs1.send(new CreateQueueCommand({ QueueName: "movie-updates-queue" }))).QueueUrl!;
      const QueueArn = (await sqs1.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
      await sns1.send(
        new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: QueueArn, Attributes: { RawMessageDelivery: "true", FilterPolicy: '{"eventType":["MovieCreated"]}' } }),
      );
      sns1.destroy();
      sqs1.destroy();
      await first.stop();

      const second = await startCloud({ port: 0, stateDir, iam: false });
      const sns2 = new SNSClient(localClientConfig(second.url));
      const sqs2 = new SQSClient(localClientConfig(second.url));
      try {
        const publish = (eventType: string) =>
          sns2.send(new PublishCommand({ TopicArn, Message: eventType, MessageAttributes: { eventType: { DataType: "String", StringValue: eventType } } }));
        await publish("MovieDeleted");
        await publish("MovieCreated");
        const url = (await sqs2.send(new CreateQueueCommand({ QueueName: "movie-updates-queue" }))).QueueUrl!;
        const { Messages = [] } = await sqs2.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
        expect(Messages.map((m) => m.Body)).toEqual(["MovieCreated"]);
      } finally {
        sns2.destroy();
        sqs2.destroy();
        await second.stop();
      }
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
