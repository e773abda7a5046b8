/** Lambda ends execution environments that stay idle for a while; AWS does not document how long (minutes, in practice). */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;

export const IDLE_TIMEOUT_ENV = "MOVIES_LAMBDA_IDLE_SECONDS";

/**
 * How long an idle execution environment (a child process) is kept before it
 * is ended: the option, else MOVIES_LAMBDA_IDLE_SECONDS, else 5 minutes. A
 * value that is not a positive number is an error naming where it came from.
 */
export function idleTimeoutMs(option: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (option !== undefined) return option;
  const raw = env[IDLE_TIMEOUT_ENV];
  if (raw === undefined || raw === "") return DEFAULT_IDLE_TIMEOUT_MS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`${IDLE_TIMEOUT_ENV} must be a number of seconds greater than 0, not '${raw}'`);
  return Math.round(seconds * 1000);
}
