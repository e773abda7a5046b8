import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  type QueueAttributeName,
} from "@aws-sdk/client-sqs";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import { localClientConfig } from "./support/cloud-client-config.js";
import { motoMissingReason, startMoto, type MotoServer } from "./support/moto.js";

const missing = motoMissingReason();
if (missing) console.warn(`skipping SQS differential test against moto: ${missing}`);

type Step = [name: string, result: unknown];

/** The same SQS scenario for any endpoint; results keep only what does not vary between runs. */
async function scenario(endpoint: string): Promise<Step[]> {
  const sqs = new SQSClient(localClientConfig(endpoint));
  const steps: Step[] = [];
  const urls: string[] = [];
  const norm = (v: unknown): unknown =>
    JSON.parse(
      JSON.stringify(v, (k, val) => {
        if (k === "$metadata" || k === "MessageId" || k === "ReceiptHandle") return undefined;
        if (val instanceof Uint8Array) return Buffer.from(val).toString("base64");
        if (typeof val === "string") {
          let s = val;
          for (const [i, u] of urls.entries()) s = s.split(u).join(`<queue-url-${i}>`);
          return s.replace(/\d{12}/g, "<account>");
        }
        return val;
      }),
    );
  const step = async (name: string, call: () => Promise<unknown>) => {
    try {
      steps.push([name, norm(await call())]);
    } catch (err) {
      const e = err as Error & { Code?: string };
      steps.push([name, { error: e.name }]);
    }
  };
  const attrs = (QueueUrl: string, names: QueueAttributeName[]) =>
    sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: names })).then((o) => o.Attributes);

  try {
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: "diff-dlq" }))).QueueUrl!;
    const main = (await sqs.send(new CreateQueueCommand({ QueueName: "diff-main", Attributes: { VisibilityTimeout: "60", DelaySeconds: "0", MaximumMessageSize: "262144" } }))).QueueUrl!;
    urls.push(dlq, main);
    const dlqArn = (await attrs(dlq, ["QueueArn"]))!.QueueArn!;
    await step("queue arn", async () => dlqArn);
    await step("get queue url", () => sqs.send(new GetQueueUrlCommand({ QueueName: "diff-main" })));
    await step("list queues", () => sqs.send(new ListQueuesCommand({ QueueNamePrefix: "diff-" })));
    await step("set redrive", () =>
      sqs.send(new SetQueueAttributesCommand({ QueueUrl: main, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) } })),
    );
    await step("read attributes", () => attrs(main, ["VisibilityTimeout", "DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds"]));
    await step("send with attributes", () =>
      sqs.send(
        new SendMessageCommand({
          QueueUrl: main,
          MessageBody: '{"type":"MovieCreated","title":"Amélie"}',
          MessageAttributes: {
            eventType: { DataType: "String", StringValue: "MovieCreated" },
            rating: { DataType: "Number", StringValue: "8.3" },
            poster: { DataType: "Binary", BinaryValue: new Uint8Array([137, 80, 78, 71]) },
            "custom.kind": { DataType: "String.genre", StringValue: "Comedy" },
          },
        }),
      ),
    );
    await step("send batch", () =>
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: main,
          Entries: [
            { Id: "one", MessageBody: "batch one" },
            { Id: "two", MessageBody: "batch two", MessageAttributes: { n: { DataType: "Number", StringValue: "2" } } },
          ],
        }),
      ),
    );
    await step("counts after sends", () => attrs(main, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]));
    const received = (
      await sqs.send(new ReceiveMessageCommand({ QueueUrl: main, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["ApproximateReceiveCount"] }))
    ).Messages!;
    received.sort((a, b) => (a.Body! < b.Body! ? -1 : 1));
    await step("received messages", async () => received);
    await step("counts while in flight", () => attrs(main, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]));
    await step("change visibility to 0", () => sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: main, ReceiptHandle: received[0]!.ReceiptHandle, VisibilityTimeout: 0 })));
    await step("delete one", () => sqs.send(new DeleteMessageCommand({ QueueUrl: main, ReceiptHandle: received[1]!.ReceiptHandle })));
    await step("counts after delete", () => attrs(main, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]));
    const again = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: main, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }))).Messages ?? [];
    await step("receive again", async () => again.map((x) => [x.Body, x.Attributes]));
    await step("redrive after maxReceiveCount", async () => {
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: main, ReceiptHandle: again[0]!.ReceiptHandle, VisibilityTimeout: 0 }));
      const fromMain = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: main }))).Messages ?? [];
      const fromDlq = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq }))).Messages ?? [];
      return { fromMain: fromMain.map((m) => m.Body), fromDlq: fromDlq.map((m) => m.Body) };
    });
    await step("delete batch", () =>
      sqs.send(new DeleteMessageBatchCommand({ QueueUrl: main, Entries: [{ Id: "ok", ReceiptHandle: received[2]!.ReceiptHandle }] })),
    );
    await step("error: missing queue", () => sqs.send(new GetQueueUrlCommand({ QueueName: "diff-nope" })));
    await step("error: send to missing queue", () => sqs.send(new SendMessageCommand({ QueueUrl: main.replace("diff-main", "diff-nope"), MessageBody: "x" })));
    await step("error: oversized message", () => sqs.send(new SendMessageCommand({ QueueUrl: main, MessageBody: "x".repeat(262_145) })));
    await step("error: too many receive", () => sqs.send(new ReceiveMessageCommand({ QueueUrl: main, MaxNumberOfMessages: 11 })));
    await step("error: empty batch", () => sqs.send(new SendMessageBatchCommand({ QueueUrl: main, Entries: [] })));
    await step("error: repeated batch ids", () =>
      sqs.send(new SendMessageBatchCommand({ QueueUrl: main, Entries: [{ Id: "a", MessageBody: "x" }, { Id: "a", MessageBody: "y" }] })),
    );
    await step("error: too many batch entries", () =>
      sqs.send(new SendMessageBatchCommand({ QueueUrl: main, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: "x" })) })),
    );
    await step("error: invalid attribute name", () => attrs(main, ["Colour" as QueueAttributeName]));
    await step("purge", () => sqs.send(new PurgeQueueCommand({ QueueUrl: main })));
    await step("counts after purge", () => attrs(main, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]));
    await step("delete queues", async () => {
      await sqs.send(new DeleteQueueCommand({ QueueUrl: main }));
      await sqs.send(new DeleteQueueCommand({ QueueUrl: dlq }));
      return (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "diff-" }))).QueueUrls ?? [];
    });
  } finally {
    sqs.destroy();
  }
  return steps;
}

describe.skipIf(missing)("SQS: embedded cloud and moto give the same answers", () => {
  let moto: MotoServer;
  let cloud: Cloud;
  beforeAll(async () => {
    [moto, cloud] = await Promise.all([startMoto(), startCloud({ port: 0 })]);
  });
  afterAll(async () => {
    await Promise.all([moto?.stop(), cloud?.stop()]);
  });

  it("runs one scenario against both and compares normalized results step by step", async () => {
    const ours = await scenario(cloud.url);
    const theirs = await scenario(moto.url);
    expect(ours.map(([name]) => name)).toEqual(theirs.map(([name]) => name));
    expect(ours).toEqual(theirs);
    // The scenario exercises what it claims to, on both sides.
    const byStep = Object.fromEntries(ours);
    expect(byStep["redrive after maxReceiveCount"]).toEqual({ fromMain: [], fromDlq: ["batch one"] });
    expect(byStep["error: missing queue"]).toEqual({ error: "QueueDoesNotExist" });
  });
});
