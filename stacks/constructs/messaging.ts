import { Construct, Fn, SnsTopic, SnsTopicSubscription, SqsQueue, SqsQueueRedrivePolicy } from "../cdktf.js";
import { physicalName, type StackConfig } from "../config.js";
import type { AccountContext } from "./account.js";
import { policyDocument } from "./policy-document.js";

const FOURTEEN_DAYS = 14 * 24 * 60 * 60;
export const MAX_RECEIVES_BEFORE_DLQ = 5;
/** Lambda requires the visibility timeout to be at least the consumer's timeout; AWS advises 6x. */
export const QUEUE_VISIBILITY_TIMEOUT_SECONDS = 180;

/** SNS topic fanning out movie events to the notification queue, with its dead-letter queue. */
export class Messaging extends Construct {
  readonly topic: SnsTopic;
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, config: StackConfig, account: AccountContext) {
    super(scope, id);
    this.topic = new SnsTopic(this, "topic", { name: physicalName(config, "movie-updates-topic") });
    this.topic.overrideLogicalId("movie_updates_topic");

    this.deadLetterQueue = new SqsQueue(this, "dlq", {
      name: physicalName(config, "movie-updates-dlq"),
      messageRetentionSeconds: FOURTEEN_DAYS,
    });
    this.deadLetterQueue.overrideLogicalId("movie_updates_dlq");

    const queueName = physicalName(config, "movie-updates-queue");
    // The policy lives on the queue itself: a separate aws_sqs_queue_policy
    // makes the provider wait ~25 s per apply. The queue cannot reference its
    // own arn, so the ARN is built from the account context.
    const queuePolicy = policyDocument(this, "movie_updates_queue_policy", [
      {
        sid: "AllowMovieUpdatesTopicOnly",
        actions: ["sqs:SendMessage"],
        resources: [account.arn("sqs", queueName)],
        principals: [{ type: "Service", identifiers: ["sns.amazonaws.com"] }],
        conditions: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [this.topic.arn] }],
      },
    ]);
    this.queue = new SqsQueue(this, "queue", {
      name: queueName,
      visibilityTimeoutSeconds: QUEUE_VISIBILITY_TIMEOUT_SECONDS,
      policy: queuePolicy.json,
    });
    this.queue.overrideLogicalId("movie_updates_queue");

    // A separate resource rather than the queue's `redrive_policy`: the queue
    // attribute is compared as a string, and moto returns the JSON with
    // spaces, so every plan showed a change (AWS returns it compact). This
    // resource compares JSON by value, which is right on both. It costs no
    // wall time: the queue and the DLQ are now created in parallel, and each
    // SQS resource waits ~25 s for attribute propagation either way.
    const redrive = new SqsQueueRedrivePolicy(this, "redrive", {
      queueUrl: this.queue.url,
      redrivePolicy: Fn.jsonencode({
        deadLetterTargetArn: this.deadLetterQueue.arn,
        maxReceiveCount: MAX_RECEIVES_BEFORE_DLQ,
      }),
    });
    redrive.overrideLogicalId("movie_updates_queue_redrive");

    const subscription = new SnsTopicSubscription(this, "subscription", {
      topicArn: this.topic.arn,
      protocol: "sqs",
      endpoint: this.queue.arn,
      // The consumer parses the event itself, not an SNS envelope.
      rawMessageDelivery: true,
    });
    subscription.overrideLogicalId("movie_updates_subscription");
  }
}
