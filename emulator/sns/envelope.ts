import { envelopeAttribute, type MessageAttributes } from "./message-attributes.js";
import { notificationStringToSign, type NotificationSigner } from "./signer.js";

/** One published message, as every subscription of the topic sees it. */
export interface Notification {
  messageId: string;
  topicArn: string;
  subject?: string;
  /** the body for this protocol (MessageStructure=json already resolved) */
  message: string;
  /** ISO 8601 with milliseconds, e.g. 2026-11-29T20:30:08.123Z */
  timestamp: string;
  attributes: MessageAttributes;
}

export interface EnvelopeLinks {
  signatureVersion: "1" | "2";
  signingCertUrl: string;
  unsubscribeUrl: string;
}

/** The notification's fields in AWS's order; Subject and MessageAttributes only when present. */
export interface NotificationFields {
  Type: "Notification";
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: "1" | "2";
  Signature: string;
  SigningCertURL: string;
  UnsubscribeURL: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/** Signed fields of a notification; the Lambda event (`Records[].Sns`) carries the same ones. */
export function notificationFields(n: Notification, links: EnvelopeLinks, signer: NotificationSigner): NotificationFields {
  const names = Object.keys(n.attributes);
  // spreads keep AWS's key order, which the envelope text follows
  return {
    Type: "Notification",
    MessageId: n.messageId,
    TopicArn: n.topicArn,
    ...(n.subject !== undefined ? { Subject: n.subject } : {}),
    Message: n.message,
    Timestamp: n.timestamp,
    SignatureVersion: links.signatureVersion,
    Signature: signer.sign(notificationStringToSign(n), links.signatureVersion),
    SigningCertURL: links.signingCertUrl,
    UnsubscribeURL: links.unsubscribeUrl,
    ...(names.length > 0 ? { MessageAttributes: Object.fromEntries(names.map((name) => [name, envelopeAttribute(n.attributes[name]!)])) } : {}),
  };
}

/**
 * The JSON notification SNS writes into SQS (and POSTs to HTTP endpoints):
 * the same field order and the same `"Key" : value` layout as AWS.
 */
export function formatEnvelope(fields: NotificationFields): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (k !== "MessageAttributes") lines.push(`  ${JSON.stringify(k)} : ${JSON.stringify(v)}`);
  }
  if (fields.MessageAttributes) {
    const inner = Object.entries(fields.MessageAttributes).map(([name, a]) => `    ${JSON.stringify(name)} : ${JSON.stringify(a)}`);
    lines.push(`  "MessageAttributes" : {\n${inner.join(",\n")}\n  }`);
  }
  return `{\n${lines.join(",\n")}\n}`;
}
