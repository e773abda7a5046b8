import { BASE, get } from "../api.js";
import { h, replace, table, time } from "../dom.js";
import type { View } from "../routes.js";

interface ApiRequest {
  time: number;
  requestId: string;
  method: string;
  path: string;
  status: number;
  ms: number;
  traceId?: string;
  keyPassed?: boolean;
  throttlePassed?: boolean;
}
interface Overview {
  apiUrl: string | null;
  apiKey: string | null;
}

const statusCell = (s: number) => h("span", { class: s >= 500 ? "bad" : s === 429 ? "warn" : s >= 400 ? "meh" : "ok" }, s === 429 ? "429 throttled" : String(s));

/** Recent API requests, and a form that sends one through API Gateway with the stack's key, as any client would. */
export function apiView(): View {
  const list = h("div", {});
  const method = h("select", { id: "req-method", name: "method" }, ["GET", "POST", "PUT", "DELETE"].map((m) => h("option", {}, m)));
  const path = h("input", { id: "req-path", name: "path", value: "/movies/1", size: 30, autocomplete: "off" });
  const body = h("textarea", { id: "req-body", name: "body", rows: 4, cols: 60, spellcheck: "false", placeholder: '{"title":"Heat","rating":8.3,"genres":["Crime"]}' });
  const withKey = h("input", { id: "req-key", type: "checkbox", checked: true });
  const outcome = h("div", { role: "status" });
  let api: Overview = { apiUrl: null, apiKey: null };
  const form = h(
    "form",
    {
      "aria-labelledby": "send-title",
      onsubmit: (e: Event) => {
        e.preventDefault();
        if (!api.apiUrl) return replace(outcome, h("p", { class: "error" }, "No API is deployed: run movies deploy."));
        const headers: Record<string, string> = { accept: "application/json" };
        if (withKey.checked && api.apiKey) headers["x-api-key"] = api.apiKey;
        if (body.value.trim()) headers["content-type"] = "application/json";
        const url = new URL(api.apiUrl);
        const started = performance.now();
        fetch(`${url.pathname}${path.value.startsWith("/") ? "" : "/"}${path.value}`, { method: method.value, headers, body: method.value === "GET" || !body.value.trim() ? undefined : body.value }).then(
          async (r) => {
            const text = await r.text();
            replace(outcome, h("p", { class: r.ok ? "ok" : "error" }, `${r.status} ${r.statusText} in ${(performance.now() - started).toFixed(0)} ms`), h("pre", { class: "result" }, text));
          },
          (err: Error) => replace(outcome, h("p", { class: "error" }, err.message)),
        );
      },
    },
    h("h2", { id: "send-title" }, "Send a request"),
    h("div", { class: "inline" }, h("label", { for: "req-method" }, "Method "), method, h("label", { for: "req-path" }, " Path "), path),
    h("label", { for: "req-body" }, "Body (JSON)"),
    body,
    h("div", {}, withKey, h("label", { for: "req-key" }, " send the API key (x-api-key)"), " ", h("button", { type: "submit" }, "Send")),
    outcome,
  );
  return {
    title: "API requests",
    el: h("section", {}, form, h("h2", {}, "Recent requests"), list),
    live: ["api"],
    async refresh() {
      const [{ requests }, o] = await Promise.all([get<{ requests: ApiRequest[] }>("api"), get<Overview>("overview")]);
      api = o;
      replace(
        list,
        table(
          ["Time", "Method", "Path", "Status", "Latency", "Key", "Throttle", "Trace"],
          requests.slice(0, 200).map((r) => [time(r.time), r.method, h("code", {}, r.path), statusCell(r.status), `${r.ms.toFixed(1)} ms`, r.keyPassed === undefined ? "" : r.keyPassed ? "ok" : h("span", { class: "bad" }, "missing or invalid"), r.throttlePassed === undefined ? "" : r.throttlePassed ? "ok" : h("span", { class: "warn" }, "throttled"), r.traceId ? h("a", { href: `${BASE}/traces/${r.traceId}` }, "waterfall") : ""]),
          requests.length ? `${requests.length} requests, newest first` : "No requests yet",
        ),
      );
    },
  };
}
