import { BASE, enc, get } from "../api.js";
import { h, pretty, replace, table } from "../dom.js";
import type { View } from "../routes.js";

interface TableSummary {
  name: string;
  items: number;
  keys: string[];
}
interface Page {
  keys: string[];
  items: Record<string, unknown>[];
  next?: string;
}

export function tablesView(): View {
  const el = h("section", {});
  return {
    title: "DynamoDB tables",
    el,
    live: ["api"],
    async refresh() {
      const { tables } = await get<{ tables: TableSummary[] }>("tables");
      replace(el, table(["Table", "Items", "Key"], tables.map((t) => [h("a", { href: `${BASE}/tables/${enc(t.name)}` }, t.name), t.items, t.keys.join(", ")])));
    },
  };
}

const cell = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** Items a page at a time (a Scan with Limit, following LastEvaluatedKey), and a lookup by key (GetItem). */
export function tableView(name: string): View {
  const PAGE = 50;
  const items = h("div", {});
  const found = h("div", { role: "status" });
  const pager = h("div", { class: "pager" });
  // The tokens of the pages seen so far: "previous" goes back through them.
  const tokens: (string | undefined)[] = [undefined];
  let at = 0;
  let keys: string[] = [];
  const keyInput = h("input", { id: "lookup-key", name: "key", autocomplete: "off", placeholder: '{"id":"1"}', size: 30 });
  const lookup = h(
    "form",
    {
      class: "inline",
      onsubmit: (e: Event) => {
        e.preventDefault();
        void (async () => {
          try {
            const { item } = await get<{ item: Record<string, unknown> }>(`tables/${enc(name)}/item?key=${enc(keyInput.value)}`);
            replace(found, h("pre", {}, pretty(item)));
          } catch (err) {
            replace(found, h("p", { class: "error" }, (err as Error).message));
          }
        })();
      },
    },
    h("label", { for: "lookup-key" }, "Look up by key "),
    keyInput,
    h("button", { type: "submit" }, "Get item"),
  );
  const load = async () => {
    const page = await get<Page>(`tables/${enc(name)}?limit=${PAGE}${tokens[at] ? `&next=${enc(tokens[at]!)}` : ""}`);
    keys = page.keys;
    if (keys.length && !keyInput.value) keyInput.placeholder = JSON.stringify(Object.fromEntries(keys.map((k) => [k, "…"])));
    tokens[at + 1] = page.next;
    const columns = [...new Set([...keys, ...page.items.flatMap((i) => Object.keys(i))])];
    replace(items, table(columns, page.items.map((i) => columns.map((c) => (c in i ? cell(i[c]) : ""))), `Page ${at + 1}: ${page.items.length} items`));
    replace(
      pager,
      h("button", { type: "button", disabled: at === 0, onclick: () => { at--; void load(); } }, "← Previous page"),
      h("button", { type: "button", disabled: !page.next, onclick: () => { at++; void load(); } }, "Next page →"),
    );
  };
  return {
    title: `Table ${name}`,
    el: h("section", {}, lookup, found, pager, items),
    live: ["api"],
    refresh: load,
  };
}
