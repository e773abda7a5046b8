export interface LogEvent {
  timestamp: number;
  function: string;
  message: string;
}

/**
 * Function logs from CloudWatch Logs, the same API on every target (the
 * embedded cloud serves it too): one FilterLogEvents sweep over the functions'
 * log groups, merged in time order, repeated every pollMs when following.
 */
export async function* cloudWatchLogs(
  config: object,
  /** function name -> log group */
  groups: Record<string, string>,
  opts: { since: number; follow: boolean; signal?: AbortSignal; pollMs?: number },
): AsyncGenerator<LogEvent> {
  const { CloudWatchLogsClient, FilterLogEventsCommand } = await import("@aws-sdk/client-cloudwatch-logs");
  const client = new CloudWatchLogsClient(config);
  // Events already printed, by id; ids older than the look-back window are forgotten so a long follow stays small.
  let seen = new Map<string, number>();
  let since = opts.since;
  try {
    do {
      const sweepStarted = Date.now();
      const batch: (LogEvent & { id: string })[] = [];
      for (const [fn, group] of Object.entries(groups)) {
        let nextToken: string | undefined;
        do {
          const page = await client
            .send(new FilterLogEventsCommand({ logGroupName: group, startTime: since, nextToken }), { abortSignal: opts.signal })
            .catch((e: Error) => {
              // a function that never ran has no log group yet
              if (e.name === "ResourceNotFoundException") return { events: [], nextToken: undefined };
              throw e;
            });
          for (const e of page.events ?? []) {
            if (!e.eventId || seen.has(e.eventId)) continue;
            seen.set(e.eventId, e.timestamp ?? sweepStarted);
            batch.push({ id: e.eventId, timestamp: e.timestamp ?? sweepStarted, function: fn, message: (e.message ?? "").replace(/\n$/, "") });
          }
          nextToken = page.nextToken;
        } while (nextToken);
      }
      batch.sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : 1));
      for (const { id: _id, ...e } of batch) yield e;
      // Lines can arrive late (an invocation still running), so the next sweep looks a minute back.
      since = Math.max(since, sweepStarted - 60_000);
      seen = new Map([...seen].filter(([, t]) => t >= since));
      if (opts.follow) await new Promise((r) => setTimeout(r, opts.pollMs ?? 2000));
    } while (opts.follow && !opts.signal?.aborted);
  } catch (e) {
    if (!opts.signal?.aborted) throw e;
  } finally {
    client.destroy();
  }
}
