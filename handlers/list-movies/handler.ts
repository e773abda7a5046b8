import type { APIGatewayProxyEvent } from "aws-lambda";
import { dynamoClient } from "../shared/aws-clients.js";
import { loadConfig } from "../shared/config.js";
import { httpHandler } from "../shared/http-handler.js";
import { MovieRepository } from "../shared/movie-repository.js";
import { decodePageToken, encodePageToken } from "../shared/page-token.js";
import { fieldError } from "../shared/request-error.js";
import { json } from "../shared/responses.js";

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;

const config = loadConfig(["TABLE_NAME"]);
const movies = new MovieRepository(dynamoClient(), config.TABLE_NAME);

function limitParam(event: APIGatewayProxyEvent): number {
  const raw = event.queryStringParameters?.limit;
  if (raw === undefined || raw === null) return DEFAULT_LIMIT;
  const limit = /^\d{1,3}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) {
    throw fieldError(
      "queryStringParameters.limit",
      `limit must be a whole number from 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT}); got "${raw.slice(0, 40)}"`,
      "Invalid limit",
    );
  }
  return limit;
}

/** GET /movies?limit=&nextToken= */
export const handler = httpHandler(async ({ event }) => {
  const limit = limitParam(event);
  const token = event.queryStringParameters?.nextToken;
  const startKey = token === undefined || token === null ? undefined : decodePageToken(token);
  const page = await movies.list(limit, startKey);
  return json(200, page.lastKey ? { items: page.items, nextToken: encodePageToken(page.lastKey) } : { items: page.items });
});
