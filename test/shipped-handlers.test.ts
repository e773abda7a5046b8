import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetSendQuotaCommand, SESClient, VerifyEmailIdentityCommand } from "@aws-sdk/client-ses";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyResult, SQSBatchResponse, SQSRecord } from "aws-lambda";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FUNCTION_NAMES, type FunctionName } from "../handlers/functions.js";
import { BundleWorker } from "../handlers/testing/bundle-worker.js";
import { apiEvent, JSON_HEADERS, type ApiRequest } from "../handlers/testing/lambda-events.js";
import { bundleFunctions } from "../scripts/bundle-functions.js";
import { ensureBuilt } from "./support/built-functions.js";
import { motoMissingReason, startMoto, type MotoServer } from "./support/moto.js";

const REGION = "us-east-1";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
const SOURCE_EMAIL = "movies@example.com";
const DESTINATION_EMAIL = "fan@example.com";
const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const ROOT_DIR = path.resolve(import.meta.dirname, "..");

const missing = motoMissingReason();
if (missing) console.warn(`skipping shipped-handler tests against moto: ${missing}`);

describe.skipIf(missing)("shipped handlers against moto", () => {
  let moto: MotoServer;
  let workDir: string;
  const workers = new Map<FunctionName, BundleWorker>();
  let documents: DynamoDBDocumentClient;
  let sqs: SQSClient;
  let ses: SESClient;
  let queueUrl: string;
  const tableName = "Movies";

  beforeAll(async () => {
    const [server, functionsDir] = await Promise.all([startMoto(), ensureBuilt()]);
    moto = server;
    const aws = { region: REGION, endpoint: moto.url, credentials: CREDENTIALS };
    const dynamo = new DynamoDBClient(aws);
    documents = DynamoDBDocumentClient.from(dynamo);
    sqs = new SQSClient(aws);
    const sns = new SNSClient(aws);

    await dynamo.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: "ID", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "ID", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await dynamo.send(
      new CreateTableCommand({
        TableName: "MoviesIdempotency",
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "movie-updates-topic" }));
    ({ QueueUrl: queueUrl } = (await sqs.send(new CreateQueueCommand({ QueueName: "movie-updates-queue" }))) as { QueueUrl: string });
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: "sqs",
        Endpoint: Attributes!.QueueArn,
        Attributes: { RawMessageDelivery: "true" },
      }),
    );
    ses = new SESClient(aws);
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: SOURCE_EMAIL }));

    workDir = await mkdtemp(path.join(tmpdir(), "movies-shipped-"));
    const env = {
      PATH: process.env.PATH ?? "",
      AWS_ENDPOINT_URL: moto.url,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      TABLE_NAME: tableName,
      TOPIC_ARN: TopicArn!,
      SOURCE_EMAIL,
      DESTINATION_EMAIL,
      IDEMPOTENCY_TABLE_NAME: "MoviesIdempotency",
    };
    for (const name of FUNCTION_NAMES) {
      const zip = await readFile(path.join(functionsDir, `${name}.zip`));
      workers.set(name, await BundleWorker.start(zip, path.join(workDir, name), { ...env, AWS_LAMBDA_FUNCTION_NAME: name }));
    }
  });

  afterAll(async () => {
    await Promise.all([...workers.values()].map((w) => w.stop()));
    await moto?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await drainQueue();
  });

  function call(name: FunctionName, request: ApiRequest): Promise<APIGatewayProxyResult> {
    return workers.get(name)!.invoke(apiEvent(request), { functionName: name, awsRequestId: randomUUID() });
  }

  const create = (body: unknown, headers: Record<string, string> = JSON_HEADERS) =>
    call("create-movie", { method: "POST", path: "/movies", headers, body: JSON.stringify(body) });
  const getMovie = (id: string) => call("get-movie", { method: "GET", path: `/movies/${id}`, pathParameters: { movieID: id } });
  const storedItem = async (id: string) => (await documents.send(new GetCommand({ TableName: tableName, Key: { ID: id } }))).Item;

  /** Takes every message currently in the queue (moto fans out during Publish). */
  async function drainQueue(): Promise<Message[]> {
    const all: Message[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"], WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return all;
      all.push(...Messages);
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
  }

  /** The queue message as Lambda's SQS event source mapping hands it to the function. */
  function toRecord(message: Message): SQSRecord {
    return {
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body!,
      attributes: { ApproximateReceiveCount: "1", SentTimestamp: "0", SenderId: "moto", ApproximateFirstReceiveTimestamp: "0" },
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [
          k,
          { dataType: v.DataType!, stringValue: v.StringValue, stringListValues: [], binaryListValues: [] },
        ]),
      ),
      md5OfBody: message.MD5OfBody!,
      eventSource: "aws:sqs",
      eventSourceARN: `arn:aws:sqs:${REGION}:123456789012:movie-updates-queue`,
      awsRegion: REGION,
    };
  }

  function notify(records: SQSRecord[]): Promise<SQSBatchResponse> {
    return workers
      .get("email-notification")!
      .invoke({ Records: records }, { functionName: "email-notification", awsRequestId: randomUUID() });
  }

  /** The emails moto's SES backend recorded (its model data lists every sent ses.Message). */
  async function sentEmails(): Promise<Array<{ source: string; subject: string; body: string; to: string[] }>> {
    const data = (await (await fetch(`${moto.url}/moto-api/data.json`)).json()) as {
      ses?: { Message?: Array<{ source: string; subject: string; body: string; destinations: { ToAddresses?: string[] } }> };
    };
    return (data.ses?.Message ?? []).map((m) => ({
      source: m.source,
      subject: m.subject,
      body: m.body,
      to: m.destinations.ToAddresses ?? [],
    }));
  }

  const typeOf = (m: Message) => m.MessageAttributes?.Type?.StringValue;

  it("creates, reads, replaces and deletes a movie, storing items and fanning out one event per change", async () => {
    const created = await create({ title: " Up ", rating: 8.3, genres: ["Comedy", "Animation"] }, { ...JSON_HEADERS, traceparent: TRACEPARENT });
    expect(created.statusCode).toBe(201);
    const movie = JSON.parse(created.body);
    expect(movie).toEqual({ id: expect.any(String), title: "Up", rating: 8.3, genres: ["Animation", "Comedy"] });
    expect(created.headers?.Location).toBe(`/movies/${movie.id}`);
    expect(await storedItem(movie.id)).toMatchObject({
      ID: movie.id,
      Title: "Up",
      Rating: 8.3,
      Genres: new Set(["Comedy", "Animation"]),
      CreatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    const got = await getMovie(movie.id);
    expect(got.statusCode).toBe(200);
    expect(JSON.parse(got.body)).toEqual(movie);

    const replaced = await call("update-movie", {
      method: "PUT",
      path: `/movies/${movie.id}`,
      pathParameters: { movieID: movie.id },
      headers: JSON_HEADERS,
      body: JSON.stringify({ title: "Up (2009)", rating: 9, genres: ["Family"] }),
    });
    expect(replaced.statusCode).toBe(200);
    expect(JSON.parse(replaced.body)).toEqual({ id: movie.id, title: "Up (2009)", rating: 9, genres: ["Family"] });
    expect(await storedItem(movie.id)).toMatchObject({ Title: "Up (2009)", Rating: 9, Genres: new Set(["Family"]) });

    const del = () => call("delete-movie", { method: "DELETE", path: `/movies/${movie.id}`, pathParameters: { movieID: movie.id } });
    const deleted = await del();
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe("");
    expect(await storedItem(movie.id)).toBeUndefined();
    expect((await del()).statusCode).toBe(404);
    expect((await getMovie(movie.id)).statusCode).toBe(404);

    const messages = await drainQueue();
    expect(messages.map(typeOf).sort()).toEqual(["MovieCreated", "MovieDeleted", "MovieUpdated"]);
    const byType = Object.fromEntries(messages.map((m) => [typeOf(m), m]));
    expect(JSON.parse(byType.MovieCreated!.Body!)).toEqual(movie);
    expect(JSON.parse(byType.MovieUpdated!.Body!)).toEqual({ id: movie.id, title: "Up (2009)", rating: 9, genres: ["Family"] });
    expect(JSON.parse(byType.MovieDeleted!.Body!)).toEqual({ id: movie.id });
    expect(byType.MovieCreated!.MessageAttributes?.traceparent?.StringValue).toBe(TRACEPARENT);
  });

  it("does not upsert: replacing a movie that does not exist is a 404 and stores nothing", async () => {
    const id = randomUUID();
    const res = await call("update-movie", {
      method: "PUT",
      path: `/movies/${id}`,
      pathParameters: { movieID: id },
      headers: JSON_HEADERS,
      body: JSON.stringify({ title: "Ghost", rating: 1, genres: ["Horror"] }),
    });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ message: "Movie not found" });
    expect(await storedItem(id)).toBeUndefined();
    expect(await drainQueue()).toEqual([]);
  });

  it("rejects invalid input with 400 and writes nothing", async () => {
    const res = await create({ title: "", rating: 11, genres: [] });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).errors.map((e: { field: string }) => e.field).sort()).toEqual(["genres", "rating", "title"]);
    expect(await drainQueue()).toEqual([]);
  });

  it("lists every movie across pages with the opaque nextToken, and rejects a forged token", async () => {
    const ids = new Set<string>();
    for (const title of ["Alien", "Brazil", "Casablanca"]) {
      ids.add(JSON.parse((await create({ title, rating: 8, genres: ["Drama"] })).body).id);
    }
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const res = await call("list-movies", {
        method: "GET",
        path: "/movies",
        query: nextToken ? { limit: "2", nextToken } : { limit: "2" },
      });
      expect(res.statusCode).toBe(200);
      const page = JSON.parse(res.body) as { items: Array<{ id: string }>; nextToken?: string };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((m) => m.id));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken && pages < 10);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);

    const forged = await call("list-movies", { method: "GET", path: "/movies", query: { nextToken: "bm90LWpzb24" } });
    expect(forged.statusCode).toBe(400);
  });

  // moto's model dump (the only place it exposes sent mail) also serializes the
  // ~1,500 IAM managed policies it loads at start, so one read takes seconds:
  // this scenario counts with GetSendQuota and reads the mail once, at the end.
  it("emails one notification per event, once per message even when delivered twice, failing only the bad message", { timeout: 180_000 }, async () => {
    const sentCount = async () => (await ses.send(new GetSendQuotaCommand({}))).SentLast24Hours ?? 0;
    const before = await sentCount();
    const heat = JSON.parse(
      (await create({ title: "Heat", rating: 8.3, genres: ["Crime"] }, { ...JSON_HEADERS, traceparent: TRACEPARENT })).body,
    );
    await call("delete-movie", { method: "DELETE", path: `/movies/${heat.id}`, pathParameters: { movieID: heat.id } });
    const records = (await drainQueue()).map(toRecord);
    expect(records).toHaveLength(2);

    expect(await notify(records)).toEqual({ batchItemFailures: [] });
    expect(await sentCount()).toBe(before + 2);

    // Redelivery (e.g. a visibility timeout expired): the idempotency table in moto remembers both ids.
    expect(await notify(records)).toEqual({ batchItemFailures: [] });
    expect(await sentCount()).toBe(before + 2);

    // One bad message in a batch fails alone; its neighbour is sent.
    await create({ title: "Ran", rating: 8.2, genres: ["Drama", "War"] });
    const [ran] = (await drainQueue()).map(toRecord);
    const bad: SQSRecord = {
      ...ran!,
      messageId: randomUUID(),
      messageAttributes: { Type: { dataType: "String", stringValue: "MovieRated", stringListValues: [], binaryListValues: [] } },
    };
    expect(await notify([bad, ran!])).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    expect(await sentCount()).toBe(before + 3);

    const emails = (await sentEmails()).filter((e) => e.subject.includes("Heat") || e.subject.includes(heat.id) || e.subject.includes("Ran"));
    expect(emails.map((e) => e.subject).sort()).toEqual([`Movie Deleted. ID: ${heat.id}`, "New Movie Added: Heat", "New Movie Added: Ran"]);
    for (const email of emails) {
      expect(email.source).toBe(SOURCE_EMAIL);
      expect(email.to).toEqual([DESTINATION_EMAIL]);
    }
    expect(emails.find((e) => e.subject.startsWith("Movie Deleted"))!.body).toBe(`The movie with ID ${heat.id} was deleted.`);
    expect(emails.find((e) => e.subject === "New Movie Added: Heat")!.body).toBe(
      `A new movie was added.\n\nTitle: Heat\nRating: 8.3\nGenres: Crime\nID: ${heat.id}`,
    );

    // The trace id from the HTTP call reaches the email function's logs.
    expect(workers.get("email-notification")!.logs()).toContain('"traceId":"4bf92f3577b34da6a3ce929d0e0e4736"');
  });
});

describe("build", () => {
  it("is reproducible, keeps every zip under 1 MiB and leaves an unchanged zip alone", async () => {
    const shippedDir = await ensureBuilt();
    const outDir = await mkdtemp(path.join(tmpdir(), "movies-build-"));
    try {
      const fresh = await bundleFunctions({ rootDir: ROOT_DIR, outDir });
      expect(fresh.map((f) => f.name)).toEqual([...FUNCTION_NAMES]);
      expect(fresh.every((f) => f.changed)).toBe(true);
      for (const fn of fresh) {
        expect(fn.bytes).toBeLessThan(1024 * 1024);
        const zip = await readFile(fn.zipPath);
        expect(zip.length).toBe(fn.bytes);
        expect(createHash("sha256").update(zip).digest("hex")).toBe(fn.sha256);
        // A second, independent build of the same sources: byte-identical.
        const shipped = await readFile(path.join(shippedDir, `${fn.name}.zip`));
        expect(createHash("sha256").update(shipped).digest("hex")).toBe(fn.sha256);
      }

      const target = fresh.find((f) => f.name === "get-movie")!;
      const mtime = (await stat(target.zipPath)).mtimeMs;
      const again = await bundleFunctions({ rootDir: ROOT_DIR, outDir, only: ["get-movie"] });
      expect(again).toEqual([{ ...target, changed: false }]);
      expect((await stat(target.zipPath)).mtimeMs).toBe(mtime);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }, 180_000);

  it("leaves a whole zip when two builds write the same function at once", async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), "movies-build-"));
    try {
      const [a, b] = await Promise.all([
        bundleFunctions({ rootDir: ROOT_DIR, outDir, only: ["get-movie"] }),
        bundleFunctions({ rootDir: ROOT_DIR, outDir, only: ["get-movie"] }),
      ]);
      expect(a![0]!.sha256).toBe(b![0]!.sha256);
      const zip = await readFile(a![0]!.zipPath);
      expect(createHash("sha256").update(zip).digest("hex")).toBe(a![0]!.sha256);
      expect(Object.keys(unzipSync(zip))).toEqual(["index.mjs"]);
      expect((await readdir(outDir)).sort()).toEqual(["get-movie.zip"]);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }, 120_000);

  it("rejects an unknown function name", async () => {
    await expect(bundleFunctions({ rootDir: ROOT_DIR, only: ["nope" as FunctionName] })).rejects.toThrow(/Unknown function "nope"/);
  });
});
