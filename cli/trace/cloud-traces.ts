import { unavailable, CliError, EXIT } from "../errors.js";
import type { Trace, TraceSummary } from "./span.js";

/**
 * Reads traces from the embedded cloud's admin API (the trace contract):
 *   GET /_movies/traces?limit=N        -> { traces: TraceSummary[] } newest first
 *   GET /_movies/traces/{traceId}      -> { traceId, spans } | 404 { message }
 *   GET /_movies/traces/latest         -> the newest API request's trace | 404
 */
export class CloudTraces {
  constructor(private readonly cloudUrl: string) {}

  private async get(path: string): Promise<Response> {
    try {
      return await fetch(`${this.cloudUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    } catch {
      throw unavailable(`the embedded cloud does not answer at ${this.cloudUrl}`, "start it with `movies up` (or `movies dev`), then make a request");
    }
  }

  private async body<T>(res: Response, path: string): Promise<T> {
    if (res.status === 404 && path === "/_movies/traces") {
      throw unavailable(`the cloud at ${this.cloudUrl} keeps no traces (it answers 404 on /_movies/traces)`, "update movies and restart the cloud with `movies up`");
    }
    if (!res.ok) throw new CliError(`${this.cloudUrl}${path} answered ${res.status}: ${await res.text().catch(() => "")}`.trim(), EXIT.refused);
    return (await res.json()) as T;
  }

  async list(limit = 20): Promise<TraceSummary[]> {
    const path = "/_movies/traces";
    const res = await this.get(`${path}?limit=${limit}`);
    return (await this.body<{ traces: TraceSummary[] }>(res, path)).traces;
  }

  /** One trace; a 404 is an unknown or evicted id, said with what to do. */
  async trace(traceId: string): Promise<Trace> {
    const res = await this.get(`/_movies/traces/${traceId}`);
    if (res.status === 404) {
      throw new CliError(
        `no trace ${traceId} in the cloud at ${this.cloudUrl}: it was never recorded here, or it was evicted (the cloud keeps the most recent traces, 500 by default, MOVIES_TRACE_LIMIT)`,
        EXIT.refused,
        "list the traces it holds with `movies trace`, or take the newest request with `movies trace --last`",
      );
    }
    return this.body<Trace>(res, `/_movies/traces/${traceId}`);
  }

  async latest(): Promise<Trace> {
    const res = await this.get("/_movies/traces/latest");
    if (res.status === 404) {
      throw new CliError("the cloud has recorded no API request yet", EXIT.refused, "make one, e.g. `movies call get 1`, then run `movies trace --last` again");
    }
    return this.body<Trace>(res, "/_movies/traces/latest");
  }
}
