import type { APIGatewayProxyEvent } from "aws-lambda";
import { MovieInputSchema, type MovieInput } from "./movie.js";
import { parseJsonBody } from "./request-body.js";
import { fromZodError } from "./request-error.js";

const FIELDS = ["title", "rating", "genres"] as const;

/** The validated movie in a create or replace request, or a 400 listing every problem. */
export function parseMovieInput(event: Pick<APIGatewayProxyEvent, "body" | "headers" | "isBase64Encoded">): MovieInput {
  const result = MovieInputSchema.safeParse(parseJsonBody(event));
  if (!result.success) throw fromZodError(result.error, FIELDS);
  return result.data;
}
