import { isMovieId } from "./movie.js";
import { fieldError } from "./request-error.js";

/**
 * nextToken is the Scan's LastEvaluatedKey, base64url-encoded so callers treat
 * it as opaque. The Movies key is `ID` only, so a valid token decodes to
 * exactly `{"ID": "<string>"}`; anything else is a 400, never a Scan error.
 */
export function encodePageToken(lastEvaluatedKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ ID: lastEvaluatedKey.ID }), "utf8").toString("base64url");
}

export function decodePageToken(token: string): { ID: string } {
  const invalid = () =>
    fieldError(
      "queryStringParameters.nextToken",
      "nextToken is not a token this API returned; pass the nextToken of the previous page unchanged, or omit it to start from the first page",
      "Invalid nextToken",
    );
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    Array.isArray(parsed) ||
    Object.keys(parsed).length !== 1 ||
    typeof (parsed as { ID?: unknown }).ID !== "string" ||
    // an id no movie can have (e.g. 2 KB, past DynamoDB's key size) is the caller's error, not a failed Scan
    !isMovieId((parsed as { ID: string }).ID)
  ) {
    throw invalid();
  }
  return { ID: (parsed as { ID: string }).ID };
}
