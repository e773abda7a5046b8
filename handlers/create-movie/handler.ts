import { randomUUID } from "node:crypto";
import { dynamoClient, snsClient } from "../shared/aws-clients.js";
import { loadConfig } from "../shared/config.js";
import { EventPublisher } from "../shared/event-publisher.js";
import { httpHandler } from "../shared/http-handler.js";
import { logger } from "../shared/logger.js";
import { parseMovieInput } from "../shared/movie-input.js";
import { MovieRepository } from "../shared/movie-repository.js";
import { json } from "../shared/responses.js";

const config = loadConfig(["TABLE_NAME", "TOPIC_ARN"]);
const movies = new MovieRepository(dynamoClient(), config.TABLE_NAME);
const events = new EventPublisher(snsClient(), config.TOPIC_ARN, logger);

/** POST /movies */
export const handler = httpHandler(async ({ event, trace }) => {
  const input = parseMovieInput(event);
  const movie = await movies.create(randomUUID(), input);
  await events.publish({ type: "MovieCreated", detail: movie }, trace.traceparent);
  return json(201, movie, { Location: `/movies/${movie.id}` });
});
