import type { RowState, StateChange, StateRow } from "../core/row-state.js";
import { encodeMessage, key, type SqsModel, type SqsSnapshot, type StoredMessage } from "./model.js";
import type { Queue } from "./queue.js";

const QUEUE = "queue";
const MESSAGE = "message";

type QueueRow = Omit<SqsSnapshot["queues"][number], "messages">;

function queueRow(q: Queue): string {
  const row: QueueRow = { name: q.name, region: q.region, attributes: q.settings.raw, tags: q.tags, createdAt: q.createdAt, lastModifiedAt: q.lastModifiedAt };
  return JSON.stringify(row);
}

/**
 * SQS state as rows: one per queue (its settings and tags) and one per
 * message, keyed by the queue's `<region>/<name>`. The queue tells which
 * messages changed; a commit writes those and the queues whose row differs.
 */
export class SqsRowState implements RowState {
  private messages = new Map<Queue, Set<string>>();
  private purged = new Set<Queue>();
  /** the row last written for each queue, and which queue object it was (a queue deleted and created again is another) */
  private readonly written = new Map<string, { queue: Queue; text: string }>();

  constructor(private readonly model: SqsModel) {}

  load(rows: readonly StateRow[]): void {
    const queues = new Map<string, SqsSnapshot["queues"][number]>();
    for (const row of rows) {
      if (row.kind !== QUEUE) continue;
      queues.set(row.key, { ...(parse(row) as QueueRow), messages: [] });
    }
    for (const row of rows) {
      if (row.kind === QUEUE) continue;
      if (row.kind !== MESSAGE) throw new Error(`SQS row of unknown kind ${JSON.stringify(row.kind)}`);
      const q = queues.get(row.parent);
      if (!q) throw new Error(`SQS message ${row.key} belongs to queue ${row.parent}, which is not stored`);
      q.messages.push(parse(row) as StoredMessage);
    }
    // model.restore checks every field and throws on the wrong shape.
    this.model.restore({ version: 1, queues: [...queues.values()] } satisfies SqsSnapshot);
    for (const [k, q] of this.model.everyQueue()) this.written.set(k, { queue: q, text: queueRow(q) });
    this.model.changes = {
      messageChanged: (queue, id) => {
        let ids = this.messages.get(queue);
        if (!ids) this.messages.set(queue, (ids = new Set()));
        ids.add(id);
      },
      purged: (queue) => {
        this.messages.delete(queue);
        this.purged.add(queue);
      },
    };
  }

  all(): StateChange[] {
    this.written.clear();
    this.messages.clear();
    this.purged.clear();
    const out: StateChange[] = [];
    for (const [k, q] of this.model.everyQueue()) {
      out.push({ op: "drop", kind: MESSAGE, parent: k });
      const text = queueRow(q);
      out.push({ op: "put", kind: QUEUE, parent: "", key: k, value: text });
      this.written.set(k, { queue: q, text });
      for (const m of q.messages.values()) out.push({ op: "put", kind: MESSAGE, parent: k, key: m.id, value: JSON.stringify(encodeMessage(q.save(m))) });
    }
    return out;
  }

  drain(): StateChange[] {
    const out: StateChange[] = [];
    const current = this.model.everyQueue();
    for (const [k, w] of this.written) {
      if (current.get(k) === w.queue) continue;
      out.push({ op: "delete", kind: QUEUE, parent: "", key: k }, { op: "drop", kind: MESSAGE, parent: k });
      this.written.delete(k);
    }
    for (const q of this.purged) {
      const k = key(q.region, q.name);
      if (current.get(k) === q) out.push({ op: "drop", kind: MESSAGE, parent: k });
    }
    for (const [k, q] of current) {
      const text = queueRow(q);
      if (this.written.get(k)?.text === text) continue;
      out.push({ op: "put", kind: QUEUE, parent: "", key: k, value: text });
      this.written.set(k, { queue: q, text });
    }
    for (const [q, ids] of this.messages) {
      const k = key(q.region, q.name);
      if (current.get(k) !== q) continue;
      for (const id of ids) {
        const m = q.messages.get(id);
        out.push(m ? { op: "put", kind: MESSAGE, parent: k, key: id, value: JSON.stringify(encodeMessage(q.save(m))) } : { op: "delete", kind: MESSAGE, parent: k, key: id });
      }
    }
    this.messages = new Map();
    this.purged = new Set();
    return out;
  }
}

function parse(row: StateRow): unknown {
  try {
    return JSON.parse(row.value);
  } catch (err) {
    throw new Error(`SQS ${row.kind} ${row.key} is not valid JSON (${(err as Error).message})`);
  }
}
