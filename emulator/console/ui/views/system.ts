import { BASE, get } from "../api.js";
import { h } from "../dom.js";
import type { View } from "../routes.js";

interface QueueSummary {
  name: string;
  visible: number;
  inFlight: number;
  delayed: number;
}
interface Overview {
  stack: string | null;
  apiUrl: string | null;
  topicArn: string | null;
  table: { name: string; items: number | null } | null;
  queue: QueueSummary | null;
  dlq: QueueSummary | null;
  requests: { total: number; errors: number; throttled: number };
  emails: number;
  functions: { role: string; name: string; invocations: number; errors: number; denied: number }[];
}

const SVG = "http://www.w3.org/2000/svg";
function s(tag: string, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/** A box on the picture: a link to its view, a title and a count line. */
function box(x: number, y: number, w: number, title: string, count: string, href: string, kind: string, warn = false): SVGElement {
  const a = s("a", { href, class: `node ${kind}${warn ? " warn" : ""}`, "aria-label": `${title}: ${count}` });
  a.append(s("rect", { x, y, width: w, height: 52, rx: 6 }), s("text", { x: x + 10, y: y + 21, class: "title" }, title), s("text", { x: x + 10, y: y + 41, class: "count" }, count));
  return a;
}

function arrow(x1: number, y1: number, x2: number, y2: number): SVGElement {
  return s("path", { d: `M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}`, class: "edge", "marker-end": "url(#arrow)" });
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A function's line on the picture: invocations, failures, and IAM denials (which also mark the box). */
const runs = (f: Overview["functions"][number]) => `${plural(f.invocations, "invocation")}${f.errors ? `, ${f.errors} failed` : ""}${f.denied ? `, ${f.denied} denied` : ""}`;

function picture(o: Overview): SVGElement {
  const svg = s("svg", { viewBox: "0 0 1245 430", role: "img", "aria-label": "The deployed system and its live counts", class: "picture" });
  svg.append(s("defs", {}, s("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, s("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }))));
  const crud = o.functions.filter((f) => f.role !== "email-notification");
  const email = o.functions.find((f) => f.role === "email-notification");
  const req = o.requests;
  svg.append(box(20, 150, 190, "API Gateway", `${plural(req.total, "request")}${req.errors ? `, ${req.errors} 5xx` : ""}${req.throttled ? `, ${req.throttled} throttled` : ""}`, `${BASE}/api`, "api"));
  crud.forEach((f, i) => {
    const y = 20 + i * 62;
    svg.append(arrow(210, 176, 280, y + 26), box(280, y, 210, f.role, runs(f), f.denied ? `${BASE}/denials` : `${BASE}/functions/${encodeURIComponent(f.name)}`, "fn", f.errors > 0 || f.denied > 0));
    svg.append(arrow(490, y + 26, 560, 100));
    if (f.role !== "get-movie" && f.role !== "list-movies") svg.append(arrow(490, y + 26, 560, 280));
  });
  if (o.table) svg.append(box(560, 74, 230, `DynamoDB ${o.table.name}`, o.table.items === null ? "items: ?" : plural(o.table.items, "item"), `${BASE}/tables/${encodeURIComponent(o.table.name)}`, "table"));
  if (o.topicArn) {
    const topic = o.topicArn.slice(o.topicArn.lastIndexOf(":") + 1);
    svg.append(box(560, 254, 230, `SNS ${topic}`, "fan-out", `${BASE}/topics/${encodeURIComponent(topic)}`, "topic"));
  }
  if (o.queue) {
    svg.append(arrow(790, 280, 815, 280), box(815, 254, 225, `SQS ${o.queue.name}`, `${o.queue.visible} waiting, ${o.queue.inFlight} in flight`, `${BASE}/queues/${encodeURIComponent(o.queue.name)}`, "queue"));
  }
  if (o.dlq) {
    svg.append(arrow(927, 306, 927, 350), box(815, 350, 225, `DLQ ${o.dlq.name}`, `depth ${o.dlq.visible + o.dlq.inFlight}`, `${BASE}/queues/${encodeURIComponent(o.dlq.name)}`, "queue", o.dlq.visible + o.dlq.inFlight > 0));
  }
  if (email) {
    svg.append(arrow(1040, 280, 1060, 176), box(1060, 150, 175, "email-notification", runs(email), email.denied ? `${BASE}/denials` : `${BASE}/functions/${encodeURIComponent(email.name)}`, "fn", email.errors > 0 || email.denied > 0));
    svg.append(arrow(1147, 150, 1147, 100), box(1060, 48, 175, "SES", plural(o.emails, "email"), `${BASE}/mailbox`, "ses"));
  }
  return svg;
}

export function systemView(): View {
  const el = h("section", {});
  return {
    title: "System",
    el,
    live: ["api", "logs"],
    async refresh() {
      const o = await get<Overview>("overview");
      if (!o.stack) {
        el.replaceChildren(h("p", {}, "No stack is deployed to this cloud yet: run ", h("code", {}, "movies deploy"), "."));
        return;
      }
      el.replaceChildren(
        h("p", { class: "lede" }, `Stack ${o.stack}: `, h("code", {}, o.apiUrl ?? "")),
        picture(o),
        h(
          "ul",
          { class: "counts", "aria-label": "Counts" },
          h("li", {}, h("a", { href: `${BASE}/api` }, plural(o.requests.total, "API request"))),
          o.table && h("li", {}, h("a", { href: `${BASE}/tables/${encodeURIComponent(o.table.name)}` }, `${o.table.items ?? "?"} items in ${o.table.name}`)),
          o.queue && h("li", {}, h("a", { href: `${BASE}/queues/${encodeURIComponent(o.queue.name)}` }, `${o.queue.inFlight} messages in flight, ${o.queue.visible} waiting`)),
          o.dlq && h("li", {}, h("a", { href: `${BASE}/queues/${encodeURIComponent(o.dlq.name)}` }, `DLQ depth ${o.dlq.visible + o.dlq.inFlight}`)),
          h("li", {}, h("a", { href: `${BASE}/mailbox` }, plural(o.emails, "email"))),
        ),
      );
    },
  };
}
