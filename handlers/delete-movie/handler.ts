import { dynamoClient, snsClient } from "../shared/aws-clients.js";
import { loadConfig } from "../shared/config.js";
import { EventPublisher } from "../shared/event-publisher.js";
import { httpHandler } from "../shared/http-handler.js";
import { logger } from "../shared/logger.js";
import { MovieRepository } from "../shared/movie-repository.js";
import { movieIdParam } from "../shared/request-params.js";
import { noContent, notFound } from "../shared/responses.js";

const config = loadConfig(["TABLE_NAME", "TOPIC_ARN"]);
const movies = new MovieRepository(dynamoClient(), config.TABLE_NAME);
const events = new EventPublisher(snsClient(), config.TOPIC_ARN, logger);

/** DELETE /movies/{movieID}: announces the deletion only when something was deleted. */
export const handler = httpHandler(async ({ event, trace }) => {
  const deleted = await movies.delete(movieIdParam(event));
  if (!deleted) return notFound();
  await events.publish({ type: "MovieDeleted", detail: { id: deleted.id } }, trace.traceparent);
  return noContent();
});
