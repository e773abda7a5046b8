import { AwsError } from "../core/aws-error.js";
import { invalidParameter } from "./errors.js";
import type { CallContext } from "../core/service.js";
import { parseTopicArn, topicArnOfSubscription } from "./arn.js";
import { attributesSize, validateMessageAttributes, type MessageAttributes } from "./message-attributes.js";
import type { SnsModel, Subscription } from "./model.js";

/** One function per SNS action: typed input in, typed output out, AwsError on bad input. */

const PAGE_SIZE = 100;
const MAX_MESSAGE_BYTES = 256 * 1024;
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;

function topicArnParam(value: string | undefined, name = "TopicArn"): string {
  if (value === undefined || value === "") throw invalidParameter(`${name} Reason: no value for required parameter`);
  if (!parseTopicArn(value)) throw invalidParameter(`${name} Reason: '${value}' is not a topic ARN (arn:aws:sns:<region>:<account>:<name>)`);
  return value;
}

function subscriptionArnParam(value: string | undefined): string {
  if (value === undefined || value === "") throw invalidParameter("SubscriptionArn Reason: no value for required parameter");
  if (!topicArnOfSubscription(value)) throw invalidParameter(`SubscriptionArn Reason: '${value}' is not a subscription ARN (<topic arn>:<id>)`);
  return value;
}

function page<T>(items: T[], nextToken: string | undefined): { items: T[]; nextToken?: string } {
  let start = 0;
  if (nextToken) {
    start = Number(Buffer.from(nextToken, "base64").toString("utf8"));
    if (!Number.isInteger(start) || start < 0) throw invalidParameter("NextToken: use the NextToken from the previous reply");
  }
  const end = start + PAGE_SIZE;
  return { items: items.slice(start, end), nextToken: end < items.length ? Buffer.from(String(end)).toString("base64") : undefined };
}

export interface CreateTopicInput {
  Name?: string;
  Attributes: Record<string, string>;
  Tags: Record<string, string>;
}

export function createTopic(model: SnsModel, ctx: CallContext, input: CreateTopicInput): { TopicArn: string } {
  const name = input.Name;
  if (!name) throw invalidParameter("Name Reason: no value for required parameter");
  if (name.endsWith(".fifo")) throw invalidParameter(`Name Reason: FIFO topics (${name}) are not supported by the embedded cloud; use a standard topic`);
  if (!TOPIC_NAME.test(name)) {
    throw invalidParameter(`Topic Name: '${name}' must be 1-256 characters of letters, digits, '_' or '-'`);
  }
  return { TopicArn: model.createTopic(ctx.region, ctx.accountId, name, input.Attributes, input.Tags).arn };
}

export function deleteTopic(model: SnsModel, _ctx: CallContext, input: { TopicArn?: string }): void {
  model.deleteTopic(topicArnParam(input.TopicArn));
}

export function listTopics(model: SnsModel, ctx: CallContext, input: { NextToken?: string }): { Topics: { TopicArn: string }[]; NextToken?: string } {
  const { items, nextToken } = page(model.listTopics(ctx.region, ctx.accountId), input.NextToken);
  return { Topics: items.map((t) => ({ TopicArn: t.arn })), NextToken: nextToken };
}

export function getTopicAttributes(model: SnsModel, _ctx: CallContext, input: { TopicArn?: string }): { Attributes: Record<string, string> } {
  return { Attributes: model.topicAttributes(topicArnParam(input.TopicArn)) };
}

export function setTopicAttributes(model: SnsModel, _ctx: CallContext, input: { TopicArn?: string; AttributeName?: string; AttributeValue?: string }): void {
  const arn = topicArnParam(input.TopicArn);
  if (!input.AttributeName) throw invalidParameter("AttributeName Reason: no value for required parameter");
  model.setTopicAttribute(arn, input.AttributeName, input.AttributeValue ?? "");
}

export interface SubscribeInput {
  TopicArn?: string;
  Protocol?: string;
  Endpoint?: string;
  Attributes: Record<string, string>;
}

export function subscribe(model: SnsModel, _ctx: CallContext, input: SubscribeInput): { SubscriptionArn: string } {
  const topicArn = topicArnParam(input.TopicArn);
  if (!input.Protocol) throw invalidParameter("Protocol Reason: no value for required parameter");
  if (!input.Endpoint) throw invalidParameter(`Endpoint Reason: an endpoint is required for protocol ${input.Protocol}`);
  return { SubscriptionArn: model.subscribe(topicArn, input.Protocol, input.Endpoint, input.Attributes).arn };
}

export function unsubscribe(model: SnsModel, _ctx: CallContext, input: { SubscriptionArn?: string }): void {
  model.unsubscribe(subscriptionArnParam(input.SubscriptionArn));
}

export type SubscriptionSummary = {
  SubscriptionArn: string;
  Owner: string;
  Protocol: string;
  Endpoint: string;
  TopicArn: string;
};

const summary = (s: Subscription): SubscriptionSummary => ({
  SubscriptionArn: s.arn, Owner: s.owner, Protocol: s.protocol, Endpoint: s.endpoint, TopicArn: s.topicArn,
});

export function listSubscriptions(model: SnsModel, ctx: CallContext, input: { NextToken?: string }): { Subscriptions: SubscriptionSummary[]; NextToken?: string } {
  const { items, nextToken } = page(model.listSubscriptions(ctx.region, ctx.accountId), input.NextToken);
  return { Subscriptions: items.map(summary), NextToken: nextToken };
}

export function listSubscriptionsByTopic(
  model: SnsModel,
  ctx: CallContext,
  input: { TopicArn?: string; NextToken?: string },
): { Subscriptions: SubscriptionSummary[]; NextToken?: string } {
  const arn = topicArnParam(input.TopicArn);
  const { items, nextToken } = page(model.listSubscriptions(ctx.region, ctx.accountId, arn), input.NextToken);
  return { Subscriptions: items.map(summary), NextToken: nextToken };
}

export function getSubscriptionAttributes(model: SnsModel, _ctx: CallContext, input: { SubscriptionArn?: string }): { Attributes: Record<string, string> } {
  return { Attributes: model.subscriptionAttributes(subscriptionArnParam(input.SubscriptionArn)) };
}

export function setSubscriptionAttributes(
  model: SnsModel,
  _ctx: CallContext,
  input: { SubscriptionArn?: string; AttributeName?: string; AttributeValue?: string },
): void {
  const arn = subscriptionArnParam(input.SubscriptionArn);
  if (!input.AttributeName) throw invalidParameter("AttributeName Reason: no value for required parameter");
  model.setSubscriptionAttribute(arn, input.AttributeName, input.AttributeValue ?? "");
}

export interface PublishEntry {
  Message?: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes: MessageAttributes;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
}

export interface PublishInput extends PublishEntry {
  TopicArn?: string;
  TargetArn?: string;
  PhoneNumber?: string;
}

/** Checks one message as SNS does and returns its size in bytes. */
function checkMessage(entry: PublishEntry): number {
  const message = entry.Message;
  if (message === undefined || message === "") throw invalidParameter("Empty message");
  if (entry.Subject !== undefined && (entry.Subject === "" || entry.Subject.length >= 100 || /[\x00-\x1f\x7f]/.test(entry.Subject))) {
    throw invalidParameter("Subject Reason: a subject is 1-99 characters without line breaks or control characters");
  }
  if (entry.MessageGroupId !== undefined) throw invalidParameter("The request includes MessageGroupId parameter that is not valid for this topic type");
  if (entry.MessageDeduplicationId !== undefined) {
    throw invalidParameter("The request includes MessageDeduplicationId parameter that is not valid for this topic type");
  }
  if (entry.MessageStructure !== undefined) {
    if (entry.MessageStructure !== "json") throw invalidParameter(`MessageStructure Reason: '${entry.MessageStructure}' is not supported; the only value is json`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw invalidParameter("Message Structure - JSON message body failed to parse");
    }
    if (!("default" in parsed)) throw invalidParameter("Message Structure - No default entry in JSON message body");
  }
  validateMessageAttributes(entry.MessageAttributes);
  const size = Buffer.byteLength(message) + attributesSize(entry.MessageAttributes);
  if (size > MAX_MESSAGE_BYTES) throw invalidParameter(`Message too long: ${size} bytes with attributes, the limit is ${MAX_MESSAGE_BYTES}`);
  return size;
}

export function publish(model: SnsModel, ctx: CallContext, input: PublishInput): { MessageId: string } {
  if (input.PhoneNumber !== undefined) throw invalidParameter("PhoneNumber Reason: SMS delivery is not supported by the embedded cloud; publish to a topic");
  if (input.TopicArn === undefined && input.TargetArn === undefined) throw invalidParameter("TopicArn or TargetArn Reason: no value for required parameter");
  const arn = topicArnParam(input.TopicArn ?? input.TargetArn, input.TopicArn !== undefined ? "TopicArn" : "TargetArn");
  model.topic(arn);
  checkMessage(input);
  const messageId = model.publish(
    arn,
    { message: input.Message!, subject: input.Subject, messageStructure: input.MessageStructure, attributes: input.MessageAttributes },
    ctx.baseUrl,
    ctx.trace,
  );
  return { MessageId: messageId };
}

export interface PublishBatchInput {
  TopicArn?: string;
  Entries: (PublishEntry & { Id?: string })[];
}

export interface PublishBatchOutput {
  Successful: { Id: string; MessageId: string }[];
  Failed: { Id: string; Code: string; Message: string; SenderFault: boolean }[];
}

export function publishBatch(model: SnsModel, ctx: CallContext, input: PublishBatchInput): PublishBatchOutput {
  const arn = topicArnParam(input.TopicArn);
  const entries = input.Entries;
  if (entries.length === 0) throw new AwsError("EmptyBatchRequest", "The batch request doesn't contain any entries.");
  if (entries.length > 10) throw new AwsError("TooManyEntriesInBatchRequest", `The batch request contains more entries than permissible: ${entries.length}, the limit is 10.`);
  const ids = new Set<string>();
  for (const e of entries) {
    if (!e.Id || !BATCH_ID.test(e.Id)) {
      throw new AwsError("InvalidBatchEntryId", `The Id of a batch entry in a batch request doesn't abide by the specification: '${e.Id ?? ""}' (1-80 letters, digits, '_' or '-').`);
    }
    if (ids.has(e.Id)) throw new AwsError("BatchEntryIdsNotDistinct", `Two or more batch entries in the request have the same Id: ${e.Id}.`);
    ids.add(e.Id);
  }
  model.topic(arn);
  const out: PublishBatchOutput = { Successful: [], Failed: [] };
  const accepted: (PublishEntry & { Id: string })[] = [];
  let total = 0;
  for (const e of entries) {
    try {
      total += checkMessage(e);
      accepted.push(e as PublishEntry & { Id: string });
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      out.Failed.push({ Id: e.Id!, Code: err.code, Message: err.message, SenderFault: true });
    }
  }
  if (total > MAX_MESSAGE_BYTES) {
    throw new AwsError("BatchRequestTooLong", `The length of all the messages put together is more than the limit: ${total} bytes, the limit is ${MAX_MESSAGE_BYTES}.`);
  }
  for (const e of accepted) {
    const messageId = model.publish(
      arn,
      { message: e.Message!, subject: e.Subject, messageStructure: e.MessageStructure, attributes: e.MessageAttributes },
      ctx.baseUrl,
      ctx.trace,
    );
    out.Successful.push({ Id: e.Id, MessageId: messageId });
  }
  return out;
}

function taggedTopic(model: SnsModel, resourceArn: string | undefined): string {
  if (!resourceArn) throw invalidParameter("ResourceArn Reason: no value for required parameter");
  if (!model.topics.has(resourceArn)) throw new AwsError("ResourceNotFound", "Resource does not exist", 404);
  return resourceArn;
}

export function tagResource(model: SnsModel, _ctx: CallContext, input: { ResourceArn?: string; Tags: Record<string, string> }): void {
  model.tagTopic(taggedTopic(model, input.ResourceArn), input.Tags);
}

export function untagResource(model: SnsModel, _ctx: CallContext, input: { ResourceArn?: string; TagKeys: string[] }): void {
  model.untagTopic(taggedTopic(model, input.ResourceArn), input.TagKeys);
}

export function listTagsForResource(model: SnsModel, _ctx: CallContext, input: { ResourceArn?: string }): { Tags: { Key: string; Value: string }[] } {
  const topic = model.topic(taggedTopic(model, input.ResourceArn));
  return { Tags: Object.entries(topic.tags).map(([Key, Value]) => ({ Key, Value })) };
}
