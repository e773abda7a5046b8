import type { CallContext } from "../core/service.js";
import { AwsError } from "../core/aws-error.js";
import { invalidAttributeName, nonExistentQueue } from "./errors.js";
import {
  type Input,
  objectList,
  optionalInt,
  optionalString,
  requiredInt,
  requiredString,
  stringList,
  stringMap,
  unsupported,
} from "./input.js";
import { readNewMessage } from "./message-input.js";
import type { SqsModel } from "./model.js";
import type { Queue } from "./queue.js";
import { isKnownAttribute, MAX_MESSAGE_BYTES, READ_ONLY_ATTRIBUTES } from "./queue-settings.js";
import { messageOutput, selectAttributes } from "./received-output.js";

/** What every operation gets besides its input: the caller, and a way to learn that the client went away. */
export interface SqsCall {
  ctx: CallContext;
  /** registers `listener` to run if the client hangs up before the reply is sent */
  onClientGone?: (listener: () => void) => void;
}

export type SqsOperation = (model: SqsModel, input: Input, call: SqsCall) => unknown;

const MAX_BATCH = 10;
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;

export function queueUrl(ctx: CallContext, queue: Queue): string {
  return `${ctx.baseUrl}/${ctx.accountId}/${queue.name}`;
}

/** The queue a QueueUrl names. Any host is accepted (clients reach us by many names); account and name must match. */
export function queueFromUrl(model: SqsModel, ctx: CallContext, url: string): Queue {
  const scheme = url.indexOf("://");
  const pathStart = scheme < 0 ? 0 : url.indexOf("/", scheme + 3);
  const path = pathStart < 0 ? "" : url.slice(pathStart);
  const segments = path.split("?")[0]!.split("/").filter(Boolean);
  const name = segments[segments.length - 1];
  const account = segments[segments.length - 2];
  if (!name || (account !== undefined && account !== model.accountId)) throw nonExistentQueue();
  return model.requireQueue(ctx.region, name);
}

function queueOf(model: SqsModel, input: Input, call: SqsCall): Queue {
  return queueFromUrl(model, call.ctx, requiredString(input, "QueueUrl"));
}

function senderId(ctx: CallContext): string {
  return ctx.accessKeyId ?? ctx.accountId;
}

export const createQueue: SqsOperation = (model, input, { ctx }) => {
  const name = requiredString(input, "QueueName");
  const { queue } = model.createQueue(ctx.region, name, stringMap(input, "Attributes"), stringMap(input, "tags"));
  return { QueueUrl: queueUrl(ctx, queue) };
};

export const getQueueUrl: SqsOperation = (model, input, { ctx }) => {
  const name = requiredString(input, "QueueName");
  const owner = optionalString(input, "QueueOwnerAWSAccountId");
  if (owner !== undefined && owner !== model.accountId) throw nonExistentQueue();
  return { QueueUrl: queueUrl(ctx, model.requireQueue(ctx.region, name)) };
};

export const deleteQueue: SqsOperation = (model, input, call) => {
  model.deleteQueue(queueOf(model, input, call));
  return {};
};

export const listQueues: SqsOperation = (model, input, { ctx }) => {
  const prefix = optionalString(input, "QueueNamePrefix") ?? "";
  const max = optionalInt(input, "MaxResults", 1, 1000) ?? 1000;
  const token = optionalString(input, "NextToken");
  const after = token === undefined ? undefined : Buffer.from(token, "base64").toString("utf8");
  let queues = model.listQueues(ctx.region, prefix);
  if (after !== undefined) queues = queues.filter((q) => q.name > after);
  const page = queues.slice(0, max);
  const out: Record<string, unknown> = {};
  if (page.length > 0) out.QueueUrls = page.map((q) => queueUrl(ctx, q));
  if (input.MaxResults !== undefined && queues.length > max) {
    out.NextToken = Buffer.from(page[page.length - 1]!.name, "utf8").toString("base64");
  }
  return out;
};

export const getQueueAttributes: SqsOperation = (model, input, call) => {
  const queue = queueOf(model, input, call);
  const names = stringList(input, "AttributeNames");
  for (const n of names) if (n !== "All" && !isKnownAttribute(n)) throw invalidAttributeName(n);
  if (names.length === 0) return {};
  const all = names.includes("All");
  const counts = queue.approximateCounts();
  const values: Record<string, string> = {
    QueueArn: queue.arn,
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.notVisible),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
    LastModifiedTimestamp: String(Math.floor(queue.lastModifiedAt / 1000)),
    ...queue.settings.raw,
  };
  const Attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (all || names.includes(k)) Attributes[k] = v;
  return { Attributes };
};

export const setQueueAttributes: SqsOperation = (model, input, call) => {
  const queue = queueOf(model, input, call);
  const attributes = stringMap(input, "Attributes");
  for (const n of Object.keys(attributes)) {
    if ((READ_ONLY_ATTRIBUTES as readonly string[]).includes(n)) throw invalidAttributeName(n);
  }
  model.setAttributes(queue, attributes);
  return {};
};

export const sendMessage: SqsOperation = (model, input, call) => {
  const queue = queueOf(model, input, call);
  const msg = queue.send(readNewMessage(input, queue.settings.maximumMessageSize, senderId(call.ctx)));
  if (call.ctx.trace) model.onSent?.(queue, msg, call.ctx.trace);
  const out: Record<string, unknown> = { MessageId: msg.id, MD5OfMessageBody: msg.md5OfBody };
  if (msg.md5OfAttributes) out.MD5OfMessageAttributes = msg.md5OfAttributes;
  if (msg.md5OfSystemAttributes) out.MD5OfMessageSystemAttributes = msg.md5OfSystemAttributes;
  return out;
};

export const sendMessageBatch: SqsOperation = (model, input, call) => {
  const queue = queueOf(model, input, call);
  const entries = batchEntries(input);
  const total = entries.reduce((sum, e) => sum + rawEntrySize(e), 0);
  if (total > MAX_MESSAGE_BYTES) {
    throw new AwsError(
      "AWS.SimpleQueueService.BatchRequestTooLong",
      `Batch requests cannot be longer than ${MAX_MESSAGE_BYTES} bytes. You have sent ${total} bytes.`,
    );
  }
  return runBatch(entries, (e) => {
    const msg = queue.send(readNewMessage(e, queue.settings.maximumMessageSize, senderId(call.ctx)));
    if (call.ctx.trace) model.onSent?.(queue, msg, call.ctx.trace);
    const out: Record<string, unknown> = { Id: e.Id, MessageId: msg.id, MD5OfMessageBody: msg.md5OfBody };
    if (msg.md5OfAttributes) out.MD5OfMessageAttributes = msg.md5OfAttributes;
    if (msg.md5OfSystemAttributes) out.MD5OfMessageSystemAttributes = msg.md5OfSystemAttributes;
    return out;
  });
};

export const receiveMessage: SqsOperation = async (model, input, call) => {
  const queue = queueOf(model, input, call);
  const maxMessages =
    optionalInt(input, "MaxNumberOfMessages", 1, 10, "Must be between 1 and 10, if provided.") ?? 1;
  const visibilityTimeout = optionalInt(input, "VisibilityTimeout", 0, 43_200);
  const waitSeconds =
    optionalInt(input, "WaitTimeSeconds", 0, 20, "Must be >= 0 and <= 20, if provided.") ??
    queue.settings.receiveMessageWaitTimeSeconds;
  const selection = selectAttributes(
    [...stringList(input, "AttributeNames"), ...stringList(input, "MessageSystemAttributeNames")],
    stringList(input, "MessageAttributeNames"),
  );
  const received = await queue.receive({ maxMessages, visibilityTimeout, waitSeconds, onWait: call.onClientGone });
  if (received.length === 0) return {};
  return { Messages: received.map((r) => messageOutput(r, selection)) };
};

export const deleteMessage: SqsOperation = (model, input, call) => {
  const queue = queueOf(model, input, call);
  queue.deleteMessage(requiredString(input, "ReceiptHandle"));
  return {};
};

export const deleteMessageBatch: SqsOperation = (model, input, call) => {
  const queue = queueOf(model, input, call);
  return runBatch(batchEntries(input), (e) => {
    queue.deleteMessage(requiredString(e, "ReceiptHandle"));
    return { Id: e.Id };
  });
};

export const changeMessageVisibility: SqsOperation = (model, input, call) => {
  const queue = queueOf(model, input, call);
  const handle = requiredString(input, "ReceiptHandle");
  queue.changeVisibility(handle, requiredInt(input, "VisibilityTimeout", 0, 43_200));
  return {};
};

export const changeMessageVisibilityBatch: SqsOperation = (model, input, call) => {
  const queue = queueOf(model, input, call);
  return runBatch(batchEntries(input), (e) => {
    queue.changeVisibility(requiredString(e, "ReceiptHandle"), requiredInt(e, "VisibilityTimeout", 0, 43_200));
    return { Id: e.Id };
  });
};

export const purgeQueue: SqsOperation = (model, input, call) => {
  queueOf(model, input, call).purge();
  return {};
};

export const listDeadLetterSourceQueues: SqsOperation = (model, input, call) => {
  const queue = queueOf(model, input, call);
  return { queueUrls: model.deadLetterSources(queue).map((q) => queueUrl(call.ctx, q)) };
};

export const tagQueue: SqsOperation = (model, input, call) => {
  const queue = queueOf(model, input, call);
  Object.assign(queue.tags, stringMap(input, "Tags"));
  return {};
};

export const untagQueue: SqsOperation = (model, input, call) => {
  const queue = queueOf(model, input, call);
  for (const k of stringList(input, "TagKeys")) delete queue.tags[k];
  return {};
};

export const listQueueTags: SqsOperation = (model, input, call) => {
  const queue = queueOf(model, input, call);
  return Object.keys(queue.tags).length > 0 ? { Tags: { ...queue.tags } } : {};
};

/** Every action the SQS JSON API names; the ones we do not emulate fail at once with UnsupportedOperation. */
export const SQS_OPERATIONS: Record<string, SqsOperation> = {
  CreateQueue: createQueue,
  GetQueueUrl: getQueueUrl,
  DeleteQueue: deleteQueue,
  ListQueues: listQueues,
  GetQueueAttributes: getQueueAttributes,
  SetQueueAttributes: setQueueAttributes,
  SendMessage: sendMessage,
  SendMessageBatch: sendMessageBatch,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  DeleteMessageBatch: deleteMessageBatch,
  ChangeMessageVisibility: changeMessageVisibility,
  ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
  PurgeQueue: purgeQueue,
  ListDeadLetterSourceQueues: listDeadLetterSourceQueues,
  TagQueue: tagQueue,
  UntagQueue: untagQueue,
  ListQueueTags: listQueueTags,
  AddPermission: () => {
    throw unsupported("AddPermission (set the Policy attribute instead)");
  },
  RemovePermission: () => {
    throw unsupported("RemovePermission (set the Policy attribute instead)");
  },
  StartMessageMoveTask: () => {
    throw unsupported("StartMessageMoveTask");
  },
  CancelMessageMoveTask: () => {
    throw unsupported("CancelMessageMoveTask");
  },
  ListMessageMoveTasks: () => {
    throw unsupported("ListMessageMoveTasks");
  },
};

/** Batch-level checks AWS makes before looking at any entry. */
function batchEntries(input: Input): Input[] {
  const entries = objectList(input, "Entries");
  if (entries.length === 0) {
    throw new AwsError("AWS.SimpleQueueService.EmptyBatchRequest", "There should be at least one entry in the request.");
  }
  if (entries.length > MAX_BATCH) {
    throw new AwsError(
      "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
      `Maximum number of entries per request are ${MAX_BATCH}. You have sent ${entries.length}.`,
    );
  }
  const seen = new Set<string>();
  for (const e of entries) {
    const id = e.Id;
    if (typeof id !== "string" || !BATCH_ID.test(id)) {
      throw new AwsError(
        "AWS.SimpleQueueService.InvalidBatchEntryId",
        `A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long: ${JSON.stringify(id)}.`,
      );
    }
    if (seen.has(id)) throw new AwsError("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", `Id ${id} repeated.`);
    seen.add(id);
  }
  return entries;
}

/** Runs each entry on its own: one entry's error lands in Failed without stopping the others. */
function runBatch(entries: Input[], run: (e: Input) => Record<string, unknown>): Record<string, unknown> {
  const Successful: Record<string, unknown>[] = [];
  const Failed: Record<string, unknown>[] = [];
  for (const e of entries) {
    try {
      Successful.push(run(e));
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      Failed.push({ Id: e.Id, SenderFault: err.fault === "Sender", Code: err.code, Message: err.message });
    }
  }
  return { Successful, Failed };
}

/** An entry's body plus attribute bytes, read before validation so the batch limit is checked first, as AWS does. */
function rawEntrySize(e: Input): number {
  let size = typeof e.MessageBody === "string" ? Buffer.byteLength(e.MessageBody) : 0;
  const attrs = e.MessageAttributes;
  if (attrs && typeof attrs === "object") {
    for (const [name, v] of Object.entries(attrs as Record<string, Record<string, unknown>>)) {
      size += Buffer.byteLength(name);
      if (!v || typeof v !== "object") continue;
      if (typeof v.DataType === "string") size += Buffer.byteLength(v.DataType);
      if (typeof v.StringValue === "string") size += Buffer.byteLength(v.StringValue);
      if (typeof v.BinaryValue === "string") size += Math.floor((v.BinaryValue.length * 3) / 4);
    }
  }
  return size;
}
