import type { SqsModel } from "../sqs/model.js";
import type { Queue, SqsMessage } from "../sqs/queue.js";
import { ConsoleError } from "./http.js";
import type { PeekedMessage, QueueSummary } from "./shapes.js";

export type { PeekedMessage, QueueSummary } from "./shapes.js";

const nameOfArn = (arn: string) => arn.slice(arn.lastIndexOf(":") + 1);

export function summarize(model: SqsModel, q: Queue): QueueSummary {
  const c = q.approximateCounts();
  const redrive = q.settings.redrivePolicy;
  return {
    name: q.name,
    arn: q.arn,
    visible: c.visible,
    inFlight: c.notVisible,
    delayed: c.delayed,
    deadLetterSources: model.deadLetterSources(q).map((s) => s.name),
    ...(redrive && { deadLetterTarget: nameOfArn(redrive.deadLetterTargetArn), maxReceiveCount: redrive.maxReceiveCount }),
  };
}

export function listQueues(model: SqsModel, region: string): QueueSummary[] {
  return model.listQueues(region).map((q) => summarize(model, q));
}

export function requireQueue(model: SqsModel, region: string, name: string): Queue {
  const q = model.getQueue(region, name);
  if (!q) throw new ConsoleError(404, `no queue named ${name} in ${region}`);
  return q;
}

function stateOf(m: SqsMessage, now: number): PeekedMessage["state"] {
  if (m.receipt !== undefined && m.visibleAt > now) return "in flight";
  if (m.visibleAt > now) return "delayed";
  return "visible";
}

/**
 * Reads messages without receiving them: no receive count, visibility or
 * receipt changes, so the consumers see the queue exactly as before.
 */
export function peek(q: Queue, offset: number, limit: number): { total: number; messages: PeekedMessage[] } {
  const now = Date.now();
  const messages: PeekedMessage[] = [];
  let i = 0;
  for (const m of q.messages.values()) {
    if (i++ < offset) continue;
    if (messages.length >= limit) break;
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.attributes ?? {})) attributes[k] = v.StringValue ?? `(${v.DataType})`;
    messages.push({
      messageId: m.id,
      body: m.body,
      sentAt: m.sentAt,
      receiveCount: m.receiveCount,
      state: stateOf(m, now),
      attributes,
      ...(m.deadLetterSourceArn && { deadLetterSourceArn: m.deadLetterSourceArn }),
    });
  }
  return { total: q.messages.size, messages };
}

/**
 * Moves every visible message of a dead-letter queue back to the queue it
 * came from, as SQS's StartMessageMoveTask does: each is received from the
 * DLQ, sent to its source with its body and attributes, then deleted from the
 * DLQ, so a failure half-way leaves it in the DLQ, never lost.
 */
export async function redrive(model: SqsModel, dlq: Queue): Promise<{ moved: number; to: string[]; left: number }> {
  const sources = model.deadLetterSources(dlq);
  if (sources.length === 0) throw new ConsoleError(409, `${dlq.name} is no queue's dead-letter queue: there is nowhere to move its messages`);
  const to = new Set<string>();
  const skipped: string[] = [];
  let moved = 0;
  // Only what is there now: a message that fails again and comes back is not moved twice.
  let budget = dlq.approximateCounts().visible;
  try {
    while (budget > 0) {
      const batch = await dlq.receive({ maxMessages: Math.min(10, budget), visibilityTimeout: 60, waitSeconds: 0 });
      if (batch.length === 0) break;
      budget -= batch.length;
      for (const r of batch) {
        const m = r.message;
        const target = (m.deadLetterSourceArn && model.queueByArn(m.deadLetterSourceArn)) || (sources.length === 1 ? sources[0] : undefined);
        if (!target) {
          skipped.push(r.receiptHandle);
          continue;
        }
        target.send({ body: m.body, attributes: m.attributes, senderId: m.senderId });
        dlq.deleteMessage(r.receiptHandle);
        to.add(target.name);
        moved++;
      }
    }
  } finally {
    // Messages with no known source stay in the DLQ, visible again at once.
    for (const handle of skipped) dlq.changeVisibility(handle, 0);
  }
  return { moved, to: [...to], left: skipped.length };
}
