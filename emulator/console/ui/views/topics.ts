import { BASE, enc, get } from "../api.js";
import { h, replace, table } from "../dom.js";
import type { View } from "../routes.js";

interface Topic {
  name: string;
  arn: string;
  subscriptions: { arn: string; protocol: string; endpoint: string; filterPolicy: string | null; filterPolicyScope: string | null; rawMessageDelivery: boolean }[];
}

/** Topics and their subscriptions with filter policies; `name` narrows to one topic. */
export function topicsView(name?: string): View {
  const el = h("section", {});
  return {
    title: name ? `Topic ${name}` : "SNS topics",
    el,
    live: [],
    async refresh() {
      const { topics } = await get<{ topics: Topic[] }>("topics");
      const shown = name ? topics.filter((t) => t.name === name) : topics;
      if (name && shown.length === 0) throw new Error(`no topic named ${name}`);
      replace(
        el,
        shown.map((t) =>
          h(
            "article",
            {},
            h("h2", {}, h("a", { href: `${BASE}/topics/${enc(t.name)}` }, t.name)),
            h("p", {}, h("code", {}, t.arn)),
            table(
              ["Protocol", "Endpoint", "Raw delivery", "Filter policy"],
              t.subscriptions.map((s) => [
                s.protocol,
                s.protocol === "sqs" ? h("a", { href: `${BASE}/queues/${enc(s.endpoint.slice(s.endpoint.lastIndexOf(":") + 1))}` }, s.endpoint) : s.endpoint,
                s.rawMessageDelivery ? "yes" : "no",
                s.filterPolicy ? h("pre", {}, `${s.filterPolicyScope}: ${JSON.stringify(JSON.parse(s.filterPolicy), null, 2)}`) : "none (every message)",
              ]),
              `${t.subscriptions.length} subscriptions`,
            ),
          ),
        ),
      );
    },
  };
}
