import { AwsError } from "../core/aws-error.js";
import { invalidAttributeName, invalidAttributeValue } from "./errors.js";

/** 1 MiB: the largest message (body plus attributes) a queue accepts, and the default MaximumMessageSize (AWS raised both from 256 KiB in 2025; botocore's SQS model documents it). */
export const MAX_MESSAGE_BYTES = 1_048_576;

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** A queue's settable attributes, parsed; `raw` keeps them as the client wrote them for GetQueueAttributes. */
export interface QueueSettings {
  visibilityTimeout: number;
  messageRetentionPeriod: number;
  delaySeconds: number;
  receiveMessageWaitTimeSeconds: number;
  maximumMessageSize: number;
  redrivePolicy?: RedrivePolicy;
  raw: Record<string, string>;
}

interface IntRange {
  min: number;
  max: number;
  unit: string;
}

const INT_ATTRIBUTES: Record<string, IntRange> = {
  VisibilityTimeout: { min: 0, max: 43_200, unit: "seconds" },
  MessageRetentionPeriod: { min: 60, max: 1_209_600, unit: "seconds" },
  DelaySeconds: { min: 0, max: 900, unit: "seconds" },
  ReceiveMessageWaitTimeSeconds: { min: 0, max: 20, unit: "seconds" },
  MaximumMessageSize: { min: 1_024, max: MAX_MESSAGE_BYTES, unit: "bytes" },
  KmsDataKeyReusePeriodSeconds: { min: 60, max: 86_400, unit: "seconds" },
};

const JSON_ATTRIBUTES = new Set(["Policy", "RedrivePolicy", "RedriveAllowPolicy"]);
const OTHER_SETTABLE = new Set(["KmsMasterKeyId", "SqsManagedSseEnabled"]);
const FIFO_ATTRIBUTES = new Set(["FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"]);

/** Attributes computed by the queue, readable but never settable. */
export const READ_ONLY_ATTRIBUTES = [
  "QueueArn",
  "ApproximateNumberOfMessages",
  "ApproximateNumberOfMessagesNotVisible",
  "ApproximateNumberOfMessagesDelayed",
  "CreatedTimestamp",
  "LastModifiedTimestamp",
] as const;

export const DEFAULT_RAW: Readonly<Record<string, string>> = {
  VisibilityTimeout: "30",
  MessageRetentionPeriod: "345600",
  DelaySeconds: "0",
  ReceiveMessageWaitTimeSeconds: "0",
  MaximumMessageSize: String(MAX_MESSAGE_BYTES),
  SqsManagedSseEnabled: "true",
};

export function isKnownAttribute(name: string): boolean {
  return (
    name in INT_ATTRIBUTES ||
    JSON_ATTRIBUTES.has(name) ||
    OTHER_SETTABLE.has(name) ||
    (READ_ONLY_ATTRIBUTES as readonly string[]).includes(name)
  );
}

export function fifoRefused(): AwsError {
  return new AwsError(
    "AWS.SimpleQueueService.UnsupportedOperation",
    "FIFO queues are not supported by the movies embedded cloud: use a standard queue (a name without .fifo and no FifoQueue attribute).",
  );
}

export interface SettingsContext {
  /** whether a queue with this ARN exists, for RedrivePolicy targets */
  queueExists(arn: string): boolean;
}

/** Validates `changes` against `base` and returns the merged settings; throws the AWS error a client would get. */
export function applySettings(base: QueueSettings, changes: Record<string, string>, ctx: SettingsContext): QueueSettings {
  const raw = { ...base.raw };
  for (const [name, value] of Object.entries(changes)) {
    if (typeof value !== "string") throw invalidAttributeValue(`Invalid value for the parameter ${name}: expected a string.`);
    if (FIFO_ATTRIBUTES.has(name)) {
      if (name === "FifoQueue" && value === "false") continue;
      throw fifoRefused();
    }
    const range = INT_ATTRIBUTES[name];
    if (range) {
      const n = /^\d+$/.test(value) ? Number(value) : NaN;
      if (!(n >= range.min && n <= range.max)) {
        throw invalidAttributeValue(
          `Invalid value for the parameter ${name}: "${value}". It must be an integer from ${range.min} to ${range.max} ${range.unit}.`,
        );
      }
      raw[name] = String(n);
      continue;
    }
    if (JSON_ATTRIBUTES.has(name)) {
      if (value === "") {
        delete raw[name];
        continue;
      }
      const parsed = parseJsonObject(name, value);
      if (name === "RedrivePolicy") checkRedrivePolicy(parsed, ctx);
      raw[name] = value;
      continue;
    }
    if (name === "SqsManagedSseEnabled") {
      if (value !== "true" && value !== "false") {
        throw invalidAttributeValue(`Invalid value for the parameter SqsManagedSseEnabled: "${value}". Use "true" or "false".`);
      }
      raw[name] = value;
      continue;
    }
    if (name === "KmsMasterKeyId") {
      raw[name] = value;
      continue;
    }
    throw invalidAttributeName(name);
  }
  return parseSettings(raw);
}

/** Settings from already-validated raw attributes (also used when restoring a snapshot). */
export function parseSettings(raw: Record<string, string>): QueueSettings {
  const redrive = raw.RedrivePolicy ? (JSON.parse(raw.RedrivePolicy) as Record<string, unknown>) : undefined;
  return {
    visibilityTimeout: Number(raw.VisibilityTimeout ?? DEFAULT_RAW.VisibilityTimeout),
    messageRetentionPeriod: Number(raw.MessageRetentionPeriod ?? DEFAULT_RAW.MessageRetentionPeriod),
    delaySeconds: Number(raw.DelaySeconds ?? DEFAULT_RAW.DelaySeconds),
    receiveMessageWaitTimeSeconds: Number(raw.ReceiveMessageWaitTimeSeconds ?? DEFAULT_RAW.ReceiveMessageWaitTimeSeconds),
    maximumMessageSize: Number(raw.MaximumMessageSize ?? DEFAULT_RAW.MaximumMessageSize),
    redrivePolicy: redrive
      ? { deadLetterTargetArn: String(redrive.deadLetterTargetArn), maxReceiveCount: Number(redrive.maxReceiveCount) }
      : undefined,
    raw,
  };
}

export function defaultSettings(): QueueSettings {
  return parseSettings({ ...DEFAULT_RAW });
}

function parseJsonObject(name: string, value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidAttributeValue(`Invalid value for the parameter ${name}: it is not valid JSON.`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw invalidAttributeValue(`Invalid value for the parameter ${name}: it must be a JSON object.`);
  }
  return parsed as Record<string, unknown>;
}

function checkRedrivePolicy(policy: Record<string, unknown>, ctx: SettingsContext): void {
  const target = policy.deadLetterTargetArn;
  const count = Number(policy.maxReceiveCount);
  if (typeof target !== "string" || !target.startsWith("arn:")) {
    throw invalidAttributeValue(
      'Invalid value for the parameter RedrivePolicy: it needs "deadLetterTargetArn" (the ARN of the dead-letter queue) and "maxReceiveCount".',
    );
  }
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalidAttributeValue(
      `Invalid value for the parameter RedrivePolicy: maxReceiveCount must be an integer from 1 to 1000, got ${String(policy.maxReceiveCount)}.`,
    );
  }
  if (!ctx.queueExists(target)) {
    throw invalidAttributeValue(
      `Invalid value for the parameter RedrivePolicy: the dead-letter target ${target} does not exist. Create that queue first.`,
    );
  }
}
