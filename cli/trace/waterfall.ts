import type { TraceSpan } from "./span.js";

/** One drawn line of a waterfall: the span, where it sits in the tree and on the time axis. */
export interface WaterfallRow {
  span: TraceSpan;
  depth: number;
  /** ms from the start of the trace */
  offsetMs: number;
  /** what the label column shows: service, operation, and the name where it adds something */
  label: string;
  /** the bar: first cell and number of cells on an axis of `width` cells */
  barStart: number;
  barLength: number;
  /** the span that spent the most time itself (not in its children) */
  slowest: boolean;
  /** AWS's error code, or the HTTP status, for an error span */
  errorCode?: string;
}

export interface Waterfall {
  traceId: string;
  startTime: number;
  durationMs: number;
  rows: WaterfallRow[];
  errorCount: number;
}

/** Spans in tree order: each parent before its children, siblings by start time. A span whose parent is not in the trace starts a tree of its own. */
function treeOrder(spans: TraceSpan[]): { span: TraceSpan; depth: number }[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, TraceSpan[]>();
  const roots: TraceSpan[] = [];
  for (const s of spans) {
    if (s.parentSpanId && ids.has(s.parentSpanId) && s.parentSpanId !== s.spanId) {
      const list = children.get(s.parentSpanId) ?? [];
      list.push(s);
      children.set(s.parentSpanId, list);
    } else roots.push(s);
  }
  const byStart = (a: TraceSpan, b: TraceSpan) => a.startTime - b.startTime || b.durationMs - a.durationMs;
  const out: { span: TraceSpan; depth: number }[] = [];
  const seen = new Set<string>();
  const walk = (s: TraceSpan, depth: number) => {
    // a cycle in bad data must not hang the CLI
    if (seen.has(s.spanId)) return;
    seen.add(s.spanId);
    out.push({ span: s, depth });
    for (const c of (children.get(s.spanId) ?? []).sort(byStart)) walk(c, depth + 1);
  };
  for (const r of roots.sort(byStart)) walk(r, 0);
  // spans only reachable through a cycle
  for (const s of spans) if (!seen.has(s.spanId)) walk(s, 0);
  return out;
}

/** Time a span spent itself: its duration less the part of it its children cover. */
function selfTime(span: TraceSpan, kids: TraceSpan[]): number {
  const end = span.startTime + span.durationMs;
  const parts = kids
    .map((k) => [Math.max(k.startTime, span.startTime), Math.min(k.startTime + k.durationMs, end)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let at = span.startTime;
  for (const [a, b] of parts) {
    const from = Math.max(a, at);
    if (b > from) covered += b - from;
    at = Math.max(at, b);
  }
  return span.durationMs - covered;
}

/** `service operation`, then the name where it says more ("POST /movies", "create-movie"), without repeating the service ("SQS wait in q" -> "wait in q"). */
export function spanLabel(s: TraceSpan): string {
  const head = `${s.service} ${s.operation}`;
  if (!s.name || s.name.includes(s.operation)) return head;
  const lower = s.name.toLowerCase();
  const name = lower.startsWith(`${s.service} `) ? s.name.slice(s.service.length + 1) : s.name;
  return `${head} ${name}`;
}

export function errorCode(s: TraceSpan): string | undefined {
  if (s.status !== "error") return undefined;
  const code = s.attributes["aws.error.code"] ?? s.attributes["http.status_code"] ?? s.attributes["error.type"];
  return code === undefined ? undefined : String(code);
}

/** Lays the spans out on an axis of `width` cells: every span gets at least one cell, so a 0.1 ms call is still seen. */
export function layoutWaterfall(traceId: string, spans: TraceSpan[], width = 40): Waterfall {
  if (spans.length === 0) return { traceId, startTime: 0, durationMs: 0, rows: [], errorCount: 0 };
  const start = Math.min(...spans.map((s) => s.startTime));
  const end = Math.max(...spans.map((s) => s.startTime + s.durationMs));
  const total = end - start;
  const kids = new Map<string, TraceSpan[]>();
  for (const s of spans) if (s.parentSpanId) kids.set(s.parentSpanId, [...(kids.get(s.parentSpanId) ?? []), s]);
  let slowestId = "";
  let slowestSelf = -1;
  for (const s of spans) {
    const t = selfTime(s, kids.get(s.spanId) ?? []);
    if (t > slowestSelf) [slowestId, slowestSelf] = [s.spanId, t];
  }
  const cell = (ms: number) => (total > 0 ? Math.round((ms / total) * width) : 0);
  const rows = treeOrder(spans).map(({ span, depth }) => {
    const offsetMs = span.startTime - start;
    const barStart = Math.min(cell(offsetMs), width - 1);
    const barLength = Math.max(1, Math.min(cell(offsetMs + span.durationMs) - barStart, width - barStart));
    return { span, depth, offsetMs, label: spanLabel(span), barStart, barLength, slowest: span.spanId === slowestId, errorCode: errorCode(span) };
  });
  return { traceId, startTime: start, durationMs: total, rows, errorCount: spans.filter((s) => s.status === "error").length };
}

/** Milliseconds as a person reads them: 0.42 ms, 12.3 ms, 1.24 s. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export type Paint = (colour: "red" | "green" | "gray" | "yellow" | "cyan" | "bold", text: string) => string;

const SERVICE_COLOUR: Record<string, "cyan" | "yellow" | "green" | "gray"> = { apigateway: "cyan", lambda: "yellow" };

/**
 * The waterfall as text lines: offset, duration, tree-indented label, bar,
 * status. Errors are red, the slowest span carries `◀ slowest`.
 */
export function waterfallLines(w: Waterfall, paint: Paint = (_c, t) => t, opts: { labelWidth?: number; width?: number } = {}): string[] {
  const width = opts.width ?? 40;
  const labels = w.rows.map((r) => `${"  ".repeat(r.depth)}${r.label}`);
  const labelWidth = Math.min(opts.labelWidth ?? 64, Math.max(4, ...labels.map((l) => l.length)));
  const fit = (s: string) => (s.length > labelWidth ? `${s.slice(0, labelWidth - 1)}…` : s.padEnd(labelWidth));
  const lines = [paint("gray", `${"OFFSET".padStart(9)}  ${"DURATION".padStart(9)}  ${"SPAN".padEnd(labelWidth)}  ${"".padEnd(width + 2)}  STATUS`)];
  w.rows.forEach((r, i) => {
    const bar = " ".repeat(r.barStart) + "█".repeat(r.barLength) + " ".repeat(width - r.barStart - r.barLength);
    const error = r.span.status === "error";
    const status = error ? paint("red", `error${r.errorCode ? ` ${r.errorCode}` : ""}`) : paint("green", "ok");
    const colour = error ? "red" : (SERVICE_COLOUR[r.span.service] ?? "gray");
    const line = `${formatMs(r.offsetMs).padStart(9)}  ${formatMs(r.span.durationMs).padStart(9)}  ${error ? paint("red", fit(labels[i]!)) : fit(labels[i]!)}  |${paint(colour, bar)}|  ${status}${r.slowest ? paint("bold", "  ◀ slowest") : ""}`;
    lines.push(line);
  });
  return lines;
}

/** The header line over a waterfall. */
export function waterfallTitle(w: Waterfall): string {
  const root = w.rows[0]?.span;
  const errors = `${w.errorCount} ${w.errorCount === 1 ? "error" : "errors"}`;
  return `trace ${w.traceId}  ${root ? `${root.name}  ` : ""}${formatMs(w.durationMs)}  ${w.rows.length} ${w.rows.length === 1 ? "span" : "spans"}, ${errors}`;
}
