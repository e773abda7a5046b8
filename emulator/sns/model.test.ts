import { createVerify, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AwsError } from "../core/aws-error.js";
import type { CallContext, SqsDelivery, SqsMessageInput } from "../core/service.js";
import { SnsModel } from "./model.js";
import * as ops from "./operations.js";
import { notificationStringToSign } from "./signer.js";

/** Records what SNS hands to SQS; queues named "missing-*" do not exist. */
function recordingSqs(): SqsDelivery & { sent: { queueArn: string; message: SqsMessageInput }[] } {
  const sent: { queueArn: string; message: SqsMessageInput }[] = [];
  return {
    sent,
    deliver(queueArn, message) {
      if (queueArn.includes(":missing-")) throw new AwsError("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.");
      sent.push({ queueArn, message });
    },
    policyOf: () => undefined,
  };
}

const ctx: CallContext = { requestId: randomUUID(), region: "eu-west-1", accountId: "000000000000", baseUrl: "http://127.0.0.1:4566" };
const queue = (name: string) => `arn:aws:sqs:eu-west-1:000000000000:${name}`;

function setup() {
  const sqs = recordingSqs();
  const failures: unknown[] = [];
  const model = new SnsModel({ sqs, onDeliveryFailure: (f) => failures.push(f) });
  const { TopicArn } = ops.createTopic(model, ctx, { Name: "movie-updates-topic", Attributes: {}, Tags: {} });
  return { sqs, model, TopicArn, failures };
}

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AwsError) return e;
    throw e;
  }
  throw new Error("expected an AwsError");
}

describe("SNS model and operations", () => {
  it("forms ARNs from region and account and makes CreateTopic idempotent", () => {
    const { model, TopicArn } = setup();
    expect(TopicArn).toBe("arn:aws:sns:eu-west-1:000000000000:movie-updates-topic");
    expect(ops.createTopic(model, ctx, { Name: "movie-updates-topic", Attributes: {}, Tags: {} }).TopicArn).toBe(TopicArn);
    expect(ops.listTopics(model, { ...ctx, region: "us-east-1" }, {}).Topics).toEqual([]);
    expect(thrown(() => ops.createTopic(model, ctx, { Name: "bad name!", Attributes: {}, Tags: {} })).code).toBe("InvalidParameter");
    expect(thrown(() => ops.createTopic(model, ctx, { Name: "t.fifo", Attributes: {}, Tags: {} })).message).toMatch(/FIFO topics/);
  });

  it("delivers raw messages with attributes as SQS message attributes", () => {
    const { sqs, model, TopicArn } = setup();
    ops.subscribe(model, ctx, { TopicArn, Protocol: "sqs", Endpoint: queue("q"), Attributes: { RawMessageDelivery: "true" } });
    ops.publish(model, ctx, {
      TopicArn,
      Message: '{"id":"1"}',
      MessageAttributes: {
        type: { DataType: "String", StringValue: "MovieCreated" },
        bin: { DataType: "Binary", BinaryValue: Buffer.from([1, 2, 3]) },
      },
    });
    expect(sqs.sent).toEqual([
      {
        queueArn: queue("q"),
        message: {
          body: '{"id":"1"}',
          messageAttributes: {
            type: { DataType: "String", StringValue: "MovieCreated" },
            bin: { DataType: "Binary", BinaryValue: Buffer.from([1, 2, 3]) },
          },
        },
      },
    ]);
  });

  it("wraps non-raw deliveries in the notification envelope with AWS's field order and a verifiable signature", () => {
    const { sqs, model, TopicArn } = setup();
    const { SubscriptionArn } = ops.subscribe(model, ctx, { TopicArn, Protocol: "sqs", Endpoint: queue("q"), Attributes: {} });
    const { MessageId } = ops.publish(model, ctx, {
      TopicArn, Message: "hello", Subject: "Greeting", MessageAttributes: { n: { DataType: "Number", StringValue: "5" } },
    });
    const body = sqs.sent[0]!.message.body;
    expect(sqs.sent[0]!.message.messageAttributes).toBeUndefined();
    expect(body.split("\n")[1]).toBe('  "Type" : "Notification",');
    const env = JSON.parse(body) as Record<string, unknown>;
    expect(Object.keys(env)).toEqual([
      "Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes",
    ]);
    expect(env).toMatchObject({
      MessageId, TopicArn, Subject: "Greeting", Message: "hello", SignatureVersion: "1",
      UnsubscribeURL: `http://127.0.0.1:4566/?Action=Unsubscribe&SubscriptionArn=${SubscriptionArn}`,
      MessageAttributes: { n: { Type: "Number", Value: "5" } },
    });
    expect(env.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const verify = createVerify("RSA-SHA1");
    verify.update(notificationStringToSign({ message: "hello", messageId: MessageId, subject: "Greeting", timestamp: env.Timestamp as string, topicArn: TopicArn }));
    expect(verify.verify(model.signingPublicKeyPem(), env.Signature as string, "base64")).toBe(true);
  });

  it("leaves Subject and MessageAttributes out of the envelope when absent", () => {
    const { sqs, model, TopicArn } = setup();
    ops.subscribe(model, ctx, { TopicArn, Protocol: "sqs", Endpoint: queue("q"), Attributes: {} });
    ops.publish(model, ctx, { TopicArn, Message: "m", MessageAttributes: {} });
    expect(Object.keys(JSON.parse(sqs.sent[0]!.message.body) as object)).not.toContain("Subject");
    expect(Object.keys(JSON.parse(sqs.sent[0]!.message.body) as object)).not.toContain("MessageAttributes");
  });

  it("applies filter policies per subscription and skips unmatched messages", () => {
    const { sqs, model, TopicArn } = setup();
    ops.subscribe(model, ctx, { TopicArn, Protocol: "sqs", Endpoint: queue("created"), Attributes: { RawMessageDelivery: "true", FilterPolicy: '{"type":["MovieCreated"]}' } });
    const { SubscriptionArn } = ops.subscribe(model, ctx, { TopicArn, Protocol: "sqs", Endpoint: queue("body"), Attributes: { RawMessageDelivery: "true" } });
    ops.setSubscriptionAttributes(model, ctx, { SubscriptionArn, AttributeName: "FilterPolicyScope", AttributeValue: "MessageBody" });
    ops.setSubscriptionAttributes(model, ctx, { SubscriptionArn, AttributeName: "FilterPolicy", AttributeValue: '{"rating":[{"numeric":[">",8]}]}' });
    const send = (type: string, rating: number) =>
      ops.publish(model, ctx, { TopicArn, Message: JSON.stringify({ rating }), MessageAttributes: { type: { DataType: "String", StringValue: type } } });
    send("MovieCreated", 5);
    send("MovieDeleted", 9);
    expect(sqs.sent.map((s) => `${s.queueArn.split(":").pop()} ${s.message.body}`)).toEqual(['created {"rating":5}', 'body {"rating":9}']);
    expect(ops.getSubscriptionAttributes(model, ctx, { SubscriptionArn }).Attributes).toMatchObject({ FilterPolicyScope: "MessageBody" });
  });

  it("reads a Subscribe-time FilterPolicy under the FilterPolicyScope given beside it, in any order", () => {
    const { sqs, model, TopicArn } = setup();
    ops.subscribe(model, ctx, {
      TopicArn, Protocol: "sqs", Endpoint: queue("q"),
      Attributes: { RawMessageDelivery: "true", FilterPolicy: '{"movie":{"genre":["Drama"]}}', FilterPolicyScope: "MessageBody" },
    });
    ops.publish(model, ctx, { TopicArn, Message: '{"movie":{"genre":"Drama"}}', MessageAttributes: {} });
    ops.publish(model, ctx, { TopicArn, Message: '{"movie":{"genre":"Comedy"}}', MessageAttributes: {} });
    expect(sqs.sent.map((s) => s.message.body)).toEqual(['{"movie":{"genre":"Drama"}}']);
  });

  it("picks the per-protocol message for MessageStructure json", () => {
    const { sqs, model, TopicArn } = setup();
    ops.subscribe(model, ctx, { TopicArn, Protocol: "sqs", Endpoint: queue("q"), Attributes: { RawMessageDelivery: "true" } });
    ops.publish(model, ctx, { TopicArn, MessageStructure: "json", Message: '{"default":"d","sqs":"for sqs"}', MessageAttributes: {} });
    expect(sqs.sent[0]!.message.body).toBe("for sqs");
    expect(thrown(() => ops.publish(model, ctx, { TopicArn, MessageStructure: "json", Message: '{"sqs":"x"}', MessageAttributes: {} })).message).toMatch(
      /No default entry/,
    );
  });

  it("sends failed deliveries to the subscription's dead-letter queue", () => {
    const { sqs, model, TopicArn, failures } = setup();
    ops.subscribe(model, ctx, {
      TopicArn, Protocol: "sqs", Endpoint: queue("missing-q"),
      Attributes: { RawMessageDelivery: "true", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queue("dlq") }) },
    });
    ops.publish(model, ctx, { TopicArn, Message: "lost?", MessageAttributes: {} });
    expect(sqs.sent).toEqual([{ queueArn: queue("dlq"), message: { body: "lost?" } }]);
    expect(failures).toMatchObject([{ endpoint: queue("missing-q"), deadLetterTargetArn: queue("dlq") }]);
  });

  it("lets other protocols plug in a deliverer and a resource-policy guard", async () => {
    const sqs = recordingSqs();
    const seen: string[] = [];
    const model = new SnsModel({ sqs, guard: (d) => !d.subscription.endpoint.endsWith(":locked") });
    const { TopicArn } = ops.createTopic(model, ctx, { Name: "t", Attributes: {}, Tags: {} });
    expect(thrown(() => ops.subscribe(model, ctx, { TopicArn, Protocol: "lambda", Endpoint: "arn:aws:lambda:eu-west-1:000000000000:function:f", Attributes: {} })).message).toMatch(
      /'lambda' is not supported by the embedded cloud \(supported: sqs\)/,
    );
    model.registerDeliverer("lambda", async (d) => void seen.push(`${d.subscription.endpoint} ${d.notification.message}`));
    ops.subscribe(model, ctx, { TopicArn, Protocol: "lambda", Endpoint: "arn:aws:lambda:eu-west-1:000000000000:function:f", Attributes: {} });
    ops.subscribe(model, ctx, { TopicArn, Protocol: "sqs", Endpoint: queue("locked"), Attributes: {} });
    ops.publish(model, ctx, { TopicArn, Message: "hi", MessageAttributes: {} });
    await Promise.resolve();
    expect(seen).toEqual(["arn:aws:lambda:eu-west-1:000000000000:function:f hi"]);
    expect(sqs.sent).toEqual([]);
  });

  it("validates parameters with the error codes SNS uses", () => {
    const { model, TopicArn } = setup();
    expect(thrown(() => ops.publish(model, ctx, { TopicArn: TopicArn + "x", Message: "m", MessageAttributes: {} })).code).toBe("NotFound");
    expect(thrown(() => ops.publish(model, ctx, { TopicArn: "nope", Message: "m", MessageAttributes: {} })).code).toBe("InvalidParameter");
    expect(thrown(() => ops.publish(model, ctx, { TopicArn, Message: "", MessageAttributes: {} })).message).toBe("Invalid parameter: Empty message");
    expect(thrown(() => ops.publish(model, ctx, { TopicArn, Message: "x".repeat(262_145), MessageAttributes: {} })).message).toMatch(/Message too long/);
    expect(thrown(() => ops.publish(model, ctx, { TopicArn, Message: "m", MessageAttributes: { a: { DataType: "Float", StringValue: "1" } } })).code).toBe(
      "ParameterValueInvalid",
    );
    expect(thrown(() => ops.publish(model, ctx, { TopicArn, Message: "m", MessageAttributes: { a: { DataType: "Number", StringValue: "one" } } })).message).toMatch(
      /Could not cast/,
    );
    expect(thrown(() => ops.subscribe(model, ctx, { TopicArn, Protocol: "sqs", Endpoint: "https://queue", Attributes: {} })).message).toBe(
      "Invalid parameter: SQS endpoint ARN",
    );
    const { SubscriptionArn } = ops.subscribe(model, ctx, { TopicArn, Protocol: "sqs", Endpoint: queue("q"), Attributes: {} });
    expect(thrown(() => ops.setSubscriptionAttributes(model, ctx, { SubscriptionArn, AttributeName: "RawMessageDelivery", AttributeValue: "yes" })).code).toBe(
      "InvalidParameter",
    );
    expect(thrown(() => ops.setSubscriptionAttributes(model, ctx, { SubscriptionArn, AttributeName: "Colour", AttributeValue: "x" })).code).toBe("InvalidParameter");
    ops.unsubscribe(model, ctx, { SubscriptionArn });
    expect(thrown(() => ops.getSubscriptionAttributes(model, ctx, { SubscriptionArn })).code).toBe("NotFound");
  });

  it("PublishBatch reports per-entry failures and rejects bad batches", () => {
    const { sqs, model, TopicArn } = setup();
    ops.subscribe(model, ctx, { TopicArn, Protocol: "sqs", Endpoint: queue("q"), Attributes: { RawMessageDelivery: "true" } });
    const out = ops.publishBatch(model, ctx, {
      TopicArn,
      Entries: [
        { Id: "a", Message: "one", MessageAttributes: {} },
        { Id: "b", Message: "", MessageAttributes: {} },
      ],
    });
    expect(out.Successful.map((s) => s.Id)).toEqual(["a"]);
    expect(out.Failed).toEqual([{ Id: "b", Code: "InvalidParameter", Message: "Invalid parameter: Empty message", SenderFault: true }]);
    expect(sqs.sent.map((s) => s.message.body)).toEqual(["one"]);
    expect(thrown(() => ops.publishBatch(model, ctx, { TopicArn, Entries: [] })).code).toBe("EmptyBatchRequest");
    const dup = [{ Id: "a", Message: "1", MessageAttributes: {} }, { Id: "a", Message: "2", MessageAttributes: {} }];
    expect(thrown(() => ops.publishBatch(model, ctx, { TopicArn, Entries: dup })).code).toBe("BatchEntryIdsNotDistinct");
    const many = Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, Message: "x", MessageAttributes: {} }));
    expect(thrown(() => ops.publishBatch(model, ctx, { TopicArn, Entries: many })).code).toBe("TooManyEntriesInBatchRequest");
  });

  it("survives snapshot and restore with subscriptions and filter policies", () => {
    const { model, TopicArn } = setup();
    ops.subscribe(model, ctx, { TopicArn, Protocol: "sqs", Endpoint: queue("q"), Attributes: { RawMessageDelivery: "true", FilterPolicy: '{"type":["A"]}' } });
    const sqs = recordingSqs();
    const copy = new SnsModel({ sqs });
    copy.restore(JSON.parse(JSON.stringify(model.snapshot())));
    ops.publish(copy, ctx, { TopicArn, Message: "no", MessageAttributes: { type: { DataType: "String", StringValue: "B" } } });
    ops.publish(copy, ctx, { TopicArn, Message: "yes", MessageAttributes: { type: { DataType: "String", StringValue: "A" } } });
    expect(sqs.sent.map((s) => s.message.body)).toEqual(["yes"]);
    expect(ops.listSubscriptionsByTopic(copy, ctx, { TopicArn }).Subscriptions).toHaveLength(1);
  });
});
