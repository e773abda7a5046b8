import { h } from "./dom.js";
import { apiView } from "./views/api-requests.js";
import { denialsView } from "./views/denials.js";
import { functionsView, functionView } from "./views/functions.js";
import { mailboxView } from "./views/mailbox.js";
import { queuesView, queueView } from "./views/queues.js";
import { systemView } from "./views/system.js";
import { tablesView, tableView } from "./views/tables.js";
import { topicsView } from "./views/topics.js";
import { traceView, tracesView } from "./views/traces.js";

/** One view: its element, the kinds of change it shows live, and how it fetches. */
export interface View {
  title: string;
  el: HTMLElement;
  /** kinds of change ("api", "logs", "traces") after which it fetches again */
  live: string[];
  refresh(): Promise<void>;
  dispose?(): void;
}

/** Every view has its own URL under /_movies/console, so it can be bookmarked and shared. */
export function route(path: string): View {
  const [, section, ...rest] = path.split("/");
  const name = rest.length > 0 ? decodeURIComponent(rest.join("/")) : undefined;
  switch (section ?? "") {
    case "":
      return systemView();
    case "tables":
      return name ? tableView(name) : tablesView();
    case "queues":
      return name ? queueView(name) : queuesView();
    case "topics":
      return topicsView(name);
    case "functions":
      return name ? functionView(name) : functionsView();
    case "api":
      return apiView();
    case "mailbox":
      return mailboxView();
    case "traces":
      return name ? traceView(name) : tracesView();
    case "denials":
      return denialsView();
    default:
      return { title: "Not found", el: h("p", {}, `There is no console view at ${path}.`), live: [], refresh: async () => undefined };
  }
}
