import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsError, isAwsError } from "../core/aws-error.js";
import type { CallContext, RouteInfo, Service } from "../core/service.js";
import { readJson, sendJson, sendJsonError } from "../wire/aws-json.js";
import { shapeOf, SQS_ERROR_TYPE_PREFIX } from "./errors.js";
import type { SqsModel } from "./model.js";
import { SQS_OPERATIONS } from "./operations.js";
import { SqsRowState } from "./row-state.js";
import type { RowState } from "../core/row-state.js";

const TARGET_PREFIX = "AmazonSQS.";

/** SQS over AWS JSON 1.0 (`X-Amz-Target: AmazonSQS.<Action>`), with awsQuery-compatible error codes. */
export class SqsService implements Service {
  readonly name = "sqs";
  /** one row per queue and per message: a send writes one row, not the whole queue */
  readonly rows: RowState;

  constructor(private readonly model: SqsModel) {
    this.rows = new SqsRowState(model);
  }

  claims(route: RouteInfo): boolean {
    return route.target !== undefined && route.target.startsWith(TARGET_PREFIX);
  }

  async handle(req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext): Promise<void> {
    const action = route.target!.slice(TARGET_PREFIX.length);
    try {
      const op = Object.hasOwn(SQS_OPERATIONS, action) ? SQS_OPERATIONS[action] : undefined;
      if (!op) {
        req.resume();
        throw new AwsError("UnknownOperationException", `SQS has no operation named ${action}.`);
      }
      const input = await readJson(req);
      // A long poll whose client hung up must not swallow messages that arrive afterwards.
      const onClientGone = (listener: () => void) => {
        if (res.closed) listener();
        else res.once("close", () => res.writableFinished || listener());
      };
      const out = await op(this.model, input, { ctx, onClientGone });
      if (!res.destroyed) sendJson(res, ctx, out);
    } catch (err) {
      const e = isAwsError(err)
        ? err
        : new AwsError("InternalError", `The SQS emulator failed: ${(err as Error)?.message ?? String(err)}`, 500, "Receiver");
      if (res.headersSent || res.destroyed) return;
      sendJsonError(res, ctx, new AwsError(shapeOf(e.code), e.message, e.statusCode, e.fault), {
        typePrefix: SQS_ERROR_TYPE_PREFIX,
        queryErrorCode: e.code,
      });
    }
  }

  status(): Record<string, unknown> {
    return { queues: this.model.queueCount };
  }

  snapshot(): unknown {
    return this.model.snapshot();
  }

  restore(state: unknown): void {
    this.model.restore(state);
  }

  async close(): Promise<void> {
    this.model.close();
  }
}
