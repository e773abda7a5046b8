import type { SqsDelivery, SqsMessageInput } from "../core/service.js";
import type { Notification, NotificationFields } from "./envelope.js";
import type { SpanContext } from "../trace/span.js";

/** What a deliverer needs to know about the subscription it delivers to. */
export interface SubscriptionTarget {
  arn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  rawMessageDelivery: boolean;
}

/** One notification on its way to one subscription. */
export interface Delivery {
  notification: Notification;
  subscription: SubscriptionTarget;
  /** the signed notification fields for this subscription (signed on first use); Lambda events carry them too */
  fields(): NotificationFields;
  /** the JSON notification envelope as SNS writes it into SQS */
  envelope(): string;
  /** the fan-out span of this delivery, when the publish was traced: what the endpoint does joins it */
  trace?: SpanContext;
}

/**
 * Delivers to one protocol. Synchronous deliverers (SQS) finish before Publish
 * answers; asynchronous ones (Lambda, later) return a promise and failures are
 * handled when it settles. Throwing or rejecting counts as a failed delivery.
 */
export type Deliverer = (delivery: Delivery) => void | Promise<void>;

/**
 * Resource-policy check before a delivery (e.g. the queue policy must let
 * sns.amazonaws.com send from this topic). Denied deliveries are dropped, as
 * AWS drops them.
 */
export type DeliveryGuard = (delivery: Delivery) => boolean;

/** Deliveries that did not reach their endpoint, for logs and tests. */
export interface DeliveryFailure {
  subscriptionArn: string;
  endpoint: string;
  messageId: string;
  reason: string;
  /** where the message went instead, when the subscription has a RedrivePolicy */
  deadLetterTargetArn?: string;
}

/** The SQS message SNS writes: the body as published (raw) or the JSON envelope. */
export function sqsMessageFor(delivery: Delivery): SqsMessageInput {
  const n = delivery.notification;
  if (!delivery.subscription.rawMessageDelivery) return { body: delivery.envelope() };
  const names = Object.keys(n.attributes);
  if (names.length === 0) return { body: n.message };
  const messageAttributes: NonNullable<SqsMessageInput["messageAttributes"]> = {};
  for (const name of names) {
    const a = n.attributes[name]!;
    messageAttributes[name] = a.BinaryValue
      ? { DataType: a.DataType, BinaryValue: a.BinaryValue }
      : { DataType: a.DataType, StringValue: a.StringValue ?? "" };
  }
  return { body: n.message, messageAttributes };
}

export function sqsDeliverer(sqs: SqsDelivery): Deliverer {
  return (delivery) => sqs.deliver(delivery.subscription.endpoint, sqsMessageFor(delivery), delivery.trace);
}
