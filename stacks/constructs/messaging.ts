import { Construct, Fn, SnsTopic, SnsTopicSubscription, SqsQueue, SqsQueuePolicy, SqsQueueRedrivePolicy } from "../cdktf.js";
import { physicalName, type StackConfig } from "../config.js";
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

  constructor(scope: Construct, id: string, config: StackConfig) {
    super(scope, id);
    this.topic = new SnsTopic(this, "topic", { name: physicalName(config, "movie-updates-topic") });
    this.topic.overrideLogicalId("movie_updates_topic");

    this.deadLetterQueue = new SqsQueue(this, "dlq", {
      name: physicalName(config, "movie-updates-dlq"),
      messageRetentionSeconds: FOURTEEN_DAYS,
    });
    this.deadLetterQueue.overrideLogicalId("movie_updates_dlq");

    const queueName = physicalName(config, "movie-updates-queue");
    this.queue = new SqsQueue(this, "queue", {
      name: queueName,
      visibilityTimeoutSeconds: QUEUE_VISIBILITY_TIMEOUT_SECONDS,
      // Owned by the two resources below; without this the queue re-reads
      // them and plans a "whitespace change" to moto's spelling every time.
      lifecycle: { ignoreChanges: ["redrive_policy", "policy"] },
    });
    this.queue.overrideLogicalId("movie_updates_queue");

    // Redrive and policy are separate resources, not attributes of the queue,
    // although each costs the provider's ~25 s propagation wait. Both ways are
    // correct on AWS; only this one plans clean against moto 5.x:
    // - the queue's `redrive_policy` is compared as a string and moto returns
    //   the JSON with spaces (AWS returns it compact), so every plan showed a
    //   change; aws_sqs_queue_redrive_policy compares JSON by value;
    // - moto's SetQueueAttributes clears the Policy whenever a call omits it
    //   (AWS leaves omitted attributes alone), so the redrive call wiped a
    //   policy set on the queue; the policy is therefore set last.
    const redrive = new SqsQueueRedrivePolicy(this, "redrive", {
      queueUrl: this.queue.url,
      redrivePolicy: Fn.jsonencode({
        deadLetterTargetArn: this.deadLetterQueue.arn,
        maxReceiveCount: MAX_RECEIVES_BEFORE_DLQ,
      }),
    });
    redrive.overrideLogicalId("movie_updates_queue_redrive");

    const queuePolicy = policyDocument(this, "movie_updates_queue_policy", [
      {
        sid: "AllowMovieUpdatesTopicOnly",
        actions: ["sqs:SendMessage"],
        resources: [this.queue.arn],
        principals: [{ type: "Service", identifiers: ["sns.amazonaws.com"] }],
        conditions: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [this.topic.arn] }],
      },
    ]);
    const policy = new SqsQueuePolicy(this, "policy", {
      queueUrl: this.queue.url,
      policy: queuePolicy.json,
      dependsOn: [redrive],
    });
    policy.overrideLogicalId("movie_updates_queue_policy");

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
