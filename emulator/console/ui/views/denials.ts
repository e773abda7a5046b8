import { BASE, enc, get } from "../api.js";
import { h, replace, table, time } from "../dom.js";
import type { Denial } from "../../shapes.js";
import type { View } from "../routes.js";

/** Calls IAM refused, where they happened (which function, which invocation), with the missing permission and the role. */
export function denialsView(): View {
  const el = h("section", {});
  return {
    title: "IAM denials",
    el,
    live: ["logs"],
    async refresh() {
      const { denials } = await get<{ denials: Denial[] }>("denials");
      replace(
        el,
        denials.length === 0
          ? h("p", {}, "No denied calls: every call a function made was allowed by its role.")
          : table(
              ["Time", "Function", "Missing permission", "Resource", "Role", "Message"],
              denials.map((d) => [time(d.time), h("a", { href: `${BASE}/functions/${enc(d.function)}` }, d.function), h("strong", { class: "bad" }, d.action ?? "?"), h("code", {}, d.resource ?? ""), h("code", {}, d.role ?? ""), d.message]),
              `${denials.length} denied calls, newest first`,
            ),
      );
    },
  };
}
