import type { TraceSummary } from "./span.js";
import { formatMs, type Paint } from "./waterfall.js";

/** Recent traces as an aligned table: when, id, request, total time, spans, errors. Newest first, as given. */
export function traceListLines(traces: TraceSummary[], paint: Paint = (_c, t) => t): string[] {
  const rows = traces.map((t) => [
    new Date(t.startTime).toISOString().slice(11, 23),
    t.traceId,
    t.name || "(no root span)",
    formatMs(t.durationMs),
    String(t.spanCount),
    String(t.errorCount),
  ]);
  const head = ["TIME", "TRACE ID", "REQUEST", "TOTAL", "SPANS", "ERRORS"];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = new Set([3, 4, 5]);
  const cells = (r: string[]) => r.map((c, i) => (right.has(i) ? c.padStart(width[i]!) : c.padEnd(width[i]!)));
  return [
    paint("gray", cells(head).join("  ").trimEnd()),
    ...rows.map((r, i) => {
      const line = cells(r).join("  ").trimEnd();
      return traces[i]!.errorCount > 0 ? paint("red", line) : line;
    }),
  ];
}
