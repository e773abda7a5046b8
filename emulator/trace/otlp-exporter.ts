import { toOtlpJson } from "./otlp.js";
import type { Span } from "./span.js";

export interface OtlpExporterOptions {
  /** the collector's base URL (`http://127.0.0.1:4318`); spans go to `<endpoint>/v1/traces` */
  endpoint: string;
  /** spans waiting to be sent beyond which new ones are dropped (default 4096) */
  maxQueue?: number;
  /** spans per request (default 512) */
  maxBatch?: number;
  /** how long a finished span may wait for others to share its request (default 200 ms) */
  delayMs?: number;
  /** a request the collector refused or that did not arrive; told once per run of failures, not per batch */
  onError?: (err: Error) => void;
  resource?: Record<string, string>;
}

export interface ExporterStats {
  endpoint: string;
  sent: number;
  /** dropped because the queue was full (the collector is slower than the cloud, or down) */
  dropped: number;
  /** lost in requests that failed */
  failed: number;
  queued: number;
}

/** The OTLP/HTTP traces URL of an endpoint, as OTEL_EXPORTER_OTLP_ENDPOINT is read: `/v1/traces` is appended unless it is there. */
export function tracesUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`the OTLP endpoint must be an http(s) URL such as http://127.0.0.1:4318, got ${JSON.stringify(endpoint)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`the OTLP endpoint must be an http(s) URL such as http://127.0.0.1:4318, got ${JSON.stringify(endpoint)}`);
  const base = url.href.replace(/\/+$/, "");
  return base.endsWith("/v1/traces") ? base : `${base}/v1/traces`;
}

/**
 * Sends finished spans to an OpenTelemetry collector (Jaeger, Tempo, the
 * collector) as OTLP/HTTP JSON, batched, one request at a time. Offering a
 * span never waits: past the queue's bound the span is dropped and counted,
 * so a slow or absent collector costs the cloud nothing but those spans.
 */
export class OtlpExporter {
  readonly url: string;
  private queue: Span[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private closed = false;
  private failing = false;
  private readonly counts = { sent: 0, dropped: 0, failed: 0 };
  private readonly maxQueue: number;
  private readonly maxBatch: number;
  private readonly delayMs: number;

  constructor(private readonly opts: OtlpExporterOptions) {
    this.url = tracesUrl(opts.endpoint);
    this.maxQueue = opts.maxQueue ?? 4096;
    this.maxBatch = opts.maxBatch ?? 512;
    this.delayMs = opts.delayMs ?? 200;
  }

  offer(span: Span): void {
    if (this.closed) return;
    if (this.queue.length >= this.maxQueue) {
      this.counts.dropped++;
      return;
    }
    this.queue.push(span);
    if (this.sending) return;
    if (this.queue.length >= this.maxBatch) this.kick(0);
    else this.kick(this.delayMs);
  }

  /** Sends everything queued; resolves when the queue is empty or the last request failed. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.sending || this.queue.length > 0) {
      if (this.sending) await this.sending;
      else this.sendNext();
    }
  }

  /** Sends what is queued, then takes no more spans. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  stats(): ExporterStats {
    return { endpoint: this.url, ...this.counts, queued: this.queue.length };
  }

  private kick(delay: number): void {
    if (this.timer) {
      if (delay > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sendNext();
    }, delay);
    this.timer.unref();
  }

  private sendNext(): void {
    if (this.sending || this.queue.length === 0) return;
    const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
    this.queue = batch === this.queue ? [] : this.queue.slice(this.maxBatch);
    this.sending = this.post(batch).finally(() => {
      this.sending = undefined;
      if (this.queue.length > 0 && !this.closed) this.kick(this.queue.length >= this.maxBatch ? 0 : this.delayMs);
    });
  }

  private async post(batch: Span[]): Promise<void> {
    try {
      const res = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(toOtlpJson(batch, this.opts.resource)),
        signal: AbortSignal.timeout(10_000),
      });
      // The body is small (a partial-success report at most); reading it frees the connection.
      const text = await res.text();
      if (!res.ok) throw new Error(`the OTLP endpoint ${this.url} answered ${res.status}: ${text.slice(0, 300)}`);
      this.counts.sent += batch.length;
      this.failing = false;
    } catch (err) {
      this.counts.failed += batch.length;
      if (!this.failing) {
        this.failing = true;
        const e = err instanceof Error ? err : new Error(String(err));
        this.opts.onError?.(e.message.startsWith("the OTLP endpoint") ? e : new Error(`sending spans to the OTLP endpoint ${this.url} failed: ${e.message}`));
      }
    }
  }
}
