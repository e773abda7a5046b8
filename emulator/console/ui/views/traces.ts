import { BASE, get } from "../api.js";
import { h, replace, table, time } from "../dom.js";
import type { Span, TraceSummary } from "../../../trace/span.js";
import type { View } from "../routes.js";

export function tracesView(): View {
  const el = h("section", {});
  return {
    title: "Traces",
    el,
    live: ["traces", "api"],
    async refresh() {
      const { traces } = await get<{ traces: TraceSummary[] }>("/_movies/traces?limit=50");
      replace(
        el,
        table(
          ["Time", "Root", "Duration", "Spans", "Status"],
          traces.map((t) => [time(t.startTime), h("a", { href: `${BASE}/traces/${t.traceId}` }, t.name), `${t.durationMs.toFixed(1)} ms`, t.spanCount, t.errorCount ? h("span", { class: "bad" }, `${t.errorCount} errors`) : "ok"]),
          traces.length ? "Newest first" : "No traces yet",
        ),
      );
    },
  };
}

/** Spans in tree order (each after its parent), with their depth. */
function ordered(spans: Span[]): { span: Span; depth: number }[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | undefined, Span[]>();
  for (const s of spans) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const out: { span: Span; depth: number }[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const s of (children.get(parent) ?? []).sort((a, b) => a.startTime - b.startTime)) {
      out.push({ span: s, depth });
      walk(s.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return out;
}

/** One trace as a waterfall: a row per span, its bar placed on the trace's own timeline. */
export function traceView(traceId: string): View {
  const el = h("section", {});
  return {
    title: `Trace ${traceId}`,
    el,
    live: ["traces"],
    async refresh() {
      const { spans } = await get<{ spans: Span[] }>(`/_movies/traces/${encodeURIComponent(traceId)}`);
      // A span still under way has a negative duration: it is drawn up to the latest end seen.
      const t0 = Math.min(...spans.map((s) => s.startTime));
      const end = Math.max(...spans.map((s) => s.startTime + Math.max(s.durationMs, 0)));
      const total = Math.max(end - t0, 0.001);
      const rows = ordered(spans).map(({ span: s, depth }) => {
        const left = ((s.startTime - t0) / total) * 100;
        const open = s.durationMs < 0;
        const width = Math.max(((open ? end - s.startTime : s.durationMs) / total) * 100, 0.3);
        const code = s.attributes["aws.error.code"];
        return h(
          "li",
          { class: `span ${s.service}${s.status === "error" ? " failed" : ""}` },
          h("span", { class: "label", "data-depth": depth }, h("span", { class: "svc" }, s.service), " ", typeof s.attributes["faas.name"] === "string" ? h("a", { href: `${BASE}/functions/${encodeURIComponent(s.attributes["faas.name"])}` }, s.name) : s.name, s.status === "error" ? h("span", { class: "bad" }, ` ✗ ${code ?? "error"}`) : null),
          h("span", { class: "track", "aria-hidden": "true" }, h("span", { class: "bar", "data-left": left.toFixed(2), "data-width": width.toFixed(2) })),
          h("span", { class: "ms" }, open ? "under way" : `${s.durationMs.toFixed(2)} ms`),
        );
      });
      replace(el, h("p", { class: "lede" }, `${spans.length} spans, ${total.toFixed(1)} ms, started ${time(t0)}`), h("ol", { class: "waterfall", "aria-label": "Spans" }, rows));
      // CSP allows no inline style attributes from markup; positions are set through the CSSOM, which it does allow.
      for (const bar of el.querySelectorAll<HTMLElement>(".bar")) {
        bar.style.marginLeft = `${bar.dataset.left}%`;
        bar.style.width = `${bar.dataset.width}%`;
      }
      for (const label of el.querySelectorAll<HTMLElement>(".label")) label.style.paddingLeft = `${Number(label.dataset.depth) * 1.1}em`;
    },
  };
}
