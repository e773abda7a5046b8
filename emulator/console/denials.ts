import type { FunctionRegistry } from "../lambda/functions.js";
import type { LogStore } from "../lambda/logs/log-store.js";
import type { Denial } from "./shapes.js";

export type { Denial } from "./shapes.js";

// The two wordings AWS (and the cloud's IAM) use in AccessDenied messages; SES v1 quotes with backticks.
const WORDED = /User: (\S+) is not authorized to perform: (\S+) on resource: (\S+)/;
const SES_V1 = /User `([^']+)' is not authorized to perform `([^']+)' on resource `([^']+)'/;

/** `arn:aws:sts::1:assumed-role/NAME/session` -> the role's name, the part a person fixes. */
const roleOf = (principal: string) => /assumed-role\/([^/]+)/.exec(principal)?.[1] ?? principal;

/**
 * Denied calls as the functions that made them saw them: the AccessDenied
 * error each SDK call got back is in the function's log, with the principal,
 * the action and the resource. Newest first.
 */
export function denials(registry: FunctionRegistry, logs: LogStore, limit = 200): Denial[] {
  const out: Denial[] = [];
  for (const f of registry.list()) {
    const name = f.FunctionName!;
    const seen = new Set<string>();
    for (const e of logs.query({ functionName: name })) {
      const m = WORDED.exec(e.message) ?? SES_V1.exec(e.message);
      if (!m) continue;
      // One failed call is often logged twice (the SDK error and the handler's report): keep one per invocation and action.
      const key = `${e.requestId ?? e.timestamp}|${m[2]}|${m[3]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // The message ends where the log line's JSON string or text line does (AWS's wording has no double quote).
      const line = e.message.slice(m.index, m.index + 600).split(/["\n\\]/)[0]!;
      out.push({ time: e.timestamp, function: name, ...(e.requestId && { requestId: e.requestId }), role: roleOf(m[1]!), action: m[2]!, resource: m[3]!.replace(/[",}\\]+$/, ""), message: line });
    }
  }
  return out.sort((a, b) => b.time - a.time).slice(0, limit);
}
