import type { StackStore } from "../admin/stack-store.js";
import type { RequestLog } from "../apigateway/request-log.js";
import type { FunctionRegistry } from "../lambda/functions.js";
import type { LogStore } from "../lambda/logs/log-store.js";
import type { SesModel } from "../ses/model.js";
import type { SqsModel } from "../sqs/model.js";
import { denials } from "./denials.js";
import { invocations } from "./functions.js";
import { summarize, type QueueSummary } from "./queues.js";
import type { Tables } from "./tables.js";

export interface OverviewDeps {
  stacks: StackStore;
  sqs: SqsModel;
  ses: SesModel;
  lambda: FunctionRegistry;
  logs: LogStore;
  requestLog: RequestLog;
  tables: Tables;
}

/** A stack output as text: the loader keeps strings, maps (function_names) and numbers. */
function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === "string" ? v : JSON.stringify(v);
}

function functionNames(v: unknown): Record<string, string> {
  if (typeof v === "string") {
    try {
      return JSON.parse(v) as Record<string, string>;
    } catch {
      return {};
    }
  }
  return v && typeof v === "object" ? (v as Record<string, string>) : {};
}

const queueName = (url: string | undefined) => url?.slice(url.lastIndexOf("/") + 1);

/**
 * The deployed system as the picture draws it: the resources the stack's
 * outputs name, each with its live count.
 */
export async function overview(deps: OverviewDeps, region: string) {
  const stackName = deps.stacks.names()[0];
  const outputs: Record<string, unknown> = {};
  for (const [k, o] of Object.entries((stackName && deps.stacks.get(stackName)?.outputs) || {})) outputs[k] = o.value;
  const fns = functionNames(outputs.function_names);
  const queue = (url: string | undefined): QueueSummary | undefined => {
    const q = url && deps.sqs.getQueue(region, queueName(url)!);
    return q ? summarize(deps.sqs, q) : undefined;
  };
  const table = text(outputs.table_name);
  const requests = deps.requestLog.since(0);
  const denied = new Map<string, number>();
  for (const d of denials(deps.lambda, deps.logs, Number.MAX_SAFE_INTEGER)) denied.set(d.function, (denied.get(d.function) ?? 0) + 1);
  return {
    stack: stackName ?? null,
    apiUrl: text(outputs.api_url) ?? null,
    apiKey: text(outputs.api_key) ?? null,
    topicArn: text(outputs.topic_arn) ?? null,
    table: table ? { name: table, items: await deps.tables.count(table).catch(() => null) } : null,
    queue: queue(text(outputs.queue_url)) ?? null,
    dlq: queue(text(outputs.dlq_url)) ?? null,
    requests: { total: requests.length, errors: requests.filter((r) => r.status >= 500).length, throttled: requests.filter((r) => r.status === 429).length },
    emails: deps.ses.messages().length,
    functions: Object.entries(fns).map(([role, name]) => {
      const exists = deps.lambda.has(name);
      const runs = exists ? invocations(deps.logs.query({ functionName: name }), Number.MAX_SAFE_INTEGER) : [];
      return { role, name, exists, invocations: runs.length, errors: runs.filter((r) => r.error).length, denied: denied.get(name) ?? 0 };
    }),
  };
}
