/** The configuration the handlers under unit test run with. */
export const HANDLER_ENV = {
  TABLE_NAME: "Movies",
  TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:movie-updates-topic",
  SOURCE_EMAIL: "movies@example.com",
  DESTINATION_EMAIL: "fan@example.com",
  IDEMPOTENCY_TABLE_NAME: "MoviesIdempotency",
} as const;

/** Sets the handler environment; call before importing a handler (config is read at module load). */
export function setHandlerEnv(): void {
  Object.assign(process.env, HANDLER_ENV, {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    // Makes the Powertools logger write through the global console, which tests capture.
    POWERTOOLS_DEV: "true",
  });
}
