import type { Message } from "@aws-sdk/client-sqs";
import { randomBytes } from "node:crypto";
import { toEvent, type MovieEvent } from "./movie-event.js";

export interface TailOptions {
  config: { region: string; endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } };
  topicArn: string;
  queueUrl: string;
  peek: boolean;
  types?: string[];
  count?: number;
  signal: AbortSignal;
  onReady(where: string): void;
  onEvent(event: MovieEvent): void;
  /** a temporary resource could not be removed (on AWS it keeps costing): what it is and the command that removes it */
  onLeftover?(leftover: Leftover): void;
}

export interface Leftover {
  what: string;
  id: string;
  error: string;
  /** an AWS CLI command that removes it */
  removeWith: string;
}

const isAbort = (e: unknown) => (e as Error)?.name === "AbortError" || (e as Error)?.name === "AbortSignal";

/**
 * Follows movie events until the signal aborts or `count` events arrived. In the
 * default mode it owns a temporary queue and subscription and always removes
 * them, also when interrupted.
 */
export async function tailEvents(opts: TailOptions): Promise<number> {
  // Loaded here, not at the top: `movies dev` imports this module before it is
  // ready and tails only after, and the two clients are ~0.1-0.25 s of CPU to load.
  const [
    { CreateQueueCommand, DeleteMessageBatchCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SetQueueAttributesCommand, SQSClient },
    { SNSClient, SubscribeCommand, UnsubscribeCommand },
  ] = await Promise.all([import("@aws-sdk/client-sqs"), import("@aws-sdk/client-sns")]);
  const sqs = new SQSClient(opts.config);
  const sns = new SNSClient(opts.config);
  let seen = 0;
  let queueUrl = opts.queueUrl;
  let subscriptionArn: string | undefined;
  try {
    if (!opts.peek) {
      const name = `movies-tail-${randomBytes(4).toString("hex")}`;
      queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { MessageRetentionPeriod: "600" } }))).QueueUrl!;
      const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
      const policy = {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "sns.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: arn,
            Condition: { ArnEquals: { "aws:SourceArn": opts.topicArn } },
          },
        ],
      };
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(policy) } }));
      const attributes: Record<string, string> = { RawMessageDelivery: "true" };
      if (opts.types?.length) attributes.FilterPolicy = JSON.stringify({ Type: opts.types });
      subscriptionArn = (
        await sns.send(new SubscribeCommand({ TopicArn: opts.topicArn, Protocol: "sqs", Endpoint: arn, Attributes: attributes, ReturnSubscriptionArn: true }))
      ).SubscriptionArn;
    }
    opts.onReady(opts.peek ? `${opts.queueUrl} (peeking)` : opts.topicArn);
    while (!opts.signal.aborted && (opts.count === undefined || seen < opts.count)) {
      let messages: Message[] | undefined;
      try {
        messages = (
          await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: queueUrl,
              MaxNumberOfMessages: 10,
              WaitTimeSeconds: 5,
              // peeking leaves messages for the email function at once
              VisibilityTimeout: opts.peek ? 0 : 30,
              MessageAttributeNames: ["All"],
              MessageSystemAttributeNames: ["SentTimestamp"],
            }),
            { abortSignal: opts.signal },
          )
        ).Messages;
      } catch (e) {
        if (isAbort(e) || opts.signal.aborted) break;
        throw e;
      }
      for (const m of messages ?? []) {
        const event = toEvent(m.Body ?? "", m.MessageAttributes, m.Attributes?.SentTimestamp);
        if (opts.peek && opts.types?.length && !opts.types.includes(event.type)) continue;
        if (opts.count !== undefined && seen >= opts.count) break;
        seen++;
        opts.onEvent(event);
      }
      if (!opts.peek && messages?.length) {
        await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
      }
    }
  } finally {
    // clean-up runs whatever ended the loop, so nothing is left subscribed; what cannot be removed is reported, never swallowed
    const cli = (service: string) => `aws ${service}${opts.config.endpoint ? ` --endpoint-url ${opts.config.endpoint}` : ""} --region ${opts.config.region}`;
    const reason = (e: unknown) => `${(e as Error).name}: ${(e as Error).message}`.split("\n")[0]!;
    if (subscriptionArn) {
      await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn })).catch((e: unknown) =>
        opts.onLeftover?.({ what: "temporary SNS subscription", id: subscriptionArn!, error: reason(e), removeWith: `${cli("sns")} unsubscribe --subscription-arn ${subscriptionArn}` }),
      );
    }
    if (!opts.peek && queueUrl !== opts.queueUrl) {
      await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch((e: unknown) =>
        opts.onLeftover?.({ what: "temporary SQS queue", id: queueUrl, error: reason(e), removeWith: `${cli("sqs")} delete-queue --queue-url ${queueUrl}` }),
      );
    }
    sqs.destroy();
    sns.destroy();
  }
  return seen;
}
