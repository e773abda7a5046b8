import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { SendEmailCommand } from "@aws-sdk/client-ses";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { dynamoClient, sesClient } from "../shared/aws-clients.js";
import { loadConfig } from "../shared/config.js";
import { logger } from "../shared/logger.js";
import { movieEventFromMessage } from "../shared/movie-event-message.js";
import { emailFor } from "../shared/movie-email.js";
import { idempotencyExpirySeconds } from "./idempotency-expiry.js";
import type { MovieEvent } from "../shared/movie-events.js";
import { parseTraceparent } from "../shared/traceparent.js";

const config = loadConfig(["SOURCE_EMAIL", "DESTINATION_EMAIL", "IDEMPOTENCY_TABLE_NAME"]);
const processor = new BatchProcessor(EventType.SQS);
// The idempotency record is keyed on the SQS message id: a redelivered
// message (visibility timeout, at-least-once delivery) finds the record of its
// first, completed run and sends nothing.
const idempotency = new IdempotencyConfig({ eventKeyJmesPath: "messageId", throwOnNoIdempotencyKey: true, expiresAfterSeconds: idempotencyExpirySeconds() });
const persistenceStore = new DynamoDBPersistenceLayer({
  tableName: config.IDEMPOTENCY_TABLE_NAME,
  awsSdkV3Client: dynamoClient(),
});

async function sendEmail(record: SQSRecord, event: MovieEvent): Promise<{ messageId: string; sesMessageId?: string }> {
  const email = emailFor(event);
  const out = await sesClient().send(
    new SendEmailCommand({
      Source: config.SOURCE_EMAIL,
      Destination: { ToAddresses: [config.DESTINATION_EMAIL] },
      Message: {
        Subject: { Data: email.subject, Charset: "UTF-8" },
        Body: { Text: { Data: email.body, Charset: "UTF-8" } },
      },
    }),
  );
  logger.info("Sent notification email", { eventType: event.type, sesMessageId: out.MessageId });
  return { messageId: record.messageId, sesMessageId: out.MessageId };
}

const sendEmailOnce = makeIdempotent(sendEmail, { persistenceStore, config: idempotency });

async function processRecord(record: SQSRecord): Promise<unknown> {
  const trace = parseTraceparent(record.messageAttributes?.traceparent?.stringValue);
  logger.appendKeys({ messageId: record.messageId, traceId: trace?.traceId });
  try {
    return await sendEmailOnce(record, movieEventFromMessage(record));
  } catch (error) {
    // Reported as a batch item failure: SQS retries it alone, then moves it to the DLQ.
    logger.error("Failed to process message", { error: error as Error, body: record.body });
    throw error;
  } finally {
    logger.removeKeys(["messageId", "traceId"]);
  }
}

/** SQS batch: one email per movie event, failures reported per message. */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.resetKeys();
  logger.addContext(context);
  idempotency.registerLambdaContext(context);
  // Sequential, so each record's log keys (messageId, traceId) stay its own.
  // Without throwOnFullBatchFailure=false an all-failed batch throws, which
  // SQS also retries; returning every id keeps one behaviour for any batch.
  return processPartialResponse(event, processRecord, processor, {
    context,
    processInParallel: false,
    throwOnFullBatchFailure: false,
  });
}
