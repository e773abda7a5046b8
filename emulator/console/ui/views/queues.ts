import { BASE, enc, get, post } from "../api.js";
import { h, replace, table, time } from "../dom.js";
import type { PeekedMessage, QueueSummary } from "../../shapes.js";
import type { View } from "../routes.js";

export function queuesView(): View {
  const el = h("section", {});
  return {
    title: "SQS queues",
    el,
    live: ["api", "logs"],
    async refresh() {
      const { queues } = await get<{ queues: QueueSummary[] }>("queues");
      replace(
        el,
        table(
          ["Queue", "Waiting", "In flight", "Delayed", "Dead letters"],
          queues.map((q) => [
            h("a", { href: `${BASE}/queues/${enc(q.name)}` }, q.name),
            q.visible,
            q.inFlight,
            q.delayed,
            q.deadLetterSources.length ? `DLQ of ${q.deadLetterSources.join(", ")}` : q.deadLetterTarget ? `to ${q.deadLetterTarget} after ${q.maxReceiveCount} receives` : "",
          ]),
        ),
      );
    },
  };
}

/** A queue's counts and messages, peeked a page at a time without receiving them; a DLQ gets a redrive button. */
export function queueView(name: string): View {
  const PAGE = 50;
  let offset = 0;
  const counts = h("p", { class: "lede" });
  const actions = h("div", { class: "actions" });
  const result = h("p", { role: "status" });
  const list = h("div", {});
  const pager = h("div", { class: "pager" });
  const act = (label: string, path: string, confirmText: string, done: (r: Record<string, unknown>) => string, danger = false) =>
    h(
      "button",
      {
        type: "button",
        class: danger ? "danger" : undefined,
        onclick: () => {
          if (!confirm(confirmText)) return;
          void post<Record<string, unknown>>(`queues/${enc(name)}/${path}`).then(
            (r) => {
              result.textContent = done(r);
              result.className = "ok";
              void load();
            },
            (err: Error) => {
              result.textContent = err.message;
              result.className = "error";
            },
          );
        },
      },
      label,
    );
  const load = async () => {
    const { queues } = await get<{ queues: QueueSummary[] }>("queues");
    const q = queues.find((x) => x.name === name);
    if (!q) throw new Error(`no queue named ${name}`);
    counts.textContent = `${q.visible} waiting, ${q.inFlight} in flight, ${q.delayed} delayed${q.deadLetterTarget ? ` · failures go to ${q.deadLetterTarget} after ${q.maxReceiveCount} receives` : ""}${q.deadLetterSources.length ? ` · dead-letter queue of ${q.deadLetterSources.join(", ")}` : ""}`;
    replace(
      actions,
      q.deadLetterSources.length ? act("Redrive to source", "redrive", `Move every waiting message of ${name} back to ${q.deadLetterSources.join(", ")}?`, (r) => `Moved ${r.moved} messages to ${(r.to as string[]).join(", ") || "their source"}.`) : null,
      act("Purge", "purge", `Delete every message in ${name}? This cannot be undone.`, (r) => `Purged ${r.purged} messages.`, true),
    );
    const page = await get<{ total: number; messages: PeekedMessage[] }>(`queues/${enc(name)}?offset=${offset}&limit=${PAGE}`);
    replace(
      list,
      table(
        ["Message", "State", "Receives", "Sent", "Body"],
        page.messages.map((m) => [h("code", {}, m.messageId), m.state, m.receiveCount, time(m.sentAt), h("pre", { class: "body" }, m.body)]),
        page.total === 0 ? "No messages" : `Messages ${offset + 1}–${offset + page.messages.length} of ${page.total} (peeked: not received)`,
      ),
    );
    replace(
      pager,
      h("button", { type: "button", disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - PAGE); void load(); } }, "← Previous page"),
      h("button", { type: "button", disabled: offset + PAGE >= page.total, onclick: () => { offset += PAGE; void load(); } }, "Next page →"),
    );
  };
  return { title: `Queue ${name}`, el: h("section", {}, counts, actions, result, pager, list), live: ["api", "logs"], refresh: load };
}
