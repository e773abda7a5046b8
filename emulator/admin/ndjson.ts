import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Writes records as NDJSON: the backlog first, then, when following, each new
 * record as it comes until the client goes away.
 */
export function streamNdjson<T>(
  req: IncomingMessage,
  res: ServerResponse,
  backlog: T[],
  follow: { subscribe(listener: (record: T) => void): () => void } | undefined,
): void {
  res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-cache" });
  const write = (r: T) => res.write(`${JSON.stringify(r)}\n`);
  for (const r of backlog) write(r);
  if (!follow) {
    res.end();
    return;
  }
  // headers out now, so a follower sees the stream open before the first event
  res.flushHeaders();
  const unsubscribe = follow.subscribe(write);
  const done = () => unsubscribe();
  req.once("close", done);
  res.once("close", done);
}
