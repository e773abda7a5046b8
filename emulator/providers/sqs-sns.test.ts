import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentials, providerHarness, type ProviderHarness } from "./testing.js";

const QUEUE_POLICY = (queue: string, topic: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: `arn:aws:sqs:us-east-1:000000000000:${queue}`, Condition: { ArnEquals: { "aws:SourceArn": topic } } }] });

function stack(visibility: number, filter?: object) {
  return {
    resource: {
      aws_sqs_queue: {
        dlq: { name: "p-dlq", message_retention_seconds: 1209600 },
        q: { name: "p-queue", visibility_timeout_seconds: visibility, lifecycle: { ignore_changes: ["redrive_policy", "policy"] } },
      },
      aws_sqs_queue_redrive_policy: { r: { queue_url: "${aws_sqs_queue.q.url}", redrive_policy: '${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.dlq.arn, "maxReceiveCount" = 5})}' } },
      aws_sqs_queue_policy: { p: { queue_url: "${aws_sqs_queue.q.url}", policy: QUEUE_POLICY("p-queue", "arn:aws:sns:us-east-1:000000000000:p-topic") } },
      aws_sns_topic: { t: { name: "p-topic" } },
      aws_sns_topic_subscription: {
        s: { topic_arn: "${aws_sns_topic.t.arn}", protocol: "sqs", endpoint: "${aws_sqs_queue.q.arn}", raw_message_delivery: true, ...(filter ? { filter_policy: JSON.stringify(filter) } : {}) },
      },
    },
    output: { url: { value: "${aws_sqs_queue.q.url}" }, id: { value: "${aws_sqs_queue.q.id}" }, arn: { value: "${aws_sqs_queue.q.arn}" }, topic: { value: "${aws_sns_topic.t.arn}" } },
  };
}

describe("SQS and SNS providers", () => {
  let h: ProviderHarness;
  let sqs: SQSClient;
  let sns: SNSClient;
  beforeAll(async () => {
    h = await providerHarness();
    sqs = new SQSClient({ endpoint: h.cloud.url, region: "us-east-1", credentials });
    sns = new SNSClient({ endpoint: h.cloud.url, region: "us-east-1", credentials });
  });
  afterAll(() => h.close());

  it("creates queues with their settings, redrive and policy, and computes url, id and arn", async () => {
    const { outputs } = await h.apply(stack(60));
    expect(outputs.url!.value).toBe(`${h.cloud.url}/000000000000/p-queue`);
    expect(outputs.id!.value).toBe(outputs.url!.value);
    expect(outputs.arn!.value).toBe("arn:aws:sqs:us-east-1:000000000000:p-queue");
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: String(outputs.url!.value), AttributeNames: ["All"] }));
    expect(Attributes?.VisibilityTimeout).toBe("60");
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toEqual({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:p-dlq", maxReceiveCount: 5 });
    expect(JSON.parse(Attributes!.Policy!).Statement[0].Condition.ArnEquals["aws:SourceArn"]).toBe(outputs.topic!.value);
  });

  it("delivers raw from the topic into the queue the policy admits", async () => {
    await sns.send(new PublishCommand({ TopicArn: "arn:aws:sns:us-east-1:000000000000:p-topic", Message: "hi", MessageAttributes: { Type: { DataType: "String", StringValue: "A" } } }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${h.cloud.url}/000000000000/p-queue`, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }));
    expect(got.Messages?.[0]?.Body).toBe("hi");
    expect(got.Messages?.[0]?.MessageAttributes?.Type?.StringValue).toBe("A");
  });

  it("updates a changed setting and a changed filter policy in place", async () => {
    const { changes } = await h.apply(stack(5, { Type: ["B"] }));
    expect(changes.filter((c) => c.action !== "noop")).toEqual([
      { address: "aws_sqs_queue.q", action: "update" },
      { address: "aws_sns_topic_subscription.s", action: "update" },
    ]);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${h.cloud.url}/000000000000/p-queue`, AttributeNames: ["VisibilityTimeout", "RedrivePolicy"] }));
    expect(Attributes).toMatchObject({ VisibilityTimeout: "5" });
    expect(Attributes?.RedrivePolicy).toBeDefined();
    await sns.send(new PublishCommand({ TopicArn: "arn:aws:sns:us-east-1:000000000000:p-topic", Message: "filtered out", MessageAttributes: { Type: { DataType: "String", StringValue: "A" } } }));
    await sns.send(new PublishCommand({ TopicArn: "arn:aws:sns:us-east-1:000000000000:p-topic", Message: "kept", MessageAttributes: { Type: { DataType: "String", StringValue: "B" } } }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${h.cloud.url}/000000000000/p-queue`, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }));
    expect(got.Messages?.map((m) => m.Body)).toEqual(["kept"]);
  });

  it("drops a delivery the queue policy does not admit", async () => {
    const template = stack(5);
    template.resource.aws_sqs_queue_policy.p.policy = QUEUE_POLICY("p-queue", "arn:aws:sns:us-east-1:000000000000:another-topic");
    await h.apply(template);
    await sns.send(new PublishCommand({ TopicArn: "arn:aws:sns:us-east-1:000000000000:p-topic", Message: "refused" }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${h.cloud.url}/000000000000/p-queue`, WaitTimeSeconds: 0 }));
    expect(got.Messages ?? []).toEqual([]);
    expect(h.errors.some((e) => e.startsWith("SNS did not deliver from arn:aws:sns:us-east-1:000000000000:p-topic to arn:aws:sqs:us-east-1:000000000000:p-queue"))).toBe(true);
  });

  it("deletes what is gone from the stack", async () => {
    await h.apply({ resource: {} });
    expect(h.cloud.models.sqs.getQueue("us-east-1", "p-queue")).toBeUndefined();
    expect(h.cloud.models.sns.topics.size).toBe(0);
  });
});
