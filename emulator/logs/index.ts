import type { Service } from "../core/service.js";
import type { LogStore } from "../lambda/logs/log-store.js";
import { LogsModel } from "./model.js";
import { logsService } from "./service.js";

export { LogsModel } from "./model.js";

/**
 * CloudWatch Logs, fed by the Lambda runtime: every line a function writes
 * lands in its log group (`/aws/lambda/<function>` unless its LoggingConfig
 * names another) in the stream of the execution environment that wrote it.
 */
export function createLogs(opts: { accountId: string; region: string; lambdaLogs?: LogStore }): { service: Service; model: LogsModel } {
  // One bound for a function's log events, whichever API reads them: the runtime's store and the group keep as many.
  const model = new LogsModel(opts.accountId, opts.lambdaLogs?.eventsPerFunction);
  const unsubscribe = opts.lambdaLogs?.subscribe(undefined, (e) =>
    // Lambda's lines end with a newline in CloudWatch Logs; the runtime's store keeps them without.
    model.appendFromLambda(opts.region, e.logGroupName, e.logStreamName, { timestamp: e.timestamp, message: `${e.message}\n` }),
  );
  const service = logsService(model);
  return { service: { ...service, close: async () => unsubscribe?.() }, model };
}
