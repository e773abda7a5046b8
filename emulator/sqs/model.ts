import type { SpanContext } from "../trace/span.js";
import type { MessageAttributes } from "./md5.js";
import { nonExistentQueue } from "./errors.js";
import { Queue, type NewMessage, type ReceiveOptions, type ReceivedMessage, type SavedMessage, type SqsMessage } from "./queue.js";
import { applySettings, defaultSettings, fifoRefused, parseSettings } from "./queue-settings.js";
import { AwsError } from "../core/aws-error.js";
import { expectArray, expectNumber, expectObject, expectString, expectStringMap } from "../core/shape.js";

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** How often every queue drops messages past their retention period, so memory stays bounded. */
const RETENTION_SWEEP_MS = 30_000;

export interface CreateQueueResult {
  queue: Queue;
  created: boolean;
}

/**
 * All SQS queues of one account, per region, with no HTTP in sight. The
 * operations layer and in-process users (SNS fan-out, Lambda event source
 * mappings) share this one model.
 */
export class SqsModel {
  private readonly queues = new Map<string, Queue>();
  private readonly sweepTimer: NodeJS.Timeout;
  /** hears every message change while a state store records them (with a state dir only: in memory nothing is kept) */
  changes?: { messageChanged(queue: Queue, messageId: string): void; purged(queue: Queue): void };

  constructor(readonly accountId: string) {
    this.sweepTimer = setInterval(() => {
      const now = Date.now();
      for (const q of this.queues.values()) q.sweepExpired(now);
    }, RETENTION_SWEEP_MS);
    this.sweepTimer.unref();
  }

  messageChanged(queue: Queue, messageId: string): void {
    this.changes?.messageChanged(queue, messageId);
  }

  purged(queue: Queue): void {
    this.changes?.purged(queue);
  }

  /** hears each message sent by a traced call (a function's SendMessage): the tracer follows it to its consumer */
  onSent?: (queue: Queue, message: SqsMessage, trace: SpanContext) => void;

  /** hears each message moved to a dead-letter queue (the tracer records it) */
  onDeadLetter?: (from: Queue, message: SqsMessage, to: Queue) => void;

  deadLettered(from: Queue, message: SqsMessage, to: Queue): void {
    this.onDeadLetter?.(from, message, to);
  }

  /** Every queue of every region, keyed by `<region>/<name>`. */
  everyQueue(): ReadonlyMap<string, Queue> {
    return this.queues;
  }

  get queueCount(): number {
    return this.queues.size;
  }

  arnOf(region: string, name: string): string {
    return `arn:aws:sqs:${region}:${this.accountId}:${name}`;
  }

  createQueue(region: string, name: string, attributes: Record<string, string> = {}, tags: Record<string, string> = {}): CreateQueueResult {
    if (name.endsWith(".fifo")) throw fifoRefused();
    if (!QUEUE_NAME.test(name)) {
      throw new AwsError(
        "InvalidParameterValue",
        `Invalid queue name "${name}": use 1 to 80 characters, only letters, digits, hyphens and underscores.`,
      );
    }
    const settings = applySettings(defaultSettings(), attributes, { queueExists: (arn) => this.queueByArn(arn) !== undefined });
    const existing = this.queues.get(key(region, name));
    if (existing) {
      for (const [k, v] of Object.entries(settings.raw)) {
        if (existing.settings.raw[k] !== v) {
          throw new AwsError(
            "QueueAlreadyExists",
            `A queue named ${name} already exists with a different value for attribute ${k}. Use SetQueueAttributes to change it.`,
          );
        }
      }
      return { queue: existing, created: false };
    }
    const now = Date.now();
    const queue = new Queue(name, region, this.arnOf(region, name), settings, now, now, { ...tags }, this);
    this.queues.set(key(region, name), queue);
    return { queue, created: true };
  }

  getQueue(region: string, name: string): Queue | undefined {
    return this.queues.get(key(region, name));
  }

  requireQueue(region: string, name: string): Queue {
    const q = this.queues.get(key(region, name));
    if (!q) throw nonExistentQueue();
    return q;
  }

  queueByArn(arn: string): Queue | undefined {
    const parts = arn.split(":");
    if (parts.length !== 6 || parts[0] !== "arn" || parts[2] !== "sqs" || parts[4] !== this.accountId) return undefined;
    return this.queues.get(key(parts[3]!, parts[5]!));
  }

  requireQueueByArn(arn: string): Queue {
    const q = this.queueByArn(arn);
    if (!q) throw nonExistentQueue();
    return q;
  }

  setAttributes(queue: Queue, attributes: Record<string, string>): void {
    queue.settings = applySettings(queue.settings, attributes, {
      queueExists: (arn) => this.queueByArn(arn) !== undefined,
    });
    queue.lastModifiedAt = Date.now();
  }

  deleteQueue(queue: Queue): void {
    this.queues.delete(key(queue.region, queue.name));
    queue.close();
  }

  listQueues(region: string, prefix = ""): Queue[] {
    const out: Queue[] = [];
    for (const q of this.queues.values()) if (q.region === region && q.name.startsWith(prefix)) out.push(q);
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Queues whose RedrivePolicy targets `dlq`. */
  deadLetterSources(dlq: Queue): Queue[] {
    return [...this.queues.values()].filter((q) => q.settings.redrivePolicy?.deadLetterTargetArn === dlq.arn);
  }

  // In-process access by ARN, for SNS fan-out and Lambda event source mappings.

  sendByArn(arn: string, message: NewMessage): SqsMessage {
    return this.requireQueueByArn(arn).send(message);
  }

  receiveByArn(arn: string, opts: ReceiveOptions): Promise<ReceivedMessage[]> {
    return this.requireQueueByArn(arn).receive(opts);
  }

  deleteByArn(arn: string, receiptHandle: string): void {
    this.requireQueueByArn(arn).deleteMessage(receiptHandle);
  }

  changeVisibilityByArn(arn: string, receiptHandle: string, timeoutSeconds: number): void {
    this.requireQueueByArn(arn).changeVisibility(receiptHandle, timeoutSeconds);
  }

  snapshot(): SqsSnapshot {
    return {
      version: 1,
      queues: [...this.queues.values()].map((q) => ({
        name: q.name,
        region: q.region,
        attributes: q.settings.raw,
        tags: q.tags,
        createdAt: q.createdAt,
        lastModifiedAt: q.lastModifiedAt,
        messages: [...q.messages.values()].map((m) => encodeMessage(q.save(m))),
      })),
    };
  }

  /** Replaces all state with a snapshot; messages in flight when it was taken are visible again. */
  restore(state: unknown): void {
    const snap = checkSnapshot(state);
    for (const q of this.queues.values()) q.close();
    this.queues.clear();
    const now = Date.now();
    for (const sq of snap.queues) {
      const queue = new Queue(
        sq.name,
        sq.region,
        this.arnOf(sq.region, sq.name),
        parseSettings({ ...sq.attributes }),
        sq.createdAt,
        sq.lastModifiedAt,
        { ...sq.tags },
        this,
      );
      this.queues.set(key(sq.region, sq.name), queue);
      for (const sm of sq.messages) {
        queue.restoreMessage(
          {
            ...sm,
            attributes: sm.attributes && decodeAttributes(sm.attributes),
            systemAttributes: sm.systemAttributes && decodeAttributes(sm.systemAttributes),
          },
          now,
        );
      }
    }
  }

  close(): void {
    clearInterval(this.sweepTimer);
    for (const q of this.queues.values()) q.close();
  }
}

export function key(region: string, name: string): string {
  return `${region}/${name}`;
}

/** A message as stored: binary attribute values as base64, so it survives JSON. */
export function encodeMessage(saved: SavedMessage): StoredMessage {
  return {
    ...saved,
    attributes: saved.attributes && encodeAttributes(saved.attributes),
    systemAttributes: saved.systemAttributes && encodeAttributes(saved.systemAttributes),
  };
}

/** Throws, naming what is wrong, unless `state` has the shape snapshot() makes. */
function checkSnapshot(state: unknown): SqsSnapshot {
  const snap = expectObject(state, "SQS state");
  if (snap.version !== 1) throw new Error(`SQS state has version ${JSON.stringify(snap.version)}, not 1`);
  expectArray(snap.queues, "SQS state.queues").forEach((value, i) => {
    const q = expectObject(value, `queue ${i}`);
    const name = expectString(q.name, `queue ${i}.name`);
    const what = `queue ${name}`;
    expectString(q.region, `${what}.region`);
    expectStringMap(q.attributes, `${what}.attributes`);
    expectStringMap(q.tags, `${what}.tags`);
    expectNumber(q.createdAt, `${what}.createdAt`);
    expectNumber(q.lastModifiedAt, `${what}.lastModifiedAt`);
    expectArray(q.messages, `${what}.messages`).forEach((mv, j) => {
      const m = expectObject(mv, `${what} message ${j}`);
      const id = expectString(m.id, `${what} message ${j}.id`);
      expectString(m.body, `${what} message ${id}.body`);
      expectString(m.senderId, `${what} message ${id}.senderId`);
      expectNumber(m.sentAt, `${what} message ${id}.sentAt`);
      expectNumber(m.receiveCount, `${what} message ${id}.receiveCount`);
      for (const field of ["attributes", "systemAttributes"] as const) {
        if (m[field] === undefined) continue;
        for (const [k, a] of Object.entries(expectObject(m[field], `${what} message ${id}.${field}`))) {
          expectString(expectObject(a, `${what} message ${id}.${field}.${k}`).DataType, `${what} message ${id}.${field}.${k}.DataType`);
        }
      }
    });
  });
  return state as SqsSnapshot;
}

interface EncodedAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export interface SqsSnapshot {
  version: 1;
  queues: {
    name: string;
    region: string;
    attributes: Record<string, string>;
    tags: Record<string, string>;
    createdAt: number;
    lastModifiedAt: number;
    messages: StoredMessage[];
  }[];
}

/** SavedMessage with binary attribute values as base64, so it survives JSON */
export type StoredMessage = Omit<SavedMessage, "attributes" | "systemAttributes"> & {
  attributes?: Record<string, EncodedAttribute>;
  systemAttributes?: Record<string, EncodedAttribute>;
};

function encodeAttributes(attrs: MessageAttributes): Record<string, EncodedAttribute> {
  const out: Record<string, EncodedAttribute> = {};
  for (const [k, v] of Object.entries(attrs)) {
    out[k] = { DataType: v.DataType, StringValue: v.StringValue, BinaryValue: v.BinaryValue?.toString("base64") };
  }
  return out;
}

function decodeAttributes(attrs: Record<string, EncodedAttribute>): MessageAttributes {
  const out: MessageAttributes = {};
  for (const [k, v] of Object.entries(attrs)) {
    out[k] = {
      DataType: v.DataType,
      ...(v.StringValue !== undefined && { StringValue: v.StringValue }),
      ...(v.BinaryValue !== undefined && { BinaryValue: Buffer.from(v.BinaryValue, "base64") }),
    };
  }
  return out;
}
