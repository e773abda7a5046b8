import { BASE, enc, get, post } from "../api.js";
import { h, pretty, replace, table, time } from "../dom.js";
import type { View } from "../routes.js";

interface FunctionSummary {
  name: string;
  runtime: string;
  memoryMb: number;
  timeoutS: number;
  environments: { environments: number; busy: number; started: number };
}
interface Detail {
  configuration: Record<string, unknown>;
  environments: { environments: number; busy: number; idle: number; started: number };
  invocations: { requestId: string; time: number; durationMs: number; initMs?: number; memoryUsedMb?: number; error: boolean }[];
  logs: { timestamp: number; requestId?: string; message: string }[];
}

export function functionsView(): View {
  const el = h("section", {});
  return {
    title: "Lambda functions",
    el,
    live: ["logs"],
    async refresh() {
      const { functions } = await get<{ functions: FunctionSummary[] }>("functions");
      replace(
        el,
        table(
          ["Function", "Runtime", "Memory", "Timeout", "Environments", "Cold starts"],
          functions.map((f) => [h("a", { href: `${BASE}/functions/${enc(f.name)}` }, f.name), f.runtime, `${f.memoryMb} MB`, `${f.timeoutS} s`, `${f.environments.environments} (${f.environments.busy} busy)`, f.environments.started]),
        ),
      );
    },
  };
}

/** Configuration, recent invocations, logs, and an invoke form. */
export function functionView(name: string): View {
  const live = h("div", {});
  const payload = h("textarea", { id: "invoke-payload", name: "payload", rows: 6, cols: 60, spellcheck: "false" }, "{}");
  const outcome = h("div", { role: "status" });
  const form = h(
    "form",
    {
      "aria-labelledby": "invoke-title",
      onsubmit: (e: Event) => {
        e.preventDefault();
        replace(outcome, h("p", {}, "Invoking…"));
        post<{ statusCode: number; payload: string; functionError?: string; log: string; requestId: string }>(`functions/${enc(name)}/invoke`, { payload: payload.value }).then(
          (r) => {
            let shown = r.payload;
            try {
              shown = pretty(JSON.parse(r.payload));
            } catch {
              // not JSON: shown as it came
            }
            replace(outcome, h("p", { class: r.functionError ? "error" : "ok" }, `Status ${r.statusCode}${r.functionError ? `, function error: ${r.functionError}` : ""} · request ${r.requestId}`), h("h3", {}, "Result"), h("pre", { class: "result" }, shown), h("h3", {}, "Log tail"), h("pre", {}, r.log));
            void load();
          },
          (err: Error) => replace(outcome, h("p", { class: "error" }, err.message)),
        );
      },
    },
    h("h2", { id: "invoke-title" }, "Invoke"),
    h("label", { for: "invoke-payload" }, "Event (JSON)"),
    payload,
    h("div", {}, h("button", { type: "submit" }, "Invoke")),
    outcome,
  );
  const load = async () => {
    const d = await get<Detail>(`functions/${enc(name)}`);
    replace(
      live,
      h("h2", {}, "Configuration"),
      table(["Setting", "Value"], Object.entries(d.configuration).map(([k, v]) => [k, typeof v === "object" ? h("pre", {}, pretty(v)) : String(v)])),
      h("p", {}, `${d.environments.environments} environments (${d.environments.busy} busy, ${d.environments.idle} idle), ${d.environments.started} cold starts so far`),
      h("h2", {}, "Recent invocations"),
      table(
        ["Time", "Request", "Start", "Duration", "Memory", "Outcome"],
        d.invocations.map((i) => [time(i.time), h("code", {}, i.requestId), i.initMs !== undefined ? `cold (init ${i.initMs.toFixed(0)} ms)` : "warm", `${i.durationMs.toFixed(1)} ms`, i.memoryUsedMb ? `${i.memoryUsedMb} MB` : "", i.error ? h("span", { class: "bad" }, "error") : "ok"]),
        d.invocations.length ? undefined : "No invocations yet",
      ),
      h("h2", {}, "Logs"),
      h("pre", { class: "logs", tabindex: "0", "aria-label": "Function logs" }, d.logs.map((l) => `${time(l.timestamp)}  ${l.message.trimEnd()}\n`).join("")),
    );
  };
  return { title: `Function ${name}`, el: h("section", {}, form, live), live: ["logs"], refresh: load };
}
