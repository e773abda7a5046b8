/** Powertools' own default: a record keeps a message from being sent twice for an hour. */
export const DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS = 3600;

/**
 * How long an idempotency record lives (the table's TTL attribute is set this
 * far ahead), from the optional IDEMPOTENCY_EXPIRES_AFTER_SECONDS. The table
 * holds about (emails per second x this) records in steady state, so a
 * shorter expiry bounds it sooner; it must stay longer than a message can be
 * redelivered (the queue's visibility timeout times its receive count), or a
 * redelivery after expiry sends a second email.
 */
export function idempotencyExpirySeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.IDEMPOTENCY_EXPIRES_AFTER_SECONDS?.trim();
  if (!raw) return DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS;
  const seconds = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(seconds) || seconds < 1) {
    throw new Error(`IDEMPOTENCY_EXPIRES_AFTER_SECONDS is '${raw}': set it to a whole number of seconds of at least 1, or unset it for ${DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS}`);
  }
  return seconds;
}
