import { BASE } from "./api.js";
import { h, replace } from "./dom.js";
import { route, type View } from "./routes.js";

const NAV: [string, string][] = [
  ["", "System"],
  ["/tables", "Tables"],
  ["/queues", "Queues"],
  ["/topics", "Topics"],
  ["/functions", "Functions"],
  ["/api", "API"],
  ["/mailbox", "Mailbox"],
  ["/traces", "Traces"],
  ["/denials", "IAM denials"],
];

const main = h("main", { id: "main", tabindex: "-1" });
const nav = h("nav", { "aria-label": "Views" }, h("ul", {}, NAV.map(([path, label]) => h("li", {}, h("a", { href: path === "" ? `${BASE}/` : `${BASE}${path}`, "data-path": path }, label)))));
const status = h("p", { class: "live", role: "status" }, "connecting…");
document.getElementById("app")!.replaceChildren(
  h("a", { class: "skip", href: "#main" }, "Skip to content"),
  h("header", {}, h("a", { class: "brand", href: `${BASE}/` }, "movies console"), nav, status),
  main,
);

let current: View | undefined;
let generation = 0;

function subPath(): string {
  const p = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : "";
  return p === "/" ? "" : p.replace(/\/$/, "");
}

async function show(focus: boolean): Promise<void> {
  const path = subPath();
  for (const a of nav.querySelectorAll<HTMLAnchorElement>("a")) {
    const p = a.dataset.path!;
    const here = p === "" ? path === "" : path === p || path.startsWith(`${p}/`);
    if (here) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const mine = ++generation;
  current?.dispose?.();
  current = route(path);
  document.title = `${current.title} · movies console`;
  replace(main, h("h1", {}, current.title), current.el);
  if (focus) main.focus();
  try {
    await current.refresh();
  } catch (err) {
    if (mine === generation) current.el.prepend(h("p", { class: "error", role: "alert" }, String((err as Error).message)));
  }
}

// Links inside the page route without a reload; modified clicks open tabs as usual.
document.addEventListener("click", (e) => {
  // closest("a") also finds the SVG links of the system picture, whose href is not a string property.
  const a = (e.target as Element).closest?.("a");
  const href = a?.getAttribute("href");
  if (!a || !href || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(BASE) || a.getAttribute("target") || url.hash) return;
  e.preventDefault();
  if (url.pathname + url.search !== location.pathname + location.search) history.pushState(null, "", url.pathname + url.search);
  void show(true);
});
window.addEventListener("popstate", () => void show(true));

// One server-sent event stream: the server says which kinds of state changed, the view refetches if it shows them.
function listen(): void {
  const events = new EventSource(`${BASE}/api/events`);
  events.addEventListener("open", () => (status.textContent = "live"));
  events.addEventListener("error", () => (status.textContent = "reconnecting…"));
  events.addEventListener("change", (e) => {
    const kinds = JSON.parse((e as MessageEvent<string>).data) as string[];
    if (current && kinds.some((k) => current!.live.includes(k))) void current.refresh().catch(() => undefined);
  });
}

listen();
void show(false);
