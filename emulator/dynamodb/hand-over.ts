import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsError } from "../core/aws-error.js";
import type { CallContext } from "../core/service.js";
import { sendJsonError } from "../wire/aws-json.js";

/**
 * dynalite's request listeners throw from inside stream events: on a client
 * that hangs up mid-body, and on a JSON body that is not an object (`null`,
 * `[]`, `1`). Thrown there, the error would take the whole process down. This
 * rewraps the listeners dynalite just attached, without touching the body.
 */
export function guardDynaliteListeners(req: IncomingMessage, res: ServerResponse, ctx: CallContext): void {
  req.removeAllListeners("error");
  req.on("error", () => res.destroy());
  for (const listener of req.listeners("end") as ((...args: unknown[]) => void)[]) {
    req.removeListener("end", listener);
    req.on("end", (...args: unknown[]) => {
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
  }
}
