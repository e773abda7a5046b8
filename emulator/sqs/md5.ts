import { createHash } from "node:crypto";

/** A message attribute as SQS stores it; binary values are raw bytes. */
export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
}

export type MessageAttributes = Record<string, MessageAttributeValue>;

export function md5OfBody(body: string): string {
  return createHash("md5").update(body, "utf8").digest("hex");
}

const STRING_TRANSPORT = 1;
const BINARY_TRANSPORT = 2;

/**
 * MD5OfMessageAttributes as AWS computes it (boto3 and the Java SDK verify it):
 * attributes sorted by name, each encoded as length-prefixed name, length-prefixed
 * data type, one transport byte (1 string/number, 2 binary), length-prefixed value;
 * lengths are 4-byte big-endian. The same encoding serves MessageSystemAttributes.
 */
export function md5OfAttributes(attributes: MessageAttributes): string {
  const names = Object.keys(attributes).sort();
  const parts: Buffer[] = [];
  for (const name of names) {
    const attr = attributes[name]!;
    pushLengthPrefixed(parts, Buffer.from(name, "utf8"));
    pushLengthPrefixed(parts, Buffer.from(attr.DataType, "utf8"));
    if (attr.DataType.startsWith("Binary")) {
      parts.push(Buffer.of(BINARY_TRANSPORT));
      pushLengthPrefixed(parts, attr.BinaryValue ?? Buffer.alloc(0));
    } else {
      parts.push(Buffer.of(STRING_TRANSPORT));
      pushLengthPrefixed(parts, Buffer.from(attr.StringValue ?? "", "utf8"));
    }
  }
  return createHash("md5").update(Buffer.concat(parts)).digest("hex");
}

function pushLengthPrefixed(parts: Buffer[], bytes: Buffer): void {
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32BE(bytes.length, 0);
  parts.push(len, bytes);
}
