import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CreateTopicCommand, GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, PublishBatchCommand, PublishCommand, SNSClient, SubscribeCommand, UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { GetSendQuotaCommand, ListIdentitiesCommand, SendEmailCommand, SESClient, VerifyEmailIdentityCommand } from "@aws-sdk/client-ses";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import { motoMissingReason, startMoto, type MotoServer } from "./support/moto.js";
import { localClientConfig } from "./support/cloud-client-config.js";

const missing = motoMissingReason();
if (missing) console.warn(`skipping SNS/SES differential test against moto: ${missing}`);

type Step = { step: string; value?: unknown; error?: string };

/** moto's default account differs from ours; compare ARNs without it. */
const normaliseArns = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replace(/:\d{12}:/g, ":ACCOUNT:"));

async function drain(sqs: SQSClient, QueueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ["All"] }));
    if (Messages.length === 0) return all;
    for (const m of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle! }));
    all.push(...Messages);
  }
}

/** The movies fan-out and mail flow against any endpoint, reduced to what a user observes. */
async function scenario(endpoint: string): Promise<Step[]> {
  const cfg = localClientConfig(endpoint);
  const sns = new SNSClient(cfg);
  const sqs = new SQSClient(cfg);
  const ses = new SESClient(cfg);
  const steps: Step[] = [];
  const run = async (step: string, fn: () => Promise<unknown>) => {
    try {
      steps.push({ step, value: normaliseArns(await fn()) });
    } catch (err) {
      steps.push({ step, error: (err as Error).name });
    }
  };
  try {
    const TopicArn = (await sns.send(new CreateTopicCommand({ Name: "movie-updates-topic" }))).TopicArn!;
    const queues: Record<string, { url: string; arn: string }> = {};
    for (const name of ["raw", "envelope", "filtered"]) {
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: `movie-updates-${name}` }))).QueueUrl!;
      const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
      queues[name] = { url, arn };
    }
    const subs: Record<string, string> = {};
    await run("subscribe", async () => {
      subs.raw = (await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queues.raw!.arn, Attributes: { RawMessageDelivery: "true" } }))).SubscriptionArn!;
      subs.envelope = (await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queues.envelope!.arn }))).SubscriptionArn!;
      subs.filtered = (
        await sns.send(
          new SubscribeCommand({
            TopicArn, Protocol: "sqs", Endpoint: queues.filtered!.arn,
            Attributes: { RawMessageDelivery: "true", FilterPolicy: JSON.stringify({ eventType: ["MovieCreated"], rating: [{ numeric: [">=", 7] }] }) },
          }),
        )
      ).SubscriptionArn!;
      return Object.values(subs).map((arn) => arn.startsWith(`${TopicArn}:`));
    });
    await run("list subscriptions", async () =>
      (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions!.map((s) => [s.Protocol, s.Endpoint]).sort(),
    );
    await run("subscription attributes", async () => {
      const a = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subs.filtered }))).Attributes!;
      return { RawMessageDelivery: a.RawMessageDelivery, FilterPolicy: JSON.parse(a.FilterPolicy!), Protocol: a.Protocol, PendingConfirmation: a.PendingConfirmation };
    });
    const publish = (id: string, eventType: string, rating: string) =>
      sns.send(
        new PublishCommand({
          TopicArn, Subject: "movie event", Message: JSON.stringify({ id, eventType }),
          MessageAttributes: { eventType: { DataType: "String", StringValue: eventType }, rating: { DataType: "Number", StringValue: rating } },
        }),
      );
    await run("publish", async () => {
      await publish("m1", "MovieCreated", "8");
      await publish("m2", "MovieCreated", "5");
      await publish("m3", "MovieDeleted", "9");
      return "ok";
    });
    await run("publish batch", async () => {
      const out = await sns.send(
        new PublishBatchCommand({
          TopicArn,
          PublishBatchRequestEntries: [
            { Id: "b1", Message: JSON.stringify({ id: "m4", eventType: "MovieCreated" }), MessageAttributes: { eventType: { DataType: "String", StringValue: "MovieCreated" }, rating: { DataType: "Number", StringValue: "7" } } },
            { Id: "b2", Message: JSON.stringify({ id: "m5", eventType: "MovieUpdated" }) },
          ],
        }),
      );
      return { successful: out.Successful!.map((s) => s.Id).sort(), failed: out.Failed ?? [] };
    });
    await run("raw queue", async () =>
      (await drain(sqs, queues.raw!.url))
        .map((m) => ({ body: m.Body, attributes: m.MessageAttributes ?? {} }))
        .sort((a, b) => a.body!.localeCompare(b.body!)),
    );
    await run("envelope queue", async () =>
      (await drain(sqs, queues.envelope!.url))
        .map((m) => {
          const e = JSON.parse(m.Body!) as Record<string, unknown>;
          // moto signs with SignatureVersion 2 by default, AWS (and we) with 1 unless the topic asks for 2
          return {
            Type: e.Type, TopicArn: e.TopicArn, Subject: e.Subject, Message: e.Message, MessageAttributes: e.MessageAttributes,
            signed: typeof e.Signature === "string" && ["1", "2"].includes(e.SignatureVersion as string),
          };
        })
        .sort((a, b) => String(a.Message).localeCompare(String(b.Message))),
    );
    await run("filtered queue", async () => (await drain(sqs, queues.filtered!.url)).map((m) => JSON.parse(m.Body!).id).sort());
    await run("unsubscribe twice", async () => {
      await sns.send(new UnsubscribeCommand({ SubscriptionArn: subs.envelope }));
      await sns.send(new UnsubscribeCommand({ SubscriptionArn: subs.envelope }));
      return (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions!.length;
    });
    await run("publish to a missing topic", () => sns.send(new PublishCommand({ TopicArn: `${TopicArn}-missing`, Message: "x" })));
    await run("attributes of a missing subscription", () => sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: `${TopicArn}:00000000-0000-0000-0000-000000000000` })));

    const mail = (Source: string) =>
      new SendEmailCommand({
        Source,
        Destination: { ToAddresses: ["fan@example.com"], CcAddresses: ["cc@example.com"], BccAddresses: ["audit@example.com"] },
        Message: { Subject: { Data: "New movie" }, Body: { Text: { Data: "Heat was added" } } },
      });
    await run("send from an unverified address", () => ses.send(mail("noreply@movies.example")));
    await run("verify", async () => {
      await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: "noreply@movies.example" }));
      return (await ses.send(new ListIdentitiesCommand({}))).Identities;
    });
    await run("send from a verified address", async () => typeof (await ses.send(mail("noreply@movies.example"))).MessageId);
    await run("send quota", async () => (await ses.send(new GetSendQuotaCommand({}))).SentLast24Hours);
  } finally {
    sns.destroy();
    sqs.destroy();
    ses.destroy();
  }
  return steps;
}

describe.skipIf(missing)("SNS fan-out and SES against moto", () => {
  let moto: MotoServer;
  let cloud: Cloud;
  beforeAll(async () => {
    // these queues have no access policy, which IAM enforcement would refuse; policy checks are tested in emulator/admin
    [moto, cloud] = await Promise.all([startMoto(), startCloud({ port: 0, iam: false })]);
  });
  afterAll(async () => {
    await Promise.all([moto?.stop(), cloud?.stop()]);
  });

  it("gives the same observable results on both", async () => {
    const ours = await scenario(cloud.url);
    const theirs = await scenario(moto.url);
    expect(ours).toEqual(theirs);
    // guard against both sides failing the same way
    expect(ours.find((s) => s.step === "filtered queue")?.value).toEqual(["m1", "m4"]);
    expect(ours.find((s) => s.step === "send from an unverified address")?.error).toBe("MessageRejected");
  }, 180_000);
});
