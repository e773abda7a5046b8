import type { EmailRow, RequestRow } from "../views/dashboard.js";
import { readMailbox } from "../commands/emails.js";
import { ndjson } from "../ndjson.js";
import { CloudTraces } from "../trace/cloud-traces.js";
import type { TraceSummary } from "../trace/span.js";

/** Follows the API requests the embedded cloud served (NDJSON from its admin API). */
export async function followRequests(cloud: string, signal: AbortSignal, onRow: (r: RequestRow) => void): Promise<void> {
  try {
    const res = await fetch(`${cloud}/_movies/api-requests?follow=true&since=${Date.now()}`, { signal });
    if (!res.ok || !res.body) return;
    for await (const row of ndjson(res.body)) onRow(row as RequestRow);
  } catch (e) {
    if (!signal.aborted) throw e;
  }
}

/** Polls the mailbox and reports each new email once. */
export async function followEmails(cloud: string, signal: AbortSignal, onRow: (m: EmailRow) => void): Promise<void> {
  const seen = new Set<string>();
  while (!signal.aborted) {
    for (const m of await readMailbox(cloud).catch(() => [])) {
      if (seen.has(m.Id)) continue;
      seen.add(m.Id);
      onRow({ time: m.Timestamp, subject: m.Subject ?? "", to: (m.Destination?.ToAddresses ?? []).join(", ") });
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Polls the cloud's recent traces and reports the list when it changed (new trace, or one that grew as its email path finished). */
export async function followTraces(cloud: string, signal: AbortSignal, onList: (traces: TraceSummary[]) => void, limit = 20): Promise<void> {
  const traces = new CloudTraces(cloud);
  let last = "";
  while (!signal.aborted) {
    // a cloud busy restarting misses a poll, not the dashboard
    const list = await traces.list(limit).catch(() => undefined);
    const key = list ? JSON.stringify(list.map((t) => [t.traceId, t.spanCount, t.errorCount])) : last;
    if (list && key !== last) {
      last = key;
      onList(list);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
