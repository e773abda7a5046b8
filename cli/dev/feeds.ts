import type { EmailRow, RequestRow } from "../views/dashboard.js";
import { readMailbox } from "../commands/emails.js";
import { ndjson } from "../ndjson.js";

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
