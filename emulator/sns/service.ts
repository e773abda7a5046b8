import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsError } from "../core/aws-error.js";
import type { CallContext, RouteInfo, Service } from "../core/service.js";
import { readList, readMap, readStructList, serveQuery, type QueryAction, type QueryParams } from "../wire/aws-query.js";
import { escapeXml, toXml } from "../wire/xml.js";
import type { MessageAttributes } from "./message-attributes.js";
import { SIGNING_CERT_PATH, type SnsModel, type SnsSnapshot } from "./model.js";
import * as ops from "./operations.js";

const NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/";

const opt = (p: QueryParams, name: string): string | undefined => p[name];

function mapXml(name: string, map: Record<string, string>): string {
  const entries = Object.entries(map).map(([k, v]) => `<entry><key>${escapeXml(k)}</key><value>${escapeXml(v)}</value></entry>`);
  return `<${name}>${entries.join("")}</${name}>`;
}

function tagsFrom(p: QueryParams, prefix = "Tags"): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of readStructList(p, prefix)) if (t.Key !== undefined) tags[t.Key] = t.Value ?? "";
  return tags;
}

/** `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` / `.Value.BinaryValue` (base64). */
function messageAttributesFrom(p: QueryParams): MessageAttributes {
  // no prototype: an attribute named "__proto__" is stored as an attribute, not taken as a prototype swap
  const out: MessageAttributes = Object.create(null) as MessageAttributes;
  for (const e of readStructList(p, "MessageAttributes", "entry")) {
    if (e.Name === undefined) throw new AwsError("InvalidParameter", "Invalid parameter: MessageAttributes Reason: every entry needs a Name");
    const binary = e["Value.BinaryValue"];
    out[e.Name] = {
      DataType: e["Value.DataType"] ?? "",
      StringValue: e["Value.StringValue"],
      BinaryValue: binary !== undefined ? Buffer.from(binary, "base64") : undefined,
    };
  }
  return out;
}

function entryFrom(p: QueryParams): ops.PublishEntry {
  return {
    Message: opt(p, "Message"),
    Subject: opt(p, "Subject"),
    MessageStructure: opt(p, "MessageStructure"),
    MessageAttributes: messageAttributesFrom(p),
    MessageGroupId: opt(p, "MessageGroupId"),
    MessageDeduplicationId: opt(p, "MessageDeduplicationId"),
  };
}

function actions(model: SnsModel): Record<string, QueryAction> {
  return {
    CreateTopic: (p, ctx) =>
      toXml(ops.createTopic(model, ctx, { Name: opt(p, "Name"), Attributes: readMap(p, "Attributes"), Tags: tagsFrom(p) })),
    DeleteTopic: (p, ctx) => (ops.deleteTopic(model, ctx, { TopicArn: opt(p, "TopicArn") }), ""),
    ListTopics: (p, ctx) => toXml({ ...ops.listTopics(model, ctx, { NextToken: opt(p, "NextToken") }) }),
    GetTopicAttributes: (p, ctx) => mapXml("Attributes", ops.getTopicAttributes(model, ctx, { TopicArn: opt(p, "TopicArn") }).Attributes),
    SetTopicAttributes: (p, ctx) => (
      ops.setTopicAttributes(model, ctx, { TopicArn: opt(p, "TopicArn"), AttributeName: opt(p, "AttributeName"), AttributeValue: opt(p, "AttributeValue") }), ""
    ),
    Subscribe: (p, ctx) =>
      toXml(ops.subscribe(model, ctx, { TopicArn: opt(p, "TopicArn"), Protocol: opt(p, "Protocol"), Endpoint: opt(p, "Endpoint"), Attributes: readMap(p, "Attributes") })),
    Unsubscribe: (p, ctx) => (ops.unsubscribe(model, ctx, { SubscriptionArn: opt(p, "SubscriptionArn") }), ""),
    ListSubscriptions: (p, ctx) => toXml({ ...ops.listSubscriptions(model, ctx, { NextToken: opt(p, "NextToken") }) }),
    ListSubscriptionsByTopic: (p, ctx) =>
      toXml({ ...ops.listSubscriptionsByTopic(model, ctx, { TopicArn: opt(p, "TopicArn"), NextToken: opt(p, "NextToken") }) }),
    GetSubscriptionAttributes: (p, ctx) =>
      mapXml("Attributes", ops.getSubscriptionAttributes(model, ctx, { SubscriptionArn: opt(p, "SubscriptionArn") }).Attributes),
    SetSubscriptionAttributes: (p, ctx) => (
      ops.setSubscriptionAttributes(model, ctx, {
        SubscriptionArn: opt(p, "SubscriptionArn"), AttributeName: opt(p, "AttributeName"), AttributeValue: opt(p, "AttributeValue"),
      }), ""
    ),
    Publish: (p, ctx) =>
      toXml(ops.publish(model, ctx, { ...entryFrom(p), TopicArn: opt(p, "TopicArn"), TargetArn: opt(p, "TargetArn"), PhoneNumber: opt(p, "PhoneNumber") })),
    PublishBatch: (p, ctx) => {
      const entries = readStructList(p, "PublishBatchRequestEntries").map((e) => ({ ...entryFrom(e), Id: e.Id }));
      const out = ops.publishBatch(model, ctx, { TopicArn: opt(p, "TopicArn"), Entries: entries });
      return toXml({ Successful: out.Successful, Failed: out.Failed.map((f) => ({ ...f, SenderFault: String(f.SenderFault) })) });
    },
    TagResource: (p, ctx) => (ops.tagResource(model, ctx, { ResourceArn: opt(p, "ResourceArn"), Tags: tagsFrom(p) }), ""),
    UntagResource: (p, ctx) => (ops.untagResource(model, ctx, { ResourceArn: opt(p, "ResourceArn"), TagKeys: readList(p, "TagKeys") }), ""),
    ListTagsForResource: (p, ctx) => toXml(ops.listTagsForResource(model, ctx, { ResourceArn: opt(p, "ResourceArn") })),
  };
}

/** A GET of the UnsubscribeURL written into notifications: unsigned, as AWS accepts it. */
function isUnsubscribeLink(route: RouteInfo): boolean {
  return route.method === "GET" && route.path === "/" && route.query.get("Action") === "Unsubscribe" && (route.query.get("SubscriptionArn") ?? "").startsWith("arn:");
}

export function snsService(model: SnsModel): Service {
  const query = { label: "SNS", namespace: NAMESPACE, actions: actions(model) };
  return {
    name: "sns",
    claims: (route) =>
      (route.signingService === "sns" && !route.target) || isUnsubscribeLink(route) || (route.method === "GET" && route.path === SIGNING_CERT_PATH),
    async handle(req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext) {
      if (route.path === SIGNING_CERT_PATH) {
        const pem = model.signingPublicKeyPem();
        res.writeHead(200, { "content-type": "application/x-pem-file", "content-length": Buffer.byteLength(pem) });
        res.end(pem);
        return;
      }
      await serveQuery(req, res, route, ctx, query);
    },
    snapshot: () => model.snapshot(),
    restore: (state) => model.restore(state as SnsSnapshot),
    status: () => ({
      topics: model.topics.size,
      subscriptions: model.subscriptions.size,
      deliveryFailures: model.deliveryFailures,
      lastDeliveryFailure: model.lastDeliveryFailure,
    }),
  };
}
