import type { Span } from "../trace/span.js";

/** The trace store as the console uses it: finished spans as they come. */
export interface TraceFeed {
  subscribe(listener: (span: Span) => void): () => void;
}

export interface RequestTrace {
  traceId: string;
  /** the request carried a valid key, where the method requires one */
  keyPassed?: boolean;
  /** the usage plan's throttle let it through */
  throttlePassed?: boolean;
}

/** As many links as the API request log keeps by default. */
const KEEP = 1000;

/**
 * Which trace each API request and each email belongs to, learned from the
 * spans as they finish: an API Gateway span names its request id; an email
 * is matched to the SES send span whose time brackets the email's timestamp
 * (the mailbox records no request id of its own).
 */
export class TraceLinks {
  private readonly requests = new Map<string, RequestTrace>();
  private readonly sends: { traceId: string; start: number; end: number }[] = [];
  private readonly unsubscribe: () => void;

  constructor(feed: TraceFeed) {
    this.unsubscribe = feed.subscribe((s) => this.add(s));
  }

  private add(s: Span): void {
    const requestId = s.attributes["aws.request_id"];
    if (s.service === "apigateway" && !s.parentSpanId && typeof requestId === "string") {
      const keyPassed = s.attributes["aws.apigateway.api_key_passed"];
      const throttlePassed = s.attributes["aws.apigateway.throttle_passed"];
      this.requests.set(requestId, { traceId: s.traceId, ...(typeof keyPassed === "boolean" && { keyPassed }), ...(typeof throttlePassed === "boolean" && { throttlePassed }) });
      if (this.requests.size > KEEP) this.requests.delete(this.requests.keys().next().value!);
    }
    if (s.service === "ses" && s.status === "ok" && /Send/.test(s.operation)) {
      this.sends.push({ traceId: s.traceId, start: s.startTime, end: s.startTime + s.durationMs });
      if (this.sends.length > KEEP) this.sends.shift();
    }
  }

  request(requestId: string): RequestTrace | undefined {
    return this.requests.get(requestId);
  }

  /** The trace whose SES send was under way when the email was stored (ISO timestamps carry milliseconds). */
  email(timestamp: string): string | undefined {
    const t = Date.parse(timestamp);
    if (!Number.isFinite(t)) return undefined;
    for (let i = this.sends.length - 1; i >= 0; i--) {
      const s = this.sends[i]!;
      if (s.start - 1 <= t && t <= s.end + 1) return s.traceId;
    }
    return undefined;
  }

  close(): void {
    this.unsubscribe();
  }
}
