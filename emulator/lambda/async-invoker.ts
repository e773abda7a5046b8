import type { LambdaErrorPayload } from "./runtime/worker-protocol.js";

/** The record Lambda sends to an on-failure destination (and our failure hook). */
export interface AsyncInvocationRecord {
  version: "1.0";
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: "RetriesExhausted" | "EventAgeExceeded";
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload?: unknown;
}

export interface AsyncFailure {
  functionName: string;
  requestId: string;
  /** the event as sent */
  payload: string;
  error: LambdaErrorPayload;
  /** DeadLetterConfig.TargetArn of the function, if set: deliver `payload` there */
  deadLetterTargetArn?: string;
  /** the destination record for an OnFailure destination */
  record: AsyncInvocationRecord;
}

export interface EventInvokeSettings {
  /** 0 to 2, default 2 */
  maximumRetryAttempts: number;
  /** 60 to 21600, default 21600 */
  maximumEventAgeInSeconds: number;
}

export const DEFAULT_EVENT_INVOKE_SETTINGS: EventInvokeSettings = { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21_600 };

/** Lambda waits about one minute, then two, between attempts of an asynchronous invocation. */
export const AWS_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];

/** How the queue reaches the function and learns its settings at each attempt. */
export interface AsyncTarget {
  /** runs one attempt synchronously; throws only when the function cannot be reached (deleted, throttled) */
  run(requestId: string, payload: string): Promise<{ error?: LambdaErrorPayload }>;
  /** current settings, or undefined once the function is gone */
  settings(): (EventInvokeSettings & { functionArn: string; deadLetterTargetArn?: string }) | undefined;
}

interface QueuedEvent {
  functionName: string;
  requestId: string;
  payload: string;
  enqueuedAt: number;
  attempts: number;
  target: AsyncTarget;
}

/**
 * Asynchronous (Event) invocations: accepted at once, run in the background,
 * retried on function error after Lambda's delays, handed to the failure
 * hook when retries or the event's age run out.
 */
export class AsyncInvoker {
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly retryDelaysMs: readonly number[],
    private readonly onFailure: (failure: AsyncFailure) => void,
  ) {}

  enqueue(functionName: string, requestId: string, payload: string, target: AsyncTarget): void {
    this.schedule({ functionName, requestId, payload, enqueuedAt: Date.now(), attempts: 0, target }, 0);
  }

  /** pending events (waiting or running) */
  get pending(): number {
    return this.inFlight;
  }

  /** Resolves once no event is waiting or running. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.inFlight = 0;
    this.settle();
  }

  private schedule(event: QueuedEvent, delayMs: number): void {
    if (this.closed) return;
    this.inFlight++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(event).finally(() => {
        // close() may already have zeroed the count.
        this.inFlight = Math.max(0, this.inFlight - 1);
        this.settle();
      });
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(event: QueuedEvent): Promise<void> {
    const settings = event.target.settings();
    if (!settings || this.closed) return;
    if (Date.now() - event.enqueuedAt > settings.maximumEventAgeInSeconds * 1000) {
      this.fail(event, settings, { errorMessage: "Event age exceeded MaximumEventAgeInSeconds" }, "EventAgeExceeded");
      return;
    }
    event.attempts++;
    let error: LambdaErrorPayload | undefined;
    try {
      ({ error } = await event.target.run(event.requestId, event.payload));
    } catch (err) {
      // Throttled or briefly unreachable: Lambda keeps the event and tries again later.
      error = { errorType: (err as Error).name, errorMessage: (err as Error).message };
      if (event.target.settings()) {
        event.attempts--;
        this.schedule(event, 1_000);
      }
      return;
    }
    if (!error) return;
    if (event.attempts <= settings.maximumRetryAttempts) {
      this.schedule(event, this.retryDelaysMs[Math.min(event.attempts - 1, this.retryDelaysMs.length - 1)] ?? 0);
      return;
    }
    this.fail(event, settings, error, "RetriesExhausted");
  }

  private fail(
    event: QueuedEvent,
    settings: { functionArn: string; deadLetterTargetArn?: string },
    error: LambdaErrorPayload,
    condition: AsyncInvocationRecord["requestContext"]["condition"],
  ): void {
    let requestPayload: unknown = event.payload;
    try {
      requestPayload = JSON.parse(event.payload);
    } catch {
      // kept as text
    }
    this.onFailure({
      functionName: event.functionName,
      requestId: event.requestId,
      payload: event.payload,
      error,
      deadLetterTargetArn: settings.deadLetterTargetArn,
      record: {
        version: "1.0",
        timestamp: new Date().toISOString(),
        requestContext: {
          requestId: event.requestId,
          functionArn: `${settings.functionArn}:$LATEST`,
          condition,
          approximateInvokeCount: event.attempts,
        },
        requestPayload,
        responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
        responsePayload: error,
      },
    });
  }

  private settle(): void {
    if (this.inFlight > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
