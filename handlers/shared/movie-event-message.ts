import type { SQSRecord } from "aws-lambda";
import { isMovieEventType, MOVIE_EVENT_DETAIL_SCHEMAS, MOVIE_EVENT_TYPES, type MovieEvent } from "./movie-events.js";

/** A queue message that is not a movie event; it fails so it reaches the dead-letter queue. */
export class MalformedEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedEventError";
  }
}

/**
 * The movie event in an SQS message delivered raw from the topic: the body is
 * the event detail, the `Type` message attribute names the event.
 */
export function movieEventFromMessage(record: Pick<SQSRecord, "body" | "messageAttributes">): MovieEvent {
  const type = record.messageAttributes?.Type?.stringValue;
  if (type === undefined) {
    throw new MalformedEventError(
      "Message has no Type attribute; expected one of " + MOVIE_EVENT_TYPES.join(", ") + " (is raw message delivery enabled on the subscription?)",
    );
  }
  if (!isMovieEventType(type)) {
    throw new MalformedEventError(`Unknown event type "${type}"; expected one of ${MOVIE_EVENT_TYPES.join(", ")}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new MalformedEventError(`${type} message body is not JSON`);
  }
  const parsed = MOVIE_EVENT_DETAIL_SCHEMAS[type].safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    throw new MalformedEventError(`${type} message body is not the expected event: ${problems}`);
  }
  return { type, detail: parsed.data } as MovieEvent;
}
