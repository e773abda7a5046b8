/**
 * An error as AWS returns it. `code` is the AWS error code the SDK surfaces as
 * the error name (e.g. "QueueDoesNotExist", "NotFound", "MessageRejected").
 * Operations throw these; the wire codecs encode them per protocol.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
    readonly fault: "Sender" | "Receiver" = "Sender",
  ) {
    super(message);
    this.name = code;
  }
}

export function isAwsError(e: unknown): e is AwsError {
  return e instanceof AwsError;
}
