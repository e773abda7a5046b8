import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { AwsError } from "../core/aws-error.js";
import type { CallContext } from "../core/service.js";
import { sendJsonError } from "../wire/aws-json.js";
import type { RwLock } from "./rw-lock.js";

/**
 * Hands a request to dynalite's listener and rewraps the stream listeners it
 * attaches, without touching the body:
 *
 * - dynalite throws from inside stream events (a client that hangs up
 *   mid-body; a JSON body that is not an object such as `null` or `[]`).
 *   Thrown there, the error would take the whole process down.
 * - dynalite works on `end`, once the body is in. Only then does the request
 *   take the shared lock, so a transaction waits for requests being processed,
 *   never for a slow client still sending its body.
 */
export function handOverToDynalite(handle: RequestListener, req: IncomingMessage, res: ServerResponse, ctx: CallContext, lock: RwLock): void {
  // Listeners are kept in the order added: dynalite's come after any already there.
  const before = req.listenerCount("end");
  handle(req, res);
  req.removeAllListeners("error");
  req.on("error", () => res.destroy());
  for (const listener of (req.listeners("end") as ((...args: unknown[]) => void)[]).slice(before)) {
    req.removeListener("end", listener);
    req.on("end", (...args: unknown[]) => {
      void lock.acquireShared().then((release) => {
        if (res.destroyed) {
          release();
          return;
        }
        res.once("close", release);
        try {
          listener.apply(req, args);
        } catch (err) {
          if (res.headersSent) {
            res.destroy();
            return;
          }
          const reason = err instanceof Error ? err.message : String(err);
          sendJsonError(res, ctx, new AwsError("SerializationException", `The request body is not a valid DynamoDB request: ${reason}`), {
            typePrefix: "com.amazon.coral.service#",
          });
        }
      });
    });
  }
}
