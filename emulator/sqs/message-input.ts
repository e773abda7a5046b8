import { AwsError } from "../core/aws-error.js";
import { invalidParameterValue, missingParameter } from "./errors.js";
import { type Input, optionalInt } from "./input.js";
import type { MessageAttributes } from "./md5.js";
import type { NewMessage } from "./queue.js";

const MAX_ATTRIBUTES = 10;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[^\s]{1,250})?$/;
/** Characters SQS accepts in a body or attribute value (XML 1.0 characters). */
const INVALID_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A SendMessage (or batch entry) input, validated as AWS does: body characters, attributes, delay, and size counting body and attributes. */
export function readNewMessage(input: Input, maximumMessageSize: number, senderId: string): NewMessage {
  const body = input.MessageBody;
  if (body === undefined || body === null || body === "") throw missingParameter("MessageBody");
  if (typeof body !== "string") throw invalidParameterValue("Value for parameter MessageBody must be a string.");
  const bad = INVALID_CHAR.exec(body);
  if (bad) {
    throw new AwsError(
      "InvalidMessageContents",
      `Invalid binary character '#x${bad[0].codePointAt(0)!.toString(16).toUpperCase()}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
    );
  }
  const delaySeconds = optionalInt(input, "DelaySeconds", 0, 900, "Must be an integer from 0 to 900 seconds.");
  const attributes = readMessageAttributes(input.MessageAttributes, "message attribute");
  const systemAttributes = readMessageAttributes(input.MessageSystemAttributes, "message system attribute");
  if (systemAttributes) {
    for (const name of Object.keys(systemAttributes)) {
      if (name !== "AWSTraceHeader") {
        throw invalidParameterValue(`Message system attribute name '${name}' is invalid: only AWSTraceHeader can be sent.`);
      }
    }
  }
  const size = Buffer.byteLength(body, "utf8") + attributesSize(attributes);
  if (size > maximumMessageSize) {
    throw invalidParameterValue(
      `One or more parameters are invalid. Reason: Message must be shorter than ${maximumMessageSize} bytes (this one is ${size} bytes with its attributes).`,
    );
  }
  return { body, attributes, systemAttributes, delaySeconds, senderId };
}

/** Bytes a message's attributes count towards the size limit: names, data types and values. */
export function attributesSize(attributes: MessageAttributes | undefined): number {
  if (!attributes) return 0;
  let size = 0;
  for (const [name, a] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    size += a.BinaryValue ? a.BinaryValue.length : Buffer.byteLength(a.StringValue ?? "");
  }
  return size;
}

function readMessageAttributes(raw: unknown, what: string): MessageAttributes | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "object" || Array.isArray(raw)) throw invalidParameterValue(`The ${what}s must be a map of name to value.`);
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length === 0) return undefined;
  if (entries.length > MAX_ATTRIBUTES) {
    throw invalidParameterValue(`Number of ${what}s [${entries.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`);
  }
  const out: MessageAttributes = {};
  for (const [name, value] of entries) {
    checkAttributeName(name, what);
    if (value === null || typeof value !== "object") throw invalidParameterValue(`The ${what} '${name}' must be an object with DataType and a value.`);
    const v = value as Record<string, unknown>;
    const dataType = v.DataType;
    if (typeof dataType !== "string" || dataType === "") {
      throw invalidParameterValue(`The ${what} '${name}' must contain a non-empty message attribute type.`);
    }
    if (!DATA_TYPE.test(dataType)) {
      throw invalidParameterValue(
        `The type of ${what} '${name}' is invalid: "${dataType}". Use String, Number or Binary, optionally followed by .customType.`,
      );
    }
    if (dataType.startsWith("Binary")) {
      if (typeof v.BinaryValue !== "string" || v.BinaryValue === "") {
        throw invalidParameterValue(`The ${what} '${name}' must contain non-empty message attribute value for message attribute type 'Binary'.`);
      }
      out[name] = { DataType: dataType, BinaryValue: Buffer.from(v.BinaryValue, "base64") };
      continue;
    }
    const base = dataType.startsWith("Number") ? "Number" : "String";
    if (typeof v.StringValue !== "string" || v.StringValue === "") {
      throw invalidParameterValue(`The ${what} '${name}' must contain non-empty message attribute value for message attribute type '${base}'.`);
    }
    if (INVALID_CHAR.test(v.StringValue)) {
      throw new AwsError("InvalidMessageContents", `The ${what} '${name}' contains characters SQS does not accept.`);
    }
    if (base === "Number" && !NUMBER.test(v.StringValue.trim())) {
      throw invalidParameterValue(`Can't cast the value of ${what} '${name}' to a number: "${v.StringValue}".`);
    }
    out[name] = { DataType: dataType, StringValue: v.StringValue };
  }
  return out;
}

function checkAttributeName(name: string, what: string): void {
  const lower = name.toLowerCase();
  if (
    !ATTRIBUTE_NAME.test(name) ||
    name.startsWith(".") ||
    name.endsWith(".") ||
    name.includes("..") ||
    lower.startsWith("aws.") ||
    lower.startsWith("amazon.")
  ) {
    throw invalidParameterValue(
      `The ${what} name '${name}' is invalid: use up to 256 letters, digits, '_', '-' and '.', no leading, trailing or double '.', and no AWS. or Amazon. prefix.`,
    );
  }
}
