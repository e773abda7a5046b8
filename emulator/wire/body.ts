import type { IncomingMessage } from "node:http";
import { AwsError } from "../core/aws-error.js";

/** Largest request body any service accepts; larger bodies are refused before buffering more. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

const EMPTY = Buffer.alloc(0);

/**
 * The whole body of a request. Read with 'data' / 'end' listeners rather than
 * `for await`: the async iterator costs a promise and a microtask per chunk
 * and an iterator object per request, and every SDK call into the cloud and
 * every API request passes here. A request whose body is already consumed
 * ends at once.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  if (req.readableEnded) return Promise.resolve(EMPTY);
  return new Promise((resolve, reject) => {
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      size += buf.length;
      if (size > limit) {
        cleanup();
        // the rest of the body is drained, not read into memory
        req.resume();
        reject(new AwsError("RequestEntityTooLarge", `Request body exceeds ${limit} bytes`, 413));
        return;
      }
      if (first === undefined) first = buf;
      else (chunks ??= [first]).push(buf);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks ? Buffer.concat(chunks, size) : (first ?? EMPTY));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    // a client gone mid-body: no 'end' will come
    const onClose = () => {
      if (req.readableEnded) return;
      cleanup();
      reject(new Error("the client closed the connection before the request body was complete"));
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}
