import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SendEmailCommand, SESClient } from "@aws-sdk/client-ses";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { captureLogs } from "../testing/captured-logs.js";
import { importWithout } from "../testing/import-without.js";
import { fakeIdempotencyTable } from "../testing/fake-idempotency-table.js";
import { HANDLER_ENV, setHandlerEnv } from "../testing/handler-env.js";
import { lambdaContext, sqsEvent, sqsRecord, type QueueMessage } from "../testing/lambda-events.js";

setHandlerEnv();
const { handler } = await import("./handler.js");

const ddb = mockClient(DynamoDBClient);
const ses = mockClient(SESClient);
const ID = "0b7e6a4e-2f1c-4d3b-9a8e-5c6d7e8f9a0b";
const MOVIE = { id: ID, title: "Up", rating: 8.3, genres: ["Animation", "Comedy"] };
const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

const created: QueueMessage = { type: "MovieCreated", body: JSON.stringify(MOVIE) };
const updated: QueueMessage = { type: "MovieUpdated", body: JSON.stringify({ ...MOVIE, title: "Up (2009)" }) };
const deleted: QueueMessage = { type: "MovieDeleted", body: JSON.stringify({ id: ID }) };

const deliver = (...records: ReturnType<typeof sqsRecord>[]) => handler(sqsEvent(records), lambdaContext("email-notification"));
const sentEmails = () =>
  ses.commandCalls(SendEmailCommand).map((call) => {
    const input = call.args[0].input;
    return {
      from: input.Source,
      to: input.Destination?.ToAddresses,
      subject: input.Message?.Subject?.Data,
      body: input.Message?.Body?.Text?.Data,
    };
  });

let logs: ReturnType<typeof captureLogs>;
let idempotencyItems: ReturnType<typeof fakeIdempotencyTable>;
beforeEach(() => {
  ddb.reset();
  ses.reset();
  idempotencyItems = fakeIdempotencyTable(ddb);
  ses.on(SendEmailCommand).resolves({ MessageId: "ses-1" });
  logs = captureLogs();
});
afterEach(() => vi.restoreAllMocks());

describe("email-notification", () => {
  it("sends one email per event type with its subject and body", async () => {
    const out = await deliver(sqsRecord(created), sqsRecord(updated), sqsRecord(deleted));
    expect(out).toEqual({ batchItemFailures: [] });
    const emails = sentEmails();
    expect(emails).toHaveLength(3);
    for (const email of emails) {
      expect(email.from).toBe(HANDLER_ENV.SOURCE_EMAIL);
      expect(email.to).toEqual([HANDLER_ENV.DESTINATION_EMAIL]);
    }
    const bySubject = Object.fromEntries(emails.map((e) => [e.subject, e.body]));
    expect(bySubject["New Movie Added: Up"]).toBe(
      `A new movie was added.\n\nTitle: Up\nRating: 8.3\nGenres: Animation, Comedy\nID: ${ID}`,
    );
    expect(bySubject["Movie Updated: Up (2009)"]).toMatch(/^A movie was updated\.\n\nTitle: Up \(2009\)/);
    expect(bySubject[`Movie Deleted. ID: ${ID}`]).toBe(`The movie with ID ${ID} was deleted.`);
    expect(bySubject[`Movie Deleted. ID: ${ID}`]).not.toMatch(/updated/i);
  });

  it("reports only the failed message of a batch, so the others are not sent again", async () => {
    const good1 = sqsRecord(created);
    const bad = sqsRecord({ ...updated, body: "{not json" });
    const good2 = sqsRecord(deleted);
    const out = await deliver(good1, bad, good2);
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    expect(sentEmails().map((e) => e.subject).sort()).toEqual([`Movie Deleted. ID: ${ID}`, "New Movie Added: Up"]);
  });

  it("reports a message whose email SES rejects, and lets it be retried", async () => {
    ses.on(SendEmailCommand).rejectsOnce(new Error("MessageRejected")).resolves({ MessageId: "ses-2" });
    const record = sqsRecord(created);
    expect(await deliver(record)).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    // The failed attempt leaves no idempotency record behind, so the redelivery sends.
    expect(await deliver(record)).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
  });

  it("sends one email for a message delivered twice", async () => {
    const record = sqsRecord(created);
    expect(await deliver(record)).toEqual({ batchItemFailures: [] });
    expect(await deliver({ ...record, receiptHandle: "second-delivery" })).toEqual({ batchItemFailures: [] });
    expect(sentEmails()).toHaveLength(1);
    expect(idempotencyItems.size).toBe(1);
    const [stored] = [...idempotencyItems.values()];
    expect(stored!.status!.S).toBe("COMPLETED");
  });

  it("treats different messages with the same content as different notifications", async () => {
    await deliver(sqsRecord(created), sqsRecord(created));
    expect(sentEmails()).toHaveLength(2);
  });

  it.each([
    ["an unknown Type", { type: "MovieRated", body: JSON.stringify(MOVIE) }, /Unknown event type "MovieRated"/],
    ["no Type attribute", { body: JSON.stringify(MOVIE) }, /no Type attribute/],
    ["a body that is not JSON", { type: "MovieCreated", body: "hello" }, /not JSON/],
    ["a body without the movie fields", { type: "MovieCreated", body: JSON.stringify({ id: ID }) }, /title/],
    ["a deletion without an id", { type: "MovieDeleted", body: JSON.stringify({}) }, /id/],
    ["an SNS envelope (raw delivery off)", { type: "MovieCreated", body: JSON.stringify({ Type: "Notification", Message: "{}" }) }, /not the expected event/],
  ])("reports %s as a failure (dead-letter queue) and sends nothing", async (_label, message, logged) => {
    const record = sqsRecord(message as QueueMessage);
    expect(await deliver(record)).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect(sentEmails()).toHaveLength(0);
    const error = logs.entries().find((e) => e.level === "ERROR");
    expect((error?.error as { message?: string } | undefined)?.message).toMatch(logged);
    expect(error?.messageId).toBe(record.messageId);
  });

  it("logs each message with its own id and the trace id it carries", async () => {
    const other = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const first = sqsRecord({ ...created, traceparent: TRACEPARENT });
    const second = sqsRecord({ ...deleted, traceparent: other });
    await deliver(first, second);
    const sent = logs.entries().filter((e) => e.message === "Sent notification email");
    expect(sent.map((e) => [e.messageId, e.traceId])).toEqual([
      [first.messageId, "4bf92f3577b34da6a3ce929d0e0e4736"],
      [second.messageId, "0af7651916cd43dd8448eb211c80319c"],
    ]);
  });

  it("stores idempotency records in the configured table", async () => {
    await deliver(sqsRecord(created));
    const tables = ddb.calls().map((call) => (call.args[0].input as { TableName?: string }).TableName);
    expect(new Set(tables)).toEqual(new Set([HANDLER_ENV.IDEMPOTENCY_TABLE_NAME]));
  });

  it.each(["SOURCE_EMAIL", "DESTINATION_EMAIL", "IDEMPOTENCY_TABLE_NAME"])("fails its cold start with an error naming %s when it is not set", async (variable) => {
    await expect(importWithout(variable, () => import("./handler.js"))).rejects.toThrow(
      new RegExp(`Missing configuration: environment variable ${variable} not set`),
    );
  });
});
