import { randomUUID } from "node:crypto";
import { DueHeap } from "./due-heap.js";
import { messageNotInflight, receiptHandleIsInvalid } from "./errors.js";
import { md5OfAttributes, md5OfBody, type MessageAttributes } from "./md5.js";
import type { QueueSettings } from "./queue-settings.js";
import { ReadyQueue } from "./ready-queue.js";

const READY = 0;
const DELAYED = 1;
const INFLIGHT = 2;
const GONE = 3;
type MessageState = typeof READY | typeof DELAYED | typeof INFLIGHT | typeof GONE;

/** One message as the queue holds it. `gen` changes on every state change (see DueHeap). */
export interface SqsMessage {
  id: string;
  body: string;
  md5OfBody: string;
  attributes?: MessageAttributes;
  md5OfAttributes?: string;
  systemAttributes?: MessageAttributes;
  md5OfSystemAttributes?: string;
  senderId: string;
  sentAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  state: MessageState;
  visibleAt: number;
  /** ARN of the queue this message was redriven from, when it sits in a dead-letter queue */
  deadLetterSourceArn?: string;
  /** token of the latest receive; only its receipt handle may delete or change the message */
  receipt?: string;
  gen: number;
}

export interface NewMessage {
  body: string;
  attributes?: MessageAttributes;
  systemAttributes?: MessageAttributes;
  delaySeconds?: number;
  senderId: string;
}

/** What a snapshot keeps of a message. */
export interface SavedMessage {
  id: string;
  body: string;
  attributes?: MessageAttributes;
  systemAttributes?: MessageAttributes;
  senderId: string;
  sentAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  delayedUntil?: number;
  deadLetterSourceArn?: string;
}

/** A message as one receive handed it out (the counters are those of that receive). */
export interface ReceivedMessage {
  message: SqsMessage;
  receiptHandle: string;
  receiveCount: number;
  firstReceiveAt: number;
}

export interface ReceiveOptions {
  /** 1-10 */
  maxMessages: number;
  /** seconds; the queue's VisibilityTimeout when undefined */
  visibilityTimeout?: number;
  /** seconds to wait for a message when none is visible; 0 answers at once */
  waitSeconds: number;
  /** ends a long poll early (in-process callers) */
  signal?: AbortSignal;
  /**
   * Called only if the receive has to wait, with a function that ends the wait
   * early; lets the HTTP layer watch for a client hanging up without paying for
   * it on receives that answer at once.
   */
  onWait?: (cancel: () => void) => void;
}

export interface QueueCounts {
  visible: number;
  notVisible: number;
  delayed: number;
}

/** Where a queue sends messages that exceeded maxReceiveCount, and who hears what changed (the state store, with a state dir). */
export interface DeadLetterRouter {
  queueByArn(arn: string): Queue | undefined;
  /** a message was added, received (its counters changed) or removed */
  messageChanged?(queue: Queue, messageId: string): void;
  /** every message of the queue was removed */
  purged?(queue: Queue): void;
  /** a message exceeded maxReceiveCount and moved to `to` */
  deadLettered?(from: Queue, message: SqsMessage, to: Queue): void;
}

interface Waiter {
  max: number;
  visibilityTimeout: number;
  resolve(messages: ReceivedMessage[]): void;
  timer?: NodeJS.Timeout;
  onAbort?: () => void;
  signal?: AbortSignal;
}

/** Receipt tokens stay unique across restarts of the process (old handles must never match new receives). */
const BOOT = randomUUID().slice(0, 8);
let receiptSeq = 0;

/** Expired messages are swept from the whole queue at most this often (receives drop them as they meet them). */
const EXPIRY_SWEEP_MS = 1000;

/**
 * A standard SQS queue: visible, delayed and in-flight messages, visibility
 * timeouts kept lazily in a due-time heap, long-poll waiters woken the moment
 * a message becomes visible, redrive after maxReceiveCount, retention expiry.
 */
export class Queue {
  readonly messages = new Map<string, SqsMessage>();
  private readonly ready = new ReadyQueue<SqsMessage>();
  private readonly due = new DueHeap<SqsMessage>();
  private readonly waiters: Waiter[] = [];
  private wakeTimer?: NodeJS.Timeout;
  private wakeAt = Infinity;
  private nextSweepAt = 0;
  /** set while handing messages to waiters: a redrive cycle must not re-enter wake() */
  private waking = false;
  private counts = { ready: 0, delayed: 0, inflight: 0 };
  deleted = false;

  constructor(
    readonly name: string,
    readonly region: string,
    readonly arn: string,
    public settings: QueueSettings,
    readonly createdAt: number,
    public lastModifiedAt: number,
    public tags: Record<string, string>,
    private readonly deadLetters: DeadLetterRouter,
  ) {}

  send(input: NewMessage, now = Date.now()): SqsMessage {
    const msg = buildMessage(randomUUID(), input, now);
    const delay = input.delaySeconds ?? this.settings.delaySeconds;
    this.messages.set(msg.id, msg);
    if (delay > 0) this.schedule(msg, DELAYED, now + delay * 1000);
    else this.makeReady(msg);
    this.deadLetters.messageChanged?.(this, msg.id);
    return msg;
  }

  /** Takes a message moved here from another queue's redrive, keeping its identity and sent time. */
  adopt(from: SqsMessage, sourceArn: string): void {
    const msg: SqsMessage = {
      ...from,
      receiveCount: 0,
      firstReceiveAt: undefined,
      receipt: undefined,
      gen: 0,
      state: READY,
      deadLetterSourceArn: sourceArn,
    };
    this.messages.set(msg.id, msg);
    this.makeReady(msg);
    this.deadLetters.messageChanged?.(this, msg.id);
  }

  /** Receives at once when messages are visible; otherwise waits up to `waitSeconds` for one. */
  receive(opts: ReceiveOptions, now = Date.now()): Promise<ReceivedMessage[]> {
    const visibilityTimeout = opts.visibilityTimeout ?? this.settings.visibilityTimeout;
    const got = this.take(opts.maxMessages, visibilityTimeout, now);
    if (got.length > 0 || opts.waitSeconds <= 0 || this.deleted || opts.signal?.aborted) return Promise.resolve(got);
    return new Promise((resolve) => {
      const waiter: Waiter = { max: opts.maxMessages, visibilityTimeout, resolve };
      const finish = (messages: ReceivedMessage[]): void => {
        if (waiter.timer) clearTimeout(waiter.timer);
        if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
        resolve(messages);
      };
      waiter.resolve = finish;
      waiter.timer = setTimeout(() => {
        this.removeWaiter(waiter);
        finish([]);
      }, opts.waitSeconds * 1000);
      if (opts.signal) {
        waiter.signal = opts.signal;
        waiter.onAbort = () => {
          this.removeWaiter(waiter);
          finish([]);
        };
        opts.signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.armWakeTimer(now);
      opts.onWait?.(() => {
        if (!this.waiters.includes(waiter)) return;
        this.removeWaiter(waiter);
        finish([]);
      });
    });
  }

  /** Deletes the message if `receiptHandle` is from its latest receive; an older handle is accepted and ignored, as on AWS. */
  deleteMessage(receiptHandle: string): void {
    const msg = this.messageFor(receiptHandle);
    if (!msg) return;
    const token = tokenOf(receiptHandle);
    if (msg.receipt !== token) return;
    this.remove(msg);
  }

  changeVisibility(receiptHandle: string, timeoutSeconds: number, now = Date.now()): void {
    const msg = this.messageFor(receiptHandle);
    if (!msg) throw receiptHandleIsInvalid(receiptHandle);
    this.promote(now);
    if (msg.state !== INFLIGHT || msg.receipt !== tokenOf(receiptHandle)) throw messageNotInflight();
    if (timeoutSeconds <= 0) {
      this.counts.inflight--;
      this.makeReady(msg);
      return;
    }
    this.counts.inflight--;
    this.schedule(msg, INFLIGHT, now + timeoutSeconds * 1000);
  }

  purge(): void {
    for (const msg of this.messages.values()) {
      msg.state = GONE;
      msg.gen++;
    }
    this.messages.clear();
    this.deadLetters.purged?.(this);
    this.ready.clear();
    this.due.clear();
    this.counts = { ready: 0, delayed: 0, inflight: 0 };
  }

  approximateCounts(now = Date.now()): QueueCounts {
    this.promote(now);
    this.sweepExpired(now);
    return { visible: this.counts.ready, notVisible: this.counts.inflight, delayed: this.counts.delayed };
  }

  /** Puts back a message from a snapshot: visible, or delayed until `delayedUntil`; never in flight. */
  restoreMessage(saved: SavedMessage, now = Date.now()): void {
    const msg = buildMessage(saved.id, saved, saved.sentAt);
    msg.receiveCount = saved.receiveCount;
    msg.firstReceiveAt = saved.firstReceiveAt;
    msg.deadLetterSourceArn = saved.deadLetterSourceArn;
    this.messages.set(msg.id, msg);
    if (saved.delayedUntil !== undefined && saved.delayedUntil > now) this.schedule(msg, DELAYED, saved.delayedUntil);
    else this.makeReady(msg);
  }

  /** The message as a snapshot keeps it. */
  save(msg: SqsMessage): SavedMessage {
    return {
      id: msg.id,
      body: msg.body,
      attributes: msg.attributes,
      systemAttributes: msg.systemAttributes,
      senderId: msg.senderId,
      sentAt: msg.sentAt,
      receiveCount: msg.receiveCount,
      firstReceiveAt: msg.firstReceiveAt,
      delayedUntil: msg.state === DELAYED ? msg.visibleAt : undefined,
      deadLetterSourceArn: msg.deadLetterSourceArn,
    };
  }

  /** Ends the queue: pending long polls return empty, timers stop. */
  close(): void {
    this.deleted = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    for (const waiter of this.waiters.splice(0)) waiter.resolve([]);
  }

  sweepExpired(now = Date.now()): void {
    if (now < this.nextSweepAt) return;
    this.nextSweepAt = now + EXPIRY_SWEEP_MS;
    const oldestAllowed = now - this.settings.messageRetentionPeriod * 1000;
    for (const msg of this.messages.values()) if (msg.sentAt <= oldestAllowed) this.remove(msg);
  }

  private take(max: number, visibilityTimeout: number, now: number): ReceivedMessage[] {
    this.promote(now);
    const out: ReceivedMessage[] = [];
    if (this.counts.ready === 0) return out;
    const oldestAllowed = now - this.settings.messageRetentionPeriod * 1000;
    const redrive = this.settings.redrivePolicy;
    while (out.length < max) {
      const msg = this.ready.shift();
      if (!msg) break;
      if (msg.state !== READY) continue;
      this.counts.ready--;
      if (msg.sentAt <= oldestAllowed) {
        this.forget(msg);
        continue;
      }
      if (redrive && msg.receiveCount >= redrive.maxReceiveCount) {
        const dlq = this.deadLetters.queueByArn(redrive.deadLetterTargetArn);
        if (dlq && dlq !== this && !dlq.deleted) {
          this.forget(msg);
          dlq.adopt(msg, this.arn);
          this.deadLetters.deadLettered?.(this, msg, dlq);
          continue;
        }
      }
      msg.receiveCount++;
      msg.firstReceiveAt ??= now;
      const token = `${BOOT}${(++receiptSeq).toString(36)}`;
      msg.receipt = token;
      this.schedule(msg, INFLIGHT, now + visibilityTimeout * 1000);
      // The receive count must survive a restart: redrive to the dead-letter queue depends on it.
      this.deadLetters.messageChanged?.(this, msg.id);
      out.push({
        message: msg,
        receiptHandle: Buffer.from(`${this.arn} ${msg.id} ${token}`).toString("base64"),
        receiveCount: msg.receiveCount,
        firstReceiveAt: msg.firstReceiveAt,
      });
    }
    return out;
  }

  private messageFor(receiptHandle: string): SqsMessage | undefined {
    const parts = decodeReceipt(receiptHandle);
    if (!parts || parts[0] !== this.arn) throw receiptHandleIsInvalid(receiptHandle);
    return this.messages.get(parts[1]);
  }

  private makeReady(msg: SqsMessage): void {
    msg.state = READY;
    msg.gen++;
    this.counts.ready++;
    this.ready.push(msg);
    if (this.waiters.length > 0) this.wake(Date.now());
  }

  private schedule(msg: SqsMessage, state: typeof DELAYED | typeof INFLIGHT, at: number): void {
    msg.state = state;
    msg.gen++;
    msg.visibleAt = at;
    if (state === DELAYED) this.counts.delayed++;
    else this.counts.inflight++;
    this.due.push(msg, at);
    if (this.waiters.length > 0 && at < this.wakeAt) this.armWakeTimer(Date.now());
  }

  /** Moves every delayed or in-flight message whose time has come back to visible. */
  private promote(now: number): void {
    this.due.popDue(now, (msg) => {
      if (msg.state === DELAYED) this.counts.delayed--;
      else this.counts.inflight--;
      msg.state = READY;
      msg.gen++;
      this.counts.ready++;
      this.ready.push(msg);
    });
  }

  private remove(msg: SqsMessage): void {
    if (msg.state === READY) this.counts.ready--;
    else if (msg.state === DELAYED) this.counts.delayed--;
    else if (msg.state === INFLIGHT) this.counts.inflight--;
    this.forget(msg);
    // Deleted in-flight messages leave heap entries until their timeout; with long timeouts, reclaim them in bulk.
    if (this.due.size > 1024 && this.due.size > 4 * (this.counts.delayed + this.counts.inflight)) this.due.compact();
  }

  /** Drops a message whose counters were already adjusted. */
  private forget(msg: SqsMessage): void {
    msg.state = GONE;
    msg.gen++;
    this.messages.delete(msg.id);
    this.deadLetters.messageChanged?.(this, msg.id);
  }

  private wake(now: number): void {
    if (this.waking) return;
    this.waking = true;
    try {
      while (this.waiters.length > 0 && this.counts.ready > 0) {
        const waiter = this.waiters.shift()!;
        const got = this.take(waiter.max, waiter.visibilityTimeout, now);
        if (got.length === 0) {
          this.waiters.unshift(waiter);
          break;
        }
        waiter.resolve(got);
      }
    } finally {
      this.waking = false;
    }
    this.armWakeTimer(now);
  }

  /** Keeps one timer for the earliest delayed or in-flight message while someone is waiting. */
  private armWakeTimer(now: number): void {
    const at = this.waiters.length > 0 ? this.due.peekAt() : undefined;
    if (at === undefined) {
      if (this.wakeTimer) clearTimeout(this.wakeTimer);
      this.wakeTimer = undefined;
      this.wakeAt = Infinity;
      return;
    }
    if (this.wakeTimer && this.wakeAt <= at) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = Infinity;
      const t = Date.now();
      this.promote(t);
      this.wake(t);
    }, Math.max(0, at - now));
  }

  private removeWaiter(waiter: Waiter): void {
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) this.waiters.splice(i, 1);
    if (this.waiters.length === 0) this.armWakeTimer(Date.now());
  }
}

function buildMessage(id: string, input: Omit<NewMessage, "delaySeconds">, sentAt: number): SqsMessage {
  const msg: SqsMessage = {
    id,
    body: input.body,
    md5OfBody: md5OfBody(input.body),
    senderId: input.senderId,
    sentAt,
    receiveCount: 0,
    state: READY,
    visibleAt: sentAt,
    gen: 0,
  };
  if (input.attributes && Object.keys(input.attributes).length > 0) {
    msg.attributes = input.attributes;
    msg.md5OfAttributes = md5OfAttributes(input.attributes);
  }
  if (input.systemAttributes && Object.keys(input.systemAttributes).length > 0) {
    msg.systemAttributes = input.systemAttributes;
    msg.md5OfSystemAttributes = md5OfAttributes(input.systemAttributes);
  }
  return msg;
}

function decodeReceipt(handle: string): [string, string, string] | undefined {
  if (typeof handle !== "string" || handle.length === 0 || handle.length > 2048) return undefined;
  const parts = Buffer.from(handle, "base64").toString("utf8").split(" ");
  return parts.length === 3 ? (parts as [string, string, string]) : undefined;
}

function tokenOf(handle: string): string | undefined {
  return decodeReceipt(handle)?.[2];
}
