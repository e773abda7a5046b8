import { AwsError } from "../core/aws-error.js";

/** One SNS message attribute as published (DataType String, Number, Binary, String.Array, or a custom `Type.suffix`). */
export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
}

export type MessageAttributes = Record<string, MessageAttribute>;

const NAME = /^[A-Za-z0-9_.-]{1,256}$/;
/** AWS's limits: at most 10 attributes per message, a DataType of at most 256 characters. */
export const MAX_MESSAGE_ATTRIBUTES = 10;
const MAX_DATA_TYPE_LENGTH = 256;

function invalid(message: string): AwsError {
  return new AwsError("ParameterValueInvalid", message);
}

/** The base type a DataType falls under, e.g. "Number" for "Number.float"; "String.Array" is its own. */
export function baseType(dataType: string): "String" | "Number" | "Binary" | "String.Array" | undefined {
  if (dataType === "String.Array") return "String.Array";
  const base = dataType.split(".", 1)[0];
  return base === "String" || base === "Number" || base === "Binary" ? base : undefined;
}

/** Checks names, types and values the way SNS does before accepting a Publish. */
export function validateMessageAttributes(attrs: MessageAttributes): void {
  const count = Object.keys(attrs).length;
  if (count > MAX_MESSAGE_ATTRIBUTES) throw invalid(`Number of message attributes [${count}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`);
  for (const [name, attr] of Object.entries(attrs)) {
    if (!NAME.test(name) || name.startsWith(".") || name.endsWith(".") || name.includes("..")) {
      throw invalid(`The message attribute name '${name}' is invalid: use 1-256 letters, digits, '_', '-' or '.', without leading, trailing or repeated periods.`);
    }
    if (/^(aws\.|amazon\.)/i.test(name)) {
      throw invalid(`The message attribute name '${name}' is reserved: names starting with 'AWS.' or 'Amazon.' are for AWS use.`);
    }
    const type = baseType(attr.DataType ?? "");
    if (!attr.DataType) throw invalid(`The message attribute '${name}' must contain non-empty message attribute type.`);
    if (attr.DataType.length > MAX_DATA_TYPE_LENGTH) throw invalid(`The message attribute '${name}' has a type longer than ${MAX_DATA_TYPE_LENGTH} characters.`);
    if (!type) {
      throw invalid(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    if (type === "Binary") {
      if (!attr.BinaryValue || attr.BinaryValue.length === 0) {
        throw invalid(`The message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
      }
      continue;
    }
    if (attr.StringValue === undefined || attr.StringValue === "") {
      throw invalid(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
    }
    if (type === "Number" && !Number.isFinite(Number(attr.StringValue))) {
      throw invalid(`Could not cast message attribute '${name}' value to number.`);
    }
    if (type === "String.Array") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(attr.StringValue);
      } catch {
        parsed = undefined;
      }
      if (!Array.isArray(parsed) || parsed.some((v) => v !== null && typeof v === "object")) {
        throw invalid(`The message attribute '${name}' of type 'String.Array' must be a JSON array of strings, numbers, booleans or null, e.g. ["a", 1].`);
      }
    }
  }
}

/** Bytes counted against the 256 KiB publish limit: names, types and values. */
export function attributesSize(attrs: MessageAttributes): number {
  let size = 0;
  for (const [name, a] of Object.entries(attrs)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    size += a.BinaryValue ? a.BinaryValue.length : Buffer.byteLength(a.StringValue ?? "");
  }
  return size;
}

/** `{Type, Value}` as written into the JSON notification envelope (binary as base64). */
export function envelopeAttribute(a: MessageAttribute): { Type: string; Value: string } {
  return { Type: a.DataType, Value: a.BinaryValue ? a.BinaryValue.toString("base64") : (a.StringValue ?? "") };
}

