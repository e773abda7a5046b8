import { BASE, get } from "../api.js";
import { h, replace } from "../dom.js";
import type { View } from "../routes.js";

interface Email {
  Id: string;
  Source: string;
  Destination: { ToAddresses: string[]; CcAddresses: string[] };
  Subject?: string;
  Body?: { text_part: string | null; html_part: string | null };
  RawData?: string;
  Timestamp: string;
  traceId?: string;
}

/** An email as its recipient sees it: HTML in a sandboxed frame (no scripts, no network), else the text. */
function render(m: Email): HTMLElement {
  const html = m.Body?.html_part;
  const body = html
    ? h("iframe", { sandbox: "", src: `${BASE}/api/mail/${encodeURIComponent(m.Id)}/html`, title: `Body of ${m.Subject ?? "the email"}`, class: "mail-html" })
    : h("pre", { class: "mail-text" }, m.Body?.text_part ?? m.RawData ?? "");
  return h(
    "article",
    { class: "mail", id: `mail-${m.Id}` },
    h("h2", {}, m.Subject ?? "(no subject)"),
    h("dl", {}, h("dt", {}, "From"), h("dd", {}, m.Source), h("dt", {}, "To"), h("dd", {}, [...m.Destination.ToAddresses, ...m.Destination.CcAddresses].join(", ")), h("dt", {}, "Sent"), h("dd", {}, new Date(m.Timestamp).toLocaleString())),
    body,
    h("p", {}, m.traceId ? h("a", { href: `${BASE}/traces/${m.traceId}` }, "The trace that sent this email") : h("a", { href: `${BASE}/traces` }, "Traces")),
  );
}

export function mailboxView(): View {
  const el = h("section", {});
  return {
    title: "Mailbox",
    el,
    live: ["logs"],
    async refresh() {
      const { messages } = await get<{ messages: Email[] }>("mail");
      replace(el, messages.length ? h("p", { class: "lede" }, `${messages.length === 1 ? "1 email" : `${messages.length} emails`}, newest first`) : h("p", {}, "No emails yet."), messages.slice(0, 50).map(render));
    },
  };
}
