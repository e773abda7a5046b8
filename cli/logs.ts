import { unavailable } from "./errors.js";
import { ndjson } from "./ndjson.js";

export interface LogEvent {
  timestamp: number;
  function: string;
  requestId?: string;
  message: string;
}

/** Function logs from the embedded cloud's admin API; with follow, until the signal aborts. */
export async function* cloudLogs(cloud: string, opts: { fn?: string; since: number; follow: boolean; signal?: AbortSignal }): AsyncGenerator<LogEvent> {
  const url = new URL(`${cloud}/_movies/logs`);
  if (opts.fn) url.searchParams.set("function", opts.fn);
  url.searchParams.set("since", String(opts.since));
  if (opts.follow) url.searchParams.set("follow", "true");
  let res: Response;
  try {
    res = await fetch(url, { signal: opts.signal });
  } catch (e) {
    if (opts.signal?.aborted) return;
    throw unavailable(`the embedded cloud does not answer at ${cloud}`, "start it with `movies up`");
  }
  if (!res.ok || !res.body) throw unavailable(`${url.pathname} answered ${res.status}: ${await res.text()}`);
  try {
    for await (const e of ndjson(res.body)) yield e as LogEvent;
  } catch (e) {
    if (!opts.signal?.aborted) throw e;
  }
}

/** Function logs from CloudWatch Logs (LocalStack and AWS), polling when following. */
export async function* cloudWatchLogs(
  config: object,
  groups: Record<string, string>,
  opts: { since: number; follow: boolean; signal?: AbortSignal },
): AsyncGenerator<LogEvent> {
  const { CloudWatchLogsClient, FilterLogEventsCommand } = await import("@aws-sdk/client-cloudwatch-logs");
  const client = new CloudWatchLogsClient(config);
  const seen = new Set<string>();
  let since = opts.since;
  try {
    do {
      for (const [fn, group] of Object.entries(groups)) {
        let nextToken: string | undefined;
        do {
          const page = await client
            .send(new FilterLogEventsCommand({ logGroupName: group, startTime: since, nextToken }), { abortSignal: opts.signal })
            .catch((e: Error) => {
              if (e.name === "ResourceNotFoundException") return { events: [], nextToken: undefined };
              throw e;
            });
          for (const e of page.events ?? []) {
            if (!e.eventId || seen.has(e.eventId)) continue;
            seen.add(e.eventId);
            yield { timestamp: e.timestamp ?? Date.now(), function: fn, message: (e.message ?? "").replace(/\n$/, "") };
          }
          nextToken = page.nextToken;
        } while (nextToken);
      }
      since = Math.max(since, Date.now() - 60_000);
      if (opts.follow) await new Promise((r) => setTimeout(r, 2000));
    } while (opts.follow && !opts.signal?.aborted);
  } catch (e) {
    if (!opts.signal?.aborted) throw e;
  } finally {
    client.destroy();
  }
}
