import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";

/**
 * A request whose body was already read, handed on as if unread: services
 * (and dynalite) read it from this stream, and see the same method, URL and
 * headers. It closes when the client's request closes, so long polls still
 * notice a client that goes away.
 */
export function replayedRequest(req: IncomingMessage, body: Buffer): IncomingMessage {
  // A plain Readable holding the body: a PassThrough (a Transform, so a whole
  // Writable side too) was built per call a function makes, for nothing.
  const stream = new Readable({ autoDestroy: false, read() {} });
  stream.push(body);
  stream.push(null);
  req.once("close", () => stream.emit("close"));
  for (const key of ["method", "url", "headers", "rawHeaders", "httpVersion", "httpVersionMajor", "httpVersionMinor", "socket", "trailers", "complete"] as const) {
    Object.defineProperty(stream, key, { value: req[key], enumerable: true, configurable: true, writable: true });
  }
  Object.defineProperty(stream, "connection", { value: req.socket, configurable: true });
  return stream as unknown as IncomingMessage;
}
