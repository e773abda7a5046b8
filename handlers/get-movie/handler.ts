import { dynamoClient } from "../shared/aws-clients.js";
import { loadConfig } from "../shared/config.js";
import { httpHandler } from "../shared/http-handler.js";
import { MovieRepository } from "../shared/movie-repository.js";
import { movieIdParam } from "../shared/request-params.js";
import { json, notFound } from "../shared/responses.js";

const config = loadConfig(["TABLE_NAME"]);
const movies = new MovieRepository(dynamoClient(), config.TABLE_NAME);

/** GET /movies/{movieID} */
export const handler = httpHandler(async ({ event }) => {
  const movie = await movies.get(movieIdParam(event));
  return movie ? json(200, movie) : notFound();
});
