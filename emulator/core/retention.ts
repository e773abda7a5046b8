/**
 * How much of what the cloud records it keeps: the oldest entries go first,
 * so memory levels off under sustained load. Each bound comes from the cloud
 * option, else its environment variable, else the default.
 */
export interface Retention {
  /** sent emails kept in the SES mailbox (`/_aws/ses`) */
  mailboxMessages: number;
  /** log events kept per function (`/_movies/logs`, CloudWatch Logs reads) */
  logEventsPerFunction: number;
  /** API Gateway requests kept for `/_movies/api-requests` and the dev dashboard */
  apiRequests: number;
}

export const DEFAULT_RETENTION: Retention = { mailboxMessages: 5_000, logEventsPerFunction: 10_000, apiRequests: 1_000 };

export const RETENTION_ENV: Record<keyof Retention, string> = {
  mailboxMessages: "MOVIES_CLOUD_MAILBOX_LIMIT",
  logEventsPerFunction: "MOVIES_CLOUD_LOG_EVENTS_PER_FUNCTION",
  apiRequests: "MOVIES_CLOUD_API_REQUEST_LIMIT",
};

/** Resolves the bounds; a value that is not a positive integer is an error that names where it came from. */
export function retention(opts: Partial<Retention> = {}, env: NodeJS.ProcessEnv = process.env): Retention {
  const out = { ...DEFAULT_RETENTION };
  for (const k of Object.keys(DEFAULT_RETENTION) as (keyof Retention)[]) {
    const fromEnv = env[RETENTION_ENV[k]];
    const value = opts[k] ?? (fromEnv !== undefined && fromEnv !== "" ? Number(fromEnv) : undefined);
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`${opts[k] !== undefined ? `the ${k} option` : RETENTION_ENV[k]} must be a whole number of at least 1, not ${String(value)}`);
    }
    out[k] = value;
  }
  return out;
}
