import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsError, isAwsError } from "../core/aws-error.js";
import type { CallContext, RouteInfo, Service } from "../core/service.js";
import { AWS_JSON_11_CONTENT_TYPE, readJson, sendJson, sendJsonError } from "../wire/aws-json.js";
import type { LogsModel, LogsSnapshot } from "./model.js";
import { LOGS_OPERATIONS } from "./operations.js";

const TARGET_PREFIX = "Logs_20140328.";

/** CloudWatch Logs over AWS JSON 1.1 (`X-Amz-Target: Logs_20140328.<Action>`). */
export function logsService(model: LogsModel): Service {
  return {
    name: "logs",
    claims: (route: RouteInfo) => route.target?.startsWith(TARGET_PREFIX) === true,
    async handle(req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext) {
      const action = route.target!.slice(TARGET_PREFIX.length);
      try {
        const op = Object.hasOwn(LOGS_OPERATIONS, action) ? LOGS_OPERATIONS[action] : undefined;
        if (!op) {
          req.resume();
          throw new AwsError(
            "UnknownOperationException",
            `CloudWatch Logs has no operation ${action} in the embedded cloud (it serves ${Object.keys(LOGS_OPERATIONS).join(", ")})`,
          );
        }
        sendJson(res, ctx, op(model, await readJson(req), ctx), 200, AWS_JSON_11_CONTENT_TYPE);
      } catch (err) {
        if (!isAwsError(err)) throw err;
        sendJsonError(res, ctx, err, { contentType: AWS_JSON_11_CONTENT_TYPE });
      }
    },
    snapshot: () => model.snapshot(),
    restore: (state) => model.restore(state as LogsSnapshot),
    status: () => ({ logGroups: model.groupCount }),
  };
}
