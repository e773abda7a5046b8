import { BatchGetTracesCommand, GetTraceSummariesCommand, type TraceSummary as XrayTraceSummary, XRayClient } from "@aws-sdk/client-xray";
import { CliError, EXIT } from "../errors.js";
import { fromXrayId, summarize, toXrayId, type Trace, type TraceSummary } from "./span.js";
import { spansFromSegments } from "./xray-segments.js";

/** What to do when X-Ray has nothing: said once, used by every path that comes back empty. */
export const XRAY_EMPTY_HINT =
  "X-Ray indexes a trace some seconds after the request (try again in half a minute); it samples (by default the first request each second and 5% of the rest); and it only sees what was deployed with tracing on (`movies deploy --target aws` turns it on)";

/** BatchGetTraces takes at most 5 ids per call. */
const BATCH = 5;

/**
 * Reads traces from AWS X-Ray and turns them into the spans `movies trace`
 * draws: GetTraceSummaries for listings and --last (over a time window),
 * BatchGetTraces for the segments of a trace.
 */
export class XrayTraces {
  constructor(
    private readonly client: XRayClient,
    /** how far back listings and --last look */
    private readonly windowMinutes = 60,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async summaries(max: number): Promise<XrayTraceSummary[]> {
    const end = this.now();
    const start = new Date(end.getTime() - this.windowMinutes * 60_000);
    const out: XrayTraceSummary[] = [];
    let NextToken: string | undefined;
    // X-Ray pages newest first; a page may come back empty with a token while it scans
    for (let page = 0; page < 20 && out.length < max; page++) {
      const res = await this.client.send(new GetTraceSummariesCommand({ StartTime: start, EndTime: end, TimeRangeType: "TraceId", NextToken }));
      out.push(...(res.TraceSummaries ?? []));
      NextToken = res.NextToken;
      if (!NextToken) break;
    }
    const startOf = (s: XrayTraceSummary) => s.StartTime?.getTime() ?? parseInt((s.Id ?? "1-0-").split("-")[1] ?? "0", 16) * 1000;
    return out.sort((a, b) => startOf(b) - startOf(a)).slice(0, max);
  }

  private async batch(traceIds: string[]): Promise<Trace[]> {
    const traces: Trace[] = [];
    for (let i = 0; i < traceIds.length; i += BATCH) {
      let NextToken: string | undefined;
      do {
        const res = await this.client.send(new BatchGetTracesCommand({ TraceIds: traceIds.slice(i, i + BATCH).map(toXrayId), NextToken }));
        for (const t of res.Traces ?? []) {
          const traceId = t.Id ? fromXrayId(t.Id) : undefined;
          if (!traceId) continue;
          const docs = (t.Segments ?? []).map((s) => s.Document).filter((d): d is string => typeof d === "string");
          const known = traces.find((x) => x.traceId === traceId);
          const spans = spansFromSegments(traceId, docs);
          if (known) known.spans.push(...spans);
          else traces.push({ traceId, spans });
        }
        NextToken = res.NextToken;
      } while (NextToken);
    }
    return traces;
  }

  async trace(traceId: string): Promise<Trace> {
    const [found] = await this.batch([traceId]);
    if (!found || found.spans.length === 0) {
      throw new CliError(`X-Ray has no trace ${toXrayId(traceId)} (${traceId})`, EXIT.refused, XRAY_EMPTY_HINT);
    }
    return found;
  }

  async list(limit = 20): Promise<TraceSummary[]> {
    const summaries = await this.summaries(limit);
    const traces = await this.batch(summaries.map((s) => fromXrayId(s.Id ?? "")).filter((id): id is string => Boolean(id)));
    return summaries.flatMap((s) => {
      const traceId = fromXrayId(s.Id ?? "");
      if (!traceId) return [];
      const full = traces.find((t) => t.traceId === traceId);
      if (full?.spans.length) return [summarize(full)];
      // summarized but its segments not (yet) readable: what the summary says
      const http = s.Http;
      const errorCount = s.HasError || s.HasFault || s.HasThrottle ? 1 : 0;
      return [
        {
          traceId,
          name: http?.HttpMethod && http.HttpURL ? `${http.HttpMethod} ${pathOf(http.HttpURL)}` : (s.EntryPoint?.Name ?? ""),
          startTime: s.StartTime?.getTime() ?? parseInt(traceId.slice(0, 8), 16) * 1000,
          durationMs: (s.Duration ?? 0) * 1000,
          spanCount: 0,
          errorCount,
          status: errorCount ? "error" : "ok",
        } satisfies TraceSummary,
      ];
    });
  }

  /** The newest trace that entered through API Gateway (or, if none did, the newest one). */
  async latest(): Promise<Trace> {
    const summaries = await this.summaries(50);
    const api = summaries.find((s) => s.EntryPoint?.Type === "AWS::ApiGateway::Stage" || s.Http?.HttpMethod !== undefined) ?? summaries[0];
    const traceId = api?.Id ? fromXrayId(api.Id) : undefined;
    if (!traceId) throw new CliError(`X-Ray holds no trace from the last ${this.windowMinutes} minutes`, EXIT.refused, XRAY_EMPTY_HINT);
    return this.trace(traceId);
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
