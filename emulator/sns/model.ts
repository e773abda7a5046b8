import type { Span, SpanContext } from "../trace/span.js";
import type { Tracer } from "../trace/tracer.js";
import { expectArray, expectObject, expectString, expectStringMap } from "../core/shape.js";
import { randomUUID } from "node:crypto";
import { invalidParameter, topicNotFound, subscriptionNotFound } from "./errors.js";
import type { SqsDelivery } from "../core/service.js";
import { isSqsArn } from "./arn.js";
import { sqsDeliverer, sqsMessageFor, type Deliverer, type Delivery, type DeliveryFailure, type DeliveryGuard } from "./delivery.js";
import { formatEnvelope, notificationFields, type Notification, type NotificationFields } from "./envelope.js";
import { matchesFilterPolicy, parseFilterPolicy, type FilterPolicy, type FilterPolicyScope } from "./filter-policy.js";
import type { MessageAttributes } from "./message-attributes.js";
import { NotificationSigner } from "./signer.js";
import { applySubscriptionAttribute } from "./subscription-attributes.js";
import { checkTopicAttribute, DEFAULT_EFFECTIVE_DELIVERY_POLICY, defaultTopicPolicy } from "./topic-attributes.js";

export interface Topic {
  arn: string;
  name: string;
  region: string;
  owner: string;
  /** attributes the user set; computed ones are added by topicAttributes() */
  attributes: Record<string, string>;
  tags: Record<string, string>;
  subscriptionArns: Set<string>;
  subscriptionsDeleted: number;
}

export interface Subscription {
  arn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  owner: string;
  attributes: Record<string, string>;
  filter?: FilterPolicy;
}

export interface PublishInput {
  message: string;
  subject?: string;
  messageStructure?: string;
  attributes: MessageAttributes;
}

export interface SnsModelOptions {
  sqs: SqsDelivery;
  /** deliverers by protocol; `sqs` is built in, `lambda` is added by the Lambda runtime */
  deliverers?: Record<string, Deliverer>;
  guard?: DeliveryGuard;
  onDeliveryFailure?: (failure: DeliveryFailure) => void;
  /** records a fan-out span per delivery of a traced publish */
  tracer?: Tracer;
}

export class SnsModel {
  readonly topics = new Map<string, Topic>();
  readonly subscriptions = new Map<string, Subscription>();
  private readonly deliverers = new Map<string, Deliverer>();
  private readonly signer = new NotificationSigner();
  /** failed deliveries since start, for `GET /_movies/health` */
  deliveryFailures = 0;
  lastDeliveryFailure?: DeliveryFailure;

  constructor(private readonly opts: SnsModelOptions) {
    this.deliverers.set("sqs", sqsDeliverer(opts.sqs));
    for (const [protocol, d] of Object.entries(opts.deliverers ?? {})) this.deliverers.set(protocol, d);
  }

  /** Adds delivery for a protocol (the Lambda runtime registers `lambda`). */
  registerDeliverer(protocol: string, deliverer: Deliverer): void {
    this.deliverers.set(protocol, deliverer);
  }

  supportedProtocols(): string[] {
    return [...this.deliverers.keys()];
  }

  signingPublicKeyPem(): string {
    return this.signer.publicKeyPem();
  }

  // ---- topics ----

  createTopic(region: string, owner: string, name: string, attributes: Record<string, string>, tags: Record<string, string>): Topic {
    const arn = `arn:aws:sns:${region}:${owner}:${name}`;
    for (const [k, v] of Object.entries(attributes)) checkTopicAttribute(k, v);
    const existing = this.topics.get(arn);
    if (existing) {
      for (const [k, v] of Object.entries(attributes)) {
        if ((existing.attributes[k] ?? "") !== v) throw invalidParameter("Attributes Reason: Topic already exists with different attributes");
      }
      for (const [k, v] of Object.entries(tags)) {
        if (existing.tags[k] !== v) throw invalidParameter("Tags Reason: Topic already exists with different tags");
      }
      return existing;
    }
    const topic: Topic = { arn, name, region, owner, attributes: { ...attributes }, tags: { ...tags }, subscriptionArns: new Set(), subscriptionsDeleted: 0 };
    this.topics.set(arn, topic);
    return topic;
  }

  topic(arn: string): Topic {
    const t = this.topics.get(arn);
    if (!t) throw topicNotFound();
    return t;
  }

  deleteTopic(arn: string): void {
    const t = this.topics.get(arn);
    if (!t) return; // AWS answers success for a topic that is already gone
    for (const sub of t.subscriptionArns) this.subscriptions.delete(sub);
    this.topics.delete(arn);
  }

  listTopics(region: string, owner: string): Topic[] {
    return [...this.topics.values()].filter((t) => t.region === region && t.owner === owner);
  }

  topicAttributes(arn: string): Record<string, string> {
    const t = this.topic(arn);
    return {
      Policy: defaultTopicPolicy(t.arn, t.owner),
      Owner: t.owner,
      SubscriptionsPending: "0",
      TopicArn: t.arn,
      EffectiveDeliveryPolicy: t.attributes.DeliveryPolicy ?? DEFAULT_EFFECTIVE_DELIVERY_POLICY,
      SubscriptionsConfirmed: String(t.subscriptionArns.size),
      DisplayName: "",
      SubscriptionsDeleted: String(t.subscriptionsDeleted),
      ...t.attributes,
    };
  }

  setTopicAttribute(arn: string, name: string, value: string): void {
    const t = this.topic(arn);
    checkTopicAttribute(name, value);
    t.attributes[name] = value;
  }

  tagTopic(arn: string, tags: Record<string, string>): void {
    Object.assign(this.topic(arn).tags, tags);
  }

  untagTopic(arn: string, keys: string[]): void {
    const t = this.topic(arn);
    for (const k of keys) delete t.tags[k];
  }

  // ---- subscriptions ----

  subscribe(topicArn: string, protocol: string, endpoint: string, attributes: Record<string, string>): Subscription {
    const topic = this.topic(topicArn);
    if (!this.deliverers.has(protocol)) {
      throw invalidParameter(`Protocol: '${protocol}' is not supported by the embedded cloud (supported: ${this.supportedProtocols().join(", ")})`);
    }
    if (protocol === "sqs" && !isSqsArn(endpoint)) throw invalidParameter("SQS endpoint ARN");
    const draft: Subscription = { arn: "", topicArn, protocol, endpoint, owner: topic.owner, attributes: {} };
    // the scope decides how the policy is read, whatever order the attributes came in
    const ordered = Object.entries(attributes).sort(([a], [b]) => Number(b === "FilterPolicyScope") - Number(a === "FilterPolicyScope"));
    for (const [k, v] of ordered) applySubscriptionAttribute(draft, k, v);
    for (const arn of topic.subscriptionArns) {
      const existing = this.subscriptions.get(arn)!;
      if (existing.protocol !== protocol || existing.endpoint !== endpoint) continue;
      for (const [k, v] of Object.entries(draft.attributes)) {
        if ((existing.attributes[k] ?? "") !== v) throw invalidParameter("Attributes Reason: Subscription already exists with different attributes");
      }
      return existing;
    }
    if (draft.attributes.RawMessageDelivery !== "true") this.signer.warm();
    draft.arn = `${topicArn}:${randomUUID()}`;
    this.subscriptions.set(draft.arn, draft);
    topic.subscriptionArns.add(draft.arn);
    return draft;
  }

  subscription(arn: string): Subscription {
    const s = this.subscriptions.get(arn);
    if (!s) throw subscriptionNotFound();
    return s;
  }

  /** Unsubscribing twice succeeds, as it does on AWS (whose docs list NotFound, but the service does not send it). */
  unsubscribe(arn: string): void {
    const s = this.subscriptions.get(arn);
    if (!s) return;
    this.subscriptions.delete(arn);
    const topic = this.topics.get(s.topicArn);
    if (topic) {
      topic.subscriptionArns.delete(arn);
      topic.subscriptionsDeleted++;
    }
  }

  listSubscriptions(region: string, owner: string, topicArn?: string): Subscription[] {
    if (topicArn !== undefined) return [...this.topic(topicArn).subscriptionArns].map((a) => this.subscriptions.get(a)!);
    return [...this.subscriptions.values()].filter((s) => {
      const t = this.topics.get(s.topicArn);
      return t !== undefined && t.region === region && t.owner === owner;
    });
  }

  subscriptionAttributes(arn: string): Record<string, string> {
    const s = this.subscription(arn);
    const attrs: Record<string, string> = {
      Owner: s.owner,
      RawMessageDelivery: "false",
      TopicArn: s.topicArn,
      Endpoint: s.endpoint,
      Protocol: s.protocol,
      PendingConfirmation: "false",
      ConfirmationWasAuthenticated: "true",
      SubscriptionArn: s.arn,
      SubscriptionPrincipal: `arn:aws:iam::${s.owner}:root`,
      ...s.attributes,
    };
    if (s.filter && !s.attributes.FilterPolicyScope) attrs.FilterPolicyScope = "MessageAttributes";
    return attrs;
  }

  setSubscriptionAttribute(arn: string, name: string, value: string): void {
    const s = this.subscription(arn);
    const next: Subscription = { ...s, attributes: { ...s.attributes } };
    applySubscriptionAttribute(next, name, value);
    s.attributes = next.attributes;
    s.filter = next.filter;
  }

  // ---- publishing ----

  /** Fans one message out to every subscription whose filter policy matches; returns the MessageId. */
  publish(topicArn: string, input: PublishInput, baseUrl: string, trace?: SpanContext): string {
    const topic = this.topic(topicArn);
    const messageId = randomUUID();
    const timestamp = new Date().toISOString();
    const perProtocol = input.messageStructure === "json" ? (JSON.parse(input.message) as Record<string, unknown>) : undefined;
    const signatureVersion = topic.attributes.SignatureVersion === "2" ? "2" : "1";
    for (const arn of topic.subscriptionArns) {
      const sub = this.subscriptions.get(arn)!;
      const raw = perProtocol ? (perProtocol[sub.protocol] ?? perProtocol.default) : input.message;
      const message = typeof raw === "string" ? raw : JSON.stringify(raw);
      if (sub.filter && !matchesFilterPolicy(sub.filter, { body: message, attributes: input.attributes })) continue;
      const notification: Notification = { messageId, topicArn, subject: input.subject, message, timestamp, attributes: input.attributes };
      let fields: NotificationFields | undefined;
      const signed = () =>
        (fields ??= notificationFields(notification, {
          signatureVersion,
          signingCertUrl: `${baseUrl}${SIGNING_CERT_PATH}`,
          unsubscribeUrl: `${baseUrl}/?Action=Unsubscribe&SubscriptionArn=${arn}`,
        }, this.signer));
      const delivery: Delivery = {
        notification,
        subscription: { arn, topicArn, protocol: sub.protocol, endpoint: sub.endpoint, rawMessageDelivery: sub.attributes.RawMessageDelivery === "true" },
        fields: signed,
        envelope: () => formatEnvelope(signed()),
        trace,
      };
      this.deliver(sub, delivery);
    }
    return messageId;
  }

  private deliver(sub: Subscription, delivery: Delivery): void {
    if (this.opts.guard && !this.opts.guard(delivery)) {
      const failure = { subscriptionArn: sub.arn, endpoint: sub.endpoint, messageId: delivery.notification.messageId, reason: "denied by the endpoint's resource policy" };
      this.deliveryFailures++;
      this.lastDeliveryFailure = failure;
      this.opts.onDeliveryFailure?.(failure);
      return;
    }
    const deliverer = this.deliverers.get(sub.protocol);
    const span = this.fanOutSpan(delivery);
    try {
      if (!deliverer) throw new Error(`no deliverer for protocol ${sub.protocol}`);
      const pending = deliverer(delivery);
      if (!pending) this.opts.tracer?.end(span!);
      else {
        pending.then(
          () => span && this.opts.tracer!.end(span),
          (err: unknown) => {
            if (span) this.opts.tracer!.end(span, "error");
            this.failed(sub, delivery, err);
          },
        );
      }
    } catch (err) {
      if (span) this.opts.tracer!.end(span, "error");
      this.failed(sub, delivery, err);
    }
  }

  /** A PRODUCER span per delivery of a traced publish; the delivery carries it on to the endpoint. */
  private fanOutSpan(delivery: Delivery): Span | undefined {
    const tracer = this.opts.tracer;
    if (!tracer || !delivery.trace) return undefined;
    const { protocol, endpoint, arn } = delivery.subscription;
    const target = endpoint.slice(endpoint.lastIndexOf(":") + 1);
    const span = tracer.begin({
      parent: delivery.trace,
      name: `SNS fan-out to ${protocol} ${target}`,
      service: "sns",
      operation: "Deliver",
      kind: "producer",
      attributes: { "messaging.system": "aws_sns", "messaging.message.id": delivery.notification.messageId, "aws.sns.subscription_arn": arn, "aws.sns.protocol": protocol, "aws.sns.endpoint": endpoint },
    });
    delivery.trace = span;
    return span;
  }

  /** A failed delivery goes to the subscription's dead-letter queue when it has one, else it is dropped. */
  private failed(sub: Subscription, delivery: Delivery, err: unknown): void {
    const failure: DeliveryFailure = {
      subscriptionArn: sub.arn,
      endpoint: sub.endpoint,
      messageId: delivery.notification.messageId,
      reason: err instanceof Error ? err.message : String(err),
    };
    const redrive = sub.attributes.RedrivePolicy;
    if (redrive) {
      const dlq = (JSON.parse(redrive) as { deadLetterTargetArn: string }).deadLetterTargetArn;
      const span =
        delivery.trace &&
        this.opts.tracer?.begin({ parent: delivery.trace, name: `SNS dead-letter to ${dlq.slice(dlq.lastIndexOf(":") + 1)}`, service: "sns", operation: "DeadLetter", kind: "producer", attributes: { "aws.sqs.queue_arn": dlq, "movies.failure": failure.reason.slice(0, 300) } });
      try {
        this.opts.sqs.deliver(dlq, sqsMessageFor(delivery), span);
        if (span) this.opts.tracer!.end(span);
        failure.deadLetterTargetArn = dlq;
      } catch (dlqErr) {
        if (span) this.opts.tracer!.end(span, "error");
        failure.reason += `; dead-letter queue ${dlq} also failed: ${dlqErr instanceof Error ? dlqErr.message : String(dlqErr)}`;
      }
    }
    this.deliveryFailures++;
    this.lastDeliveryFailure = failure;
    this.opts.onDeliveryFailure?.(failure);
  }

  // ---- state ----

  snapshot(): SnsSnapshot {
    return {
      topics: [...this.topics.values()].map((t) => ({
        arn: t.arn, name: t.name, region: t.region, owner: t.owner, attributes: t.attributes, tags: t.tags,
        subscriptionsDeleted: t.subscriptionsDeleted,
      })),
      subscriptions: [...this.subscriptions.values()].map((s) => ({
        arn: s.arn, topicArn: s.topicArn, protocol: s.protocol, endpoint: s.endpoint, owner: s.owner, attributes: s.attributes,
      })),
    };
  }

  restore(state: SnsSnapshot): void {
    checkSnapshot(state);
    this.topics.clear();
    this.subscriptions.clear();
    for (const t of state.topics ?? []) {
      this.topics.set(t.arn, { ...t, attributes: { ...t.attributes }, tags: { ...t.tags }, subscriptionArns: new Set() });
    }
    for (const s of state.subscriptions ?? []) {
      const topic = this.topics.get(s.topicArn);
      if (!topic) continue;
      const policy = s.attributes.FilterPolicy;
      const scope = (s.attributes.FilterPolicyScope ?? "MessageAttributes") as FilterPolicyScope;
      this.subscriptions.set(s.arn, { ...s, attributes: { ...s.attributes }, filter: policy ? parseFilterPolicy(policy, scope) : undefined });
      topic.subscriptionArns.add(s.arn);
    }
  }
}

export const SIGNING_CERT_PATH = "/_aws/sns/SimpleNotificationService-embedded.pem";

/** Throws, naming what is wrong, unless `state` has the shape snapshot() makes. */
function checkSnapshot(state: unknown): void {
  const snap = expectObject(state, "SNS state");
  expectArray(snap.topics, "SNS state.topics").forEach((v, i) => {
    const t = expectObject(v, `topic ${i}`);
    const arn = expectString(t.arn, `topic ${i}.arn`);
    for (const f of ["name", "region", "owner"]) expectString(t[f], `topic ${arn}.${f}`);
    expectStringMap(t.attributes, `topic ${arn}.attributes`);
    expectStringMap(t.tags, `topic ${arn}.tags`);
  });
  expectArray(snap.subscriptions, "SNS state.subscriptions").forEach((v, i) => {
    const s = expectObject(v, `subscription ${i}`);
    const arn = expectString(s.arn, `subscription ${i}.arn`);
    for (const f of ["topicArn", "protocol", "endpoint", "owner"]) expectString(s[f], `subscription ${arn}.${f}`);
    expectStringMap(s.attributes, `subscription ${arn}.attributes`);
  });
}

export interface SnsSnapshot {
  topics: { arn: string; name: string; region: string; owner: string; attributes: Record<string, string>; tags: Record<string, string>; subscriptionsDeleted: number }[];
  subscriptions: { arn: string; topicArn: string; protocol: string; endpoint: string; owner: string; attributes: Record<string, string> }[];
}

