import { parseTraceparent } from "./ids.js";
import { nowMs, type Span, type SpanContext } from "./span.js";
import type { Tracer } from "./tracer.js";

/** A message put in a queue by a traced step (an SNS fan-out): a PRODUCER span the consumer's spans follow. */
export function traceEnqueue(tracer: Tracer, parent: SpanContext, queueName: string, messageId: string): Span {
  const span = tracer.begin({
    parent,
    name: `SQS enqueue ${queueName}`,
    service: "sqs",
    operation: "SendMessage",
    kind: "producer",
    attributes: { "messaging.system": "aws_sqs", "messaging.destination.name": queueName, "messaging.message.id": messageId },
  });
  tracer.end(span);
  tracer.enqueued(messageId, span);
  return span;
}

/** What a consumer knows of a message it received: its id, when it was sent, its attributes. */
export interface ReceivedLike {
  id: string;
  sentAt: number;
  traceparent?: string;
  receiveCount: number;
}

/**
 * The wait of a message in its queue, from when it was sent (or last handed
 * out) until a consumer received it: a CONSUMER span, child of the span that
 * enqueued it, or in the trace its `traceparent` attribute names. A receive
 * after the first is a redelivery and says so. Undefined when the message
 * belongs to no trace.
 */
export function traceQueueWait(tracer: Tracer, queueName: string, m: ReceivedLike, receivedAt = nowMs()): Span | undefined {
  const from = tracer.enqueuedBy(m.id);
  const traceId = from?.traceId ?? parseTraceparent(m.traceparent)?.traceId;
  if (!traceId) return undefined;
  const redelivery = m.receiveCount > 1;
  const since = tracer.lastHandedOut(m.id) ?? (from ? from.startTime + from.durationMs : m.sentAt);
  tracer.handedOut(m.id, receivedAt);
  return tracer.record({
    parent: from,
    traceId,
    name: redelivery ? `SQS redelivery ${queueName} (receive ${m.receiveCount})` : `SQS wait in ${queueName}`,
    service: "sqs",
    operation: "ReceiveMessage",
    kind: "consumer",
    startTime: Math.min(since, receivedAt),
    endTime: receivedAt,
    attributes: { "messaging.system": "aws_sqs", "messaging.destination.name": queueName, "messaging.message.id": m.id, "messaging.aws_sqs.receive_count": m.receiveCount },
  });
}

/** A message moved to its dead-letter queue after maxReceiveCount receives. */
export function traceDeadLetter(tracer: Tracer, fromQueue: string, toQueue: string, m: ReceivedLike): void {
  const from = tracer.enqueuedBy(m.id);
  const traceId = from?.traceId ?? parseTraceparent(m.traceparent)?.traceId;
  if (!traceId) return;
  const at = nowMs();
  tracer.record({
    parent: from,
    traceId,
    name: `SQS dead-letter ${fromQueue} to ${toQueue}`,
    service: "sqs",
    operation: "DeadLetter",
    kind: "producer",
    startTime: at,
    endTime: at,
    status: "error",
    attributes: { "messaging.system": "aws_sqs", "messaging.destination.name": toQueue, "messaging.message.id": m.id, "messaging.aws_sqs.receive_count": m.receiveCount, "movies.source_queue": fromQueue },
  });
  tracer.dequeued(m.id);
}
