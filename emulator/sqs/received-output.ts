import { md5OfAttributes, type MessageAttributes } from "./md5.js";
import type { ReceivedMessage } from "./queue.js";

/** Which attributes a ReceiveMessage asked for, resolved once per request. */
export interface AttributeSelection {
  system: Set<string> | "all";
  message: { all: boolean; names: Set<string>; prefixes: string[] };
}

export function selectAttributes(systemNames: string[], messageNames: string[]): AttributeSelection {
  const system = systemNames.includes("All") ? "all" : new Set(systemNames);
  const message = { all: false, names: new Set<string>(), prefixes: [] as string[] };
  for (const n of messageNames) {
    if (n === "All" || n === ".*") message.all = true;
    else if (n.endsWith(".*")) message.prefixes.push(n.slice(0, -1));
    else message.names.add(n);
  }
  return { system, message };
}

/** One received message in the JSON shape SQS answers with. */
export function messageOutput(r: ReceivedMessage, sel: AttributeSelection): Record<string, unknown> {
  const m = r.message;
  const out: Record<string, unknown> = {
    MessageId: m.id,
    ReceiptHandle: r.receiptHandle,
    MD5OfBody: m.md5OfBody,
    Body: m.body,
  };
  const sys = systemAttributes(r, sel.system);
  if (sys) out.Attributes = sys;
  if (m.attributes) {
    const picked = pickMessageAttributes(m.attributes, sel.message);
    if (picked) {
      out.MD5OfMessageAttributes = picked === m.attributes ? m.md5OfAttributes : md5OfAttributes(picked);
      out.MessageAttributes = encodeMessageAttributes(picked);
    }
  }
  return out;
}

export function encodeMessageAttributes(attrs: MessageAttributes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(attrs)) {
    out[name] = a.BinaryValue
      ? { DataType: a.DataType, BinaryValue: a.BinaryValue.toString("base64") }
      : { DataType: a.DataType, StringValue: a.StringValue };
  }
  return out;
}

function systemAttributes(r: ReceivedMessage, wanted: Set<string> | "all"): Record<string, string> | undefined {
  if (wanted !== "all" && wanted.size === 0) return undefined;
  const m = r.message;
  const all: Record<string, string | undefined> = {
    SenderId: m.senderId,
    SentTimestamp: String(m.sentAt),
    ApproximateReceiveCount: String(r.receiveCount),
    ApproximateFirstReceiveTimestamp: String(r.firstReceiveAt),
    AWSTraceHeader: m.systemAttributes?.AWSTraceHeader?.StringValue,
    DeadLetterQueueSourceArn: m.deadLetterSourceArn,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) if (v !== undefined && (wanted === "all" || wanted.has(k))) out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

function pickMessageAttributes(attrs: MessageAttributes, sel: AttributeSelection["message"]): MessageAttributes | undefined {
  if (sel.all) return attrs;
  if (sel.names.size === 0 && sel.prefixes.length === 0) return undefined;
  const picked: MessageAttributes = {};
  let count = 0;
  for (const [name, a] of Object.entries(attrs)) {
    if (sel.names.has(name) || sel.prefixes.some((p) => name.startsWith(p))) {
      picked[name] = a;
      count++;
    }
  }
  if (count === 0) return undefined;
  return count === Object.keys(attrs).length ? attrs : picked;
}
