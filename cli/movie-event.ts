/** A movie event as `tail-events` shows it. */
export interface MovieEvent {
  time: string;
  type: string;
  id?: string;
  title?: string;
  traceId?: string;
  body: unknown;
}

type Attr = { StringValue?: string };

/** Reads one SQS message carrying a movie event (raw delivery: body is the event, Type is an attribute). */
export function toEvent(body: string, attributes: Record<string, Attr> | undefined, sentAt?: string): MovieEvent {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    // not JSON: shown as it is
  }
  const traceparent = attributes?.traceparent?.StringValue;
  return {
    time: sentAt ? new Date(Number(sentAt)).toISOString() : new Date().toISOString(),
    type: attributes?.Type?.StringValue ?? String(parsed.type ?? "unknown"),
    id: typeof parsed.id === "string" ? parsed.id : undefined,
    title: typeof parsed.title === "string" ? parsed.title : undefined,
    traceId: traceparent?.split("-")[1],
    body: Object.keys(parsed).length ? parsed : body,
  };
}
