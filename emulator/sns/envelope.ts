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

/**
 * The JSON notification SNS writes into SQS (and POSTs to HTTP endpoints):
 * the same field order and the same `"Key" : value` layout as AWS.
 */
export function notificationEnvelope(n: Notification, links: EnvelopeLinks, signer: NotificationSigner): string {
  const fields: [string, string][] = [
    ["Type", "Notification"],
    ["MessageId", n.messageId],
    ["TopicArn", n.topicArn],
  ];
  if (n.subject !== undefined) fields.push(["Subject", n.subject]);
  fields.push(
    ["Message", n.message],
    ["Timestamp", n.timestamp],
    ["SignatureVersion", links.signatureVersion],
    ["Signature", signer.sign(notificationStringToSign(n), links.signatureVersion)],
    ["SigningCertURL", links.signingCertUrl],
    ["UnsubscribeURL", links.unsubscribeUrl],
  );
  const lines = fields.map(([k, v]) => `  ${JSON.stringify(k)} : ${JSON.stringify(v)}`);
  const names = Object.keys(n.attributes);
  if (names.length > 0) {
    const inner = names.map((name) => `    ${JSON.stringify(name)} : ${JSON.stringify(envelopeAttribute(n.attributes[name]!))}`);
    lines.push(`  "MessageAttributes" : {\n${inner.join(",\n")}\n  }`);
  }
  return `{\n${lines.join(",\n")}\n}`;
}
