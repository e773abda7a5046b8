import type { ReceivedMessage } from "../sqs/queue.js";

/** One SQS record exactly as Lambda's event source mapping delivers it. */
export function sqsRecord(m: ReceivedMessage, queueArn: string, region: string): Record<string, unknown> {
  const msg = m.message;
  const messageAttributes: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(msg.attributes ?? {})) {
    messageAttributes[name] = {
      ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
      ...(v.BinaryValue !== undefined ? { binaryValue: v.BinaryValue.toString("base64") } : {}),
      stringListValues: [],
      binaryListValues: [],
      dataType: v.DataType,
    };
  }
  const attributes: Record<string, string> = {
    ApproximateReceiveCount: String(m.receiveCount),
    SentTimestamp: String(msg.sentAt),
    SenderId: msg.senderId,
    ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt),
  };
  const trace = msg.systemAttributes?.AWSTraceHeader?.StringValue;
  if (trace) attributes.AWSTraceHeader = trace;
  if (msg.deadLetterSourceArn) attributes.DeadLetterQueueSourceArn = msg.deadLetterSourceArn;
  return {
    messageId: msg.id,
    receiptHandle: m.receiptHandle,
    body: msg.body,
    attributes,
    messageAttributes,
    md5OfBody: msg.md5OfBody,
    ...(msg.md5OfAttributes ? { md5OfMessageAttributes: msg.md5OfAttributes } : {}),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/**
 * Which messages of a batch to keep for a retry, given the function's answer,
 * with Lambda's ReportBatchItemFailures rules: a function error fails the whole
 * batch; an empty or absent list means all succeeded; an entry that is not an
 * object with a messageId of this batch fails the whole batch.
 */
export function failedMessageIds(ids: readonly string[], result: { payload: string; functionError?: string }, reportsItemFailures: boolean): Set<string> {
  const all = new Set(ids);
  if (result.functionError) return all;
  if (!reportsItemFailures) return new Set();
  let parsed: unknown;
  try {
    parsed = result.payload === "" ? null : JSON.parse(result.payload);
  } catch {
    return all;
  }
  if (parsed === null || parsed === undefined || typeof parsed !== "object") return new Set();
  const failures = (parsed as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const failed = new Set<string>();
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== "string" || id === "" || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
}
