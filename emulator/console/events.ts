import type { ServerResponse } from "node:http";

/** A source of changes the console shows: each returns its unsubscribe. */
export type ChangeSource = (listener: (kind: string) => void) => () => void;

/** At most this often a page hears "something changed" per kind: a burst of a thousand requests is one refresh. */
const COALESCE_MS = 500;
const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events: one stream per open page, telling it which kinds of
 * state changed ("api", "logs", "traces"), coalesced, so pages fetch again
 * only what they show, and only when it changed. No polling.
 */
export function streamChanges(res: ServerResponse, sources: ChangeSource[]): void {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
  res.write("retry: 2000\n\n");
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (pending.size === 0) return;
    res.write(`event: change\ndata: ${JSON.stringify([...pending])}\n\n`);
    pending.clear();
  };
  const onChange = (kind: string) => {
    pending.add(kind);
    timer ??= setTimeout(flush, COALESCE_MS);
  };
  const unsubscribe = sources.map((s) => s(onChange));
  const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
  heartbeat.unref();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    if (timer) clearTimeout(timer);
    for (const u of unsubscribe) u();
  };
  // Not req's "close": a request without a body is done (and closes) as soon as it is read; the response closes when the page goes.
  res.once("close", close);
}
