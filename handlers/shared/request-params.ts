import type { APIGatewayProxyEvent } from "aws-lambda";
import { canonicalMovieId, isMovieId } from "./movie.js";
import { fieldError } from "./request-error.js";

/** The `{movieID}` path parameter, or a 400 saying it must be a movie id. */
export function movieIdParam(event: Pick<APIGatewayProxyEvent, "pathParameters">): string {
  const raw = event.pathParameters?.movieID;
  const id = raw?.trim() ?? "";
  if (id === "") {
    throw fieldError("pathParameters.movieID", "the movie id in the path is empty; use /movies/<id>", "Missing movie id");
  }
  if (!isMovieId(id)) {
    throw fieldError(
      "pathParameters.movieID",
      `"${id.slice(0, 80)}" is not a movie id; ids are 1-64 letters, digits, - or _, such as 3f0b6c1e-5a8d-4c2b-9e57-0d7a1f2c4b6a or 1`,
      "Malformed movie id",
    );
  }
  return canonicalMovieId(id);
}
