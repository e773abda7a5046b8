/**
 * One stand-in execution environment for bench/system.ts's floors: the AWS
 * SDK calls the movies functions make, with the clients the functions build
 * (handlers/shared/aws-clients.ts: region, endpoint and credentials from the
 * environment, the movie repository's marshalling), bundled by the
 * functions' own esbuild options and run on the Node the cloud picks for
 * nodejs22.x. Nothing else: no bootstrap, no IPC per call, no logging. The
 * parent (the bench) names a call, a count and how many to keep in flight
 * over IPC; the worker answers when done, with each call's latency.
 */
import { randomUUID } from "node:crypto";
import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { PublishCommand } from "@aws-sdk/client-sns";
import { SendEmailCommand } from "@aws-sdk/client-ses";
import type { Context } from "aws-lambda";
import { dynamoClient, sesClient, snsClient } from "../../handlers/shared/aws-clients.js";
import { MovieRepository } from "../../handlers/shared/movie-repository.js";
import { runInFlight } from "./in-flight.js";

export type FloorCall = "get" | "put" | "publish" | "idempotency" | "send-email";

export interface FloorOrder {
  call: FloorCall;
  n: number;
  inFlight: number;
}

export interface FloorDone {
  /** wall ms of each call, in order of completion */
  latencies: number[];
  /** the first call that failed, if one did: a floor measured on errors is no floor */
  error?: string;
}

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`floor worker: ${name} is not set`);
  return v;
};
const TABLE = env("TABLE_NAME");
const MOVIE_ID = env("MOVIE_ID");
const movies = new MovieRepository(dynamoClient(), TABLE);

// As email-notification configures it: keyed on the SQS message id, an hour's expiry.
const idempotency = new IdempotencyConfig({ eventKeyJmesPath: "messageId", throwOnNoIdempotencyKey: true, expiresAfterSeconds: 3600 });
// the handler registers each invocation's context; a 3 s function's remaining time stands in for it
const context = { getRemainingTimeInMillis: () => 3000 } as Context;
const persistenceStore = new DynamoDBPersistenceLayer({ tableName: env("IDEMPOTENCY_TABLE_NAME"), awsSdkV3Client: dynamoClient() });
const idempotentNoop = makeIdempotent(async (record: { messageId: string }) => ({ messageId: record.messageId }), {
  persistenceStore,
  config: idempotency,
});

const calls: Record<FloorCall, () => Promise<unknown>> = {
  // get-movie: MovieRepository.get
  get: () => movies.get(MOVIE_ID),
  // create-movie: MovieRepository.create
  put: () => movies.create(randomUUID(), { title: "Floor", rating: 6, genres: ["drama"] }),
  // create-movie: EventPublisher.publish
  publish: () =>
    snsClient().send(
      new PublishCommand({
        TopicArn: env("TOPIC_ARN"),
        Message: JSON.stringify({ id: randomUUID(), title: "Floor", rating: 6, genres: ["drama"] }),
        MessageAttributes: {
          Type: { DataType: "String", StringValue: "MovieCreated" },
          traceparent: { DataType: "String", StringValue: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
        },
      }),
    ),
  // email-notification: Powertools' record for a new message id (a PutItem, then an UpdateItem with the result)
  idempotency: () => {
    idempotency.registerLambdaContext(context);
    return idempotentNoop({ messageId: randomUUID() });
  },
  // email-notification: sendEmail
  "send-email": () =>
    sesClient().send(
      new SendEmailCommand({
        Source: env("SOURCE_EMAIL"),
        Destination: { ToAddresses: [env("DESTINATION_EMAIL")] },
        Message: {
          Subject: { Data: "New Movie Added: Floor", Charset: "UTF-8" },
          Body: { Text: { Data: "A new movie was added.\n\nTitle: Floor\nRating: 6\nGenres: drama\nID: x", Charset: "UTF-8" } },
        },
      }),
    ),
};

process.on("message", async (order: FloorOrder) => {
  const one = calls[order.call];
  const latencies: number[] = [];
  try {
    await runInFlight(order.n, order.inFlight, one, latencies);
    process.send!({ latencies } satisfies FloorDone);
  } catch (error) {
    process.send!({ latencies, error: `${order.call}: ${(error as Error).name}: ${(error as Error).message}` } satisfies FloorDone);
  }
});
process.send!({ latencies: [] } satisfies FloorDone); // ready
