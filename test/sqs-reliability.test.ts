import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { startCloud } from "../emulator/cloud.js";
import { localClientConfig } from "./support/cloud-client-config.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function counts(sqs: SQSClient, QueueUrl: string) {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
    }),
  );
  return out.Attributes;
}

describe("SQS under load", () => {
  it("moves 20,000 messages from 8 producers to 8 consumers: each received and deleted exactly once", { timeout: 240_000 }, async () => {
    const PRODUCERS = 8;
    const CONSUMERS = 8;
    const PER_PRODUCER = 2_500;
    const TOTAL = PRODUCERS * PER_PRODUCER;
    const cloud = await startCloud({ port: 0 });
    const sqs = new SQSClient(localClientConfig(cloud.url));
    try {
      // A visibility timeout far longer than the run: any second delivery is a bug, not a timeout.
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "load", Attributes: { VisibilityTimeout: "900" } }));
      const received = new Map<string, number>();
      const messageIds = new Set<string>();
      let deleted = 0;
      let producersDone = 0;

      const producer = async (p: number) => {
        for (let i = 0; i < PER_PRODUCER; ) {
          // Mix single sends and batches of varying size, as real producers do.
          if (i % 500 === 0) {
            await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `p${p}-m${i}` }));
            i++;
            continue;
          }
          const n = Math.min(10, PER_PRODUCER - i, 500 - (i % 500));
          const Entries = Array.from({ length: n }, (_, k) => ({ Id: `e${k}`, MessageBody: `p${p}-m${i + k}` }));
          const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
          expect(out.Failed ?? []).toEqual([]);
          i += n;
        }
        producersDone++;
      };

      const consumer = async () => {
        while (deleted < TOTAL) {
          const out = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }),
          );
          const msgs = out.Messages ?? [];
          if (msgs.length === 0) {
            if (producersDone === PRODUCERS && deleted >= TOTAL) break;
            continue;
          }
          for (const m of msgs) {
            received.set(m.Body!, (received.get(m.Body!) ?? 0) + 1);
            messageIds.add(m.MessageId!);
            expect(m.Attributes?.ApproximateReceiveCount).toBe("1");
          }
          // The first of each batch is deleted on its own, the rest in one batch call.
          await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: msgs[0]!.ReceiptHandle }));
          deleted++;
          if (msgs.length > 1) {
            const rest = msgs.slice(1);
            const del = await sqs.send(
              new DeleteMessageBatchCommand({ QueueUrl, Entries: rest.map((m, k) => ({ Id: `d${k}`, ReceiptHandle: m.ReceiptHandle })) }),
            );
            expect(del.Failed ?? []).toEqual([]);
            deleted += del.Successful!.length;
          }
        }
      };

      await Promise.all([
        ...Array.from({ length: PRODUCERS }, (_, p) => producer(p)),
        ...Array.from({ length: CONSUMERS }, () => consumer()),
      ]);

      expect(deleted).toBe(TOTAL);
      expect(received.size).toBe(TOTAL);
      expect(messageIds.size).toBe(TOTAL);
      const twice = [...received].filter(([, n]) => n !== 1);
      expect(twice).toEqual([]);
      for (let p = 0; p < PRODUCERS; p++) for (let i = 0; i < PER_PRODUCER; i += 499) expect(received.get(`p${p}-m${i}`)).toBe(1);
      expect(await counts(sqs, QueueUrl!)).toEqual({
        ApproximateNumberOfMessages: "0",
        ApproximateNumberOfMessagesNotVisible: "0",
        ApproximateNumberOfMessagesDelayed: "0",
      });
    } finally {
      sqs.destroy();
      await cloud.stop();
    }
  });

  it("loses nothing across a clean stop and start with a state dir; in-flight messages come back visible", { timeout: 60_000 }, async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "movies-sqs-"));
    dirs.push(stateDir);
    const first = await startCloud({ port: 0, stateDir });
    const sqs1 = new SQSClient(localClientConfig(first.url));
    const bodies = Array.from({ length: 500 }, (_, i) => `msg-${i}`);
    let deletedBodies: string[];
    try {
      const { QueueUrl: dlqUrl } = await sqs1.send(new CreateQueueCommand({ QueueName: "keep-dlq" }));
      const dlqArn = (await sqs1.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
      const { QueueUrl } = await sqs1.send(
        new CreateQueueCommand({
          QueueName: "keep",
          Attributes: { VisibilityTimeout: "600", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }) },
        }),
      );
      for (let i = 0; i < bodies.length; i += 10) {
        await sqs1.send(
          new SendMessageBatchCommand({
            QueueUrl,
            Entries: bodies.slice(i, i + 10).map((b, k) => ({ Id: `e${k}`, MessageBody: b, MessageAttributes: { n: { DataType: "Number", StringValue: String(i + k) } } })),
          }),
        );
      }
      await sqs1.send(new SendMessageCommand({ QueueUrl, MessageBody: "delayed", DelaySeconds: 900 }));
      // 100 in flight, 50 of those deleted.
      const inFlight = [];
      for (let i = 0; i < 10; i++) inFlight.push(...((await sqs1.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages ?? []));
      expect(inFlight).toHaveLength(100);
      deletedBodies = inFlight.slice(0, 50).map((m) => m.Body!);
      for (const m of inFlight.slice(0, 50)) await sqs1.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      expect(await counts(sqs1, QueueUrl!)).toEqual({
        ApproximateNumberOfMessages: "400",
        ApproximateNumberOfMessagesNotVisible: "50",
        ApproximateNumberOfMessagesDelayed: "1",
      });
    } finally {
      sqs1.destroy();
      await first.stop();
    }

    const second = await startCloud({ port: 0, stateDir });
    const sqs2 = new SQSClient(localClientConfig(second.url));
    try {
      const { QueueUrl } = await sqs2.send(new CreateQueueCommand({ QueueName: "keep", Attributes: { VisibilityTimeout: "600" } }));
      expect(QueueUrl).toBe(`${second.url}/000000000000/keep`);
      const attrs = (await sqs2.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }))).Attributes!;
      expect(attrs).toMatchObject({
        ApproximateNumberOfMessages: "450",
        ApproximateNumberOfMessagesNotVisible: "0",
        ApproximateNumberOfMessagesDelayed: "1",
        VisibilityTimeout: "600",
      });
      expect(JSON.parse(attrs.RedrivePolicy!)).toMatchObject({ maxReceiveCount: 5 });
      const got = new Map<string, string | undefined>();
      for (;;) {
        const msgs = (await sqs2.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }))).Messages ?? [];
        if (msgs.length === 0) break;
        for (const m of msgs) got.set(m.Body!, m.MessageAttributes?.n?.StringValue);
      }
      const expected = bodies.filter((b) => !deletedBodies.includes(b));
      expect([...got.keys()].sort()).toEqual(expected.sort());
      expect(got.get("msg-123") ?? got.get("msg-499")).toMatch(/^\d+$/);
      expect((await sqs2.send(new GetQueueAttributesCommand({ QueueUrl: `${second.url}/000000000000/keep-dlq`, AttributeNames: ["QueueArn"] }))).Attributes).toBeDefined();
    } finally {
      sqs2.destroy();
      await second.stop();
    }
  });
});
