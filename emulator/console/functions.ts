import type { FunctionRegistry } from "../lambda/functions.js";
import type { LogEvent, LogStore } from "../lambda/logs/log-store.js";
import { ConsoleError } from "./http.js";

export interface Invocation {
  requestId: string;
  time: number;
  durationMs: number;
  /** set on a cold start: the environment's init time */
  initMs?: number;
  memoryUsedMb?: number;
  error: boolean;
}

const REPORT = /^REPORT RequestId: (\S+)\s+Duration: ([\d.]+) ms.*?(?:Max Memory Used: (\d+) MB)?(?:\s+Init Duration: ([\d.]+) ms)?/s;
/** What the runtime logs when a handler fails (its error line) or times out. */
const FAILED = /(^|\t)ERROR\t|Task timed out|Runtime\.\w+Error|"errorType"/;

/** Recent invocations as the REPORT lines Lambda writes after each one tell them, newest first. */
export function invocations(events: LogEvent[], limit: number): Invocation[] {
  const failed = new Set<string>();
  for (const e of events) if (e.requestId && FAILED.test(e.message)) failed.add(e.requestId);
  const out: Invocation[] = [];
  for (let i = events.length - 1; i >= 0 && out.length < limit; i--) {
    const m = REPORT.exec(events[i]!.message);
    if (!m) continue;
    out.push({
      requestId: m[1]!,
      time: events[i]!.timestamp,
      durationMs: Number(m[2]),
      ...(m[3] && { memoryUsedMb: Number(m[3]) }),
      ...(m[4] && { initMs: Number(m[4]) }),
      error: failed.has(m[1]!),
    });
  }
  return out;
}

export function listFunctions(registry: FunctionRegistry) {
  return registry.list().map((f) => ({ name: f.FunctionName, runtime: f.Runtime, memoryMb: f.MemorySize, timeoutS: f.Timeout, handler: f.Handler, environments: registry.stats(f.FunctionName!) }));
}

export function functionDetail(registry: FunctionRegistry, logs: LogStore, name: string) {
  if (!registry.has(name)) throw new ConsoleError(404, `no function named ${name}`);
  const config = registry.get(name);
  const events = logs.query({ functionName: name, limit: 2000 });
  return {
    name,
    configuration: {
      FunctionArn: config.FunctionArn,
      Runtime: config.Runtime,
      Handler: config.Handler,
      MemorySize: config.MemorySize,
      Timeout: config.Timeout,
      Role: config.Role,
      LastModified: config.LastModified,
      CodeSize: config.CodeSize,
      Environment: config.Environment?.Variables ?? {},
    },
    environments: registry.stats(name),
    invocations: invocations(events, 50),
    logs: events.slice(-200).map((e) => ({ timestamp: e.timestamp, requestId: e.requestId, message: e.message })),
  };
}

export async function invoke(registry: FunctionRegistry, name: string, payload: unknown) {
  if (!registry.has(name)) throw new ConsoleError(404, `no function named ${name}`);
  if (typeof payload !== "string") throw new ConsoleError(400, 'send { "payload": "<the event as JSON text>" }');
  try {
    JSON.parse(payload === "" ? "{}" : payload);
  } catch {
    throw new ConsoleError(400, "the payload is not valid JSON");
  }
  const r = await registry.invoke(name, payload === "" ? "{}" : payload, { invocationType: "RequestResponse", logType: "Tail" });
  return {
    statusCode: r.statusCode,
    requestId: r.requestId,
    payload: r.payload,
    ...(r.functionError && { functionError: r.functionError }),
    log: r.logResult ? Buffer.from(r.logResult, "base64").toString("utf8") : "",
  };
}
