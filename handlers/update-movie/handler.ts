import { dynamoClient, snsClient } from "../shared/aws-clients.js";
import { loadConfig } from "../shared/config.js";
import { EventPublisher } from "../shared/event-publisher.js";
import { httpHandler } from "../shared/http-handler.js";
import { logger } from "../shared/logger.js";
import { parseMovieInput } from "../shared/movie-input.js";
import { MovieRepository } from "../shared/movie-repository.js";
import { movieIdParam } from "../shared/request-params.js";
import { json, notFound } from "../shared/responses.js";

const config = loadConfig(["TABLE_NAME", "TOPIC_ARN"]);
const movies = new MovieRepository(dynamoClient(), config.TABLE_NAME);
const events = new EventPublisher(snsClient(), config.TOPIC_ARN, logger);

/** PUT /movies/{movieID}: replaces title, rating and genres; never creates. */
export const handler = httpHandler(async ({ event, trace }) => {
  const id = movieIdParam(event);
  const input = parseMovieInput(event);
  const movie = await movies.replace(id, input);
  if (!movie) return notFound();
  await events.publish({ type: "MovieUpdated", detail: movie }, trace.traceparent);
  return json(200, movie);
});
