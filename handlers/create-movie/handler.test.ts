import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { captureLogs } from "../testing/captured-logs.js";
import { importWithout } from "../testing/import-without.js";
import { HANDLER_ENV, setHandlerEnv } from "../testing/handler-env.js";
import { apiEvent, JSON_HEADERS, lambdaContext } from "../testing/lambda-events.js";

setHandlerEnv();
const { handler } = await import("./handler.js");

const ddb = mockClient(DynamoDBClient);
const sns = mockClient(SNSClient);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

function post(body: unknown, headers: Record<string, string> = JSON_HEADERS, extra: { isBase64Encoded?: boolean } = {}) {
  return handler(
    apiEvent({
      method: "POST",
      path: "/movies",
      headers,
      body: typeof body === "string" || body === null ? body : JSON.stringify(body),
      ...extra,
    }),
    lambdaContext("create-movie"),
  );
}

const VALID = { title: "Up", rating: 8.3, genres: ["Comedy", "Animation"] };

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  ddb.reset();
  sns.reset();
  ddb.on(PutItemCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: "m-1" });
  logs = captureLogs();
});
afterEach(() => vi.restoreAllMocks());

describe("create-movie", () => {
  it("returns 201 with the new movie and its Location, stores the item and publishes MovieCreated", async () => {
    const res = await post({ title: "  Up  ", rating: 8.3, genres: ["Comedy", "Animation"] }, { ...JSON_HEADERS, traceparent: TRACEPARENT });
    expect(res.statusCode).toBe(201);
    expect(res.headers?.["Content-Type"]).toMatch(/^application\/json/);
    const movie = JSON.parse(res.body);
    expect(movie).toEqual({ id: expect.stringMatching(UUID), title: "Up", rating: 8.3, genres: ["Animation", "Comedy"] });
    expect(res.headers?.Location).toBe(`/movies/${movie.id}`);

    const put = ddb.commandCalls(PutItemCommand)[0]!.args[0].input;
    expect(put.TableName).toBe("Movies");
    expect(put.ConditionExpression).toBe("attribute_not_exists(ID)");
    expect(unmarshall(put.Item!)).toEqual({
      ID: movie.id,
      Title: "Up",
      Rating: 8.3,
      Genres: new Set(["Comedy", "Animation"]),
      CreatedAt: expect.any(String),
      UpdatedAt: expect.any(String),
    });

    const publish = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(publish.TopicArn).toBe(HANDLER_ENV.TOPIC_ARN);
    expect(JSON.parse(publish.Message!)).toEqual(movie);
    expect(publish.MessageAttributes).toEqual({
      Type: { DataType: "String", StringValue: "MovieCreated" },
      traceparent: { DataType: "String", StringValue: TRACEPARENT },
    });
  });

  it("gives every movie a new id", async () => {
    const a = JSON.parse((await post(VALID)).body);
    const b = JSON.parse((await post(VALID)).body);
    expect(a.id).not.toBe(b.id);
  });

  it.each([undefined, "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"])(
    "starts a new trace when the traceparent header is %j",
    async (traceparent) => {
      await post(VALID, traceparent === undefined ? JSON_HEADERS : { ...JSON_HEADERS, traceparent });
      const sent = sns.commandCalls(PublishCommand)[0]!.args[0].input.MessageAttributes!.traceparent!.StringValue!;
      expect(sent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(sent).not.toBe(traceparent);
      expect(sent).not.toMatch(/^00-0{32}/);
    },
  );

  it("still reports the committed write when publishing fails, and logs the whole event for replay", async () => {
    sns.on(PublishCommand).rejects(new Error("SNS unavailable"));
    const res = await post(VALID, { ...JSON_HEADERS, traceparent: TRACEPARENT });
    expect(res.statusCode).toBe(201);
    const movie = JSON.parse(res.body);
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(1);
    const error = logs.entries().find((e) => e.level === "ERROR");
    expect(error?.event).toEqual({
      topicArn: HANDLER_ENV.TOPIC_ARN,
      type: "MovieCreated",
      message: movie,
      traceparent: TRACEPARENT,
    });
    expect(error?.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
  });

  it("returns a bare 500 when the table write fails, and publishes nothing", async () => {
    ddb.on(PutItemCommand).rejects(new Error("ProvisionedThroughputExceededException"));
    const res = await post(VALID);
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ message: "Internal server error" });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  describe("accepts the edges of every rule", () => {
    it.each([
      ["a 1-character title", { ...VALID, title: "X" }],
      ["a 200-character title", { ...VALID, title: "t".repeat(200) }],
      ["a 200-character title padded with spaces", { ...VALID, title: `  ${"t".repeat(200)}  ` }],
      ["rating 0", { ...VALID, rating: 0 }],
      ["rating 10", { ...VALID, rating: 10 }],
      ["a fractional rating", { ...VALID, rating: 7.25 }],
      ["a title with emoji and accents", { ...VALID, title: "Amélie 🎬" }],
      ["1 genre", { ...VALID, genres: ["Drama"] }],
      ["10 genres", { ...VALID, genres: Array.from({ length: 10 }, (_, i) => `g${i}`) }],
      ["a 40-character genre", { ...VALID, genres: ["g".repeat(40)] }],
    ])("%s", async (_label, body) => {
      const res = await post(body);
      expect(res.statusCode).toBe(201);
    });

    it.each([
      ["application/json; charset=utf-8", { "Content-Type": "application/json; charset=utf-8" }],
      ["a lower-case header name", { "content-type": "application/json" }],
      ["upper-case media type", { "Content-Type": "APPLICATION/JSON" }],
    ])("Content-Type %s", async (_label, headers) => {
      expect((await post(VALID, headers)).statusCode).toBe(201);
    });

    it("a base64-encoded body", async () => {
      const body = Buffer.from(JSON.stringify(VALID)).toString("base64");
      const res = await post(body, JSON_HEADERS, { isBase64Encoded: true });
      expect(res.statusCode).toBe(201);
      expect(JSON.parse(res.body).title).toBe("Up");
    });
  });

  describe("rejects with 400 and says what to fix", () => {
    it.each([
      ["a missing title", { rating: 5, genres: ["Drama"] }, "title", /title is required/],
      ["a non-string title", { ...VALID, title: 42 }, "title", /title must be a string/],
      ["a blank title", { ...VALID, title: "   " }, "title", /title must not be empty/],
      ["a 201-character title", { ...VALID, title: "t".repeat(201) }, "title", /at most 200/],
      ["a missing rating", { title: "Up", genres: ["Drama"] }, "rating", /rating is required/],
      ["a string rating", { ...VALID, rating: "8" }, "rating", /rating must be a number/],
      ["a negative rating", { ...VALID, rating: -0.1 }, "rating", /at least 0/],
      ["a rating below DynamoDB's number range", { ...VALID, rating: 1e-200 }, "rating", /0 or at least 1e-130/],
      ["a rating over 10", { ...VALID, rating: 10.1 }, "rating", /at most 10/],
      ["missing genres", { title: "Up", rating: 5 }, "genres", /genres is required/],
      ["genres that are not an array", { ...VALID, genres: "Drama" }, "genres", /array/],
      ["no genres", { ...VALID, genres: [] }, "genres", /at least 1/],
      ["11 genres", { ...VALID, genres: Array.from({ length: 11 }, (_, i) => `g${i}`) }, "genres", /at most 10/],
      ["a repeated genre", { ...VALID, genres: ["Drama", "Drama"] }, "genres.1", /more than once/],
      ["a repeated genre after trimming", { ...VALID, genres: ["Drama", " Drama "] }, "genres.1", /more than once/],
      ["an empty genre", { ...VALID, genres: ["Drama", ""] }, "genres.1", /must not be empty/],
      ["a non-string genre", { ...VALID, genres: ["Drama", 7] }, "genres.1", /string/],
      ["a 41-character genre", { ...VALID, genres: ["g".repeat(41)] }, "genres.0", /at most 40/],
      ["a title with an unpaired surrogate", '{"title":"Up \\ud800","rating":5,"genres":["Drama"]}', "title", /valid Unicode/],
      ["a genre with an unpaired surrogate", '{"title":"Up","rating":5,"genres":["\\udc00x"]}', "genres.0", /valid Unicode/],
      ["an unknown field", { ...VALID, director: "Docter" }, "director", /unknown field/],
      ["an id in the body", { ...VALID, id: "x" }, "id", /unknown field/],
      ["a JSON array", [VALID], "body", /JSON object/],
      ["JSON null", "null", "body", /JSON object/],
    ])("%s", async (_label, body, field, message) => {
      const res = await post(body);
      expect(res.statusCode).toBe(400);
      expect(res.headers?.["Content-Type"]).toMatch(/^application\/json/);
      const out = JSON.parse(res.body);
      expect(out.message).toEqual(expect.any(String));
      expect(out.errors).toContainEqual({ field, message: expect.stringMatching(message) });
      expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
      expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    });

    it("reports every problem at once", async () => {
      const res = await post({ title: "", rating: 11, genres: [], extra: true });
      expect(JSON.parse(res.body).errors.map((e: { field: string }) => e.field).sort()).toEqual([
        "extra",
        "genres",
        "rating",
        "title",
      ]);
    });

    it.each([
      ["malformed JSON", '{"title": "Up",', JSON_HEADERS, {}, "body", /not valid JSON/],
      ["a missing body", null, JSON_HEADERS, {}, "body", /needs a JSON body/],
      ["an empty body", "", JSON_HEADERS, {}, "body", /needs a JSON body/],
      ["a wrong content type", JSON.stringify(VALID), { "Content-Type": "text/plain" }, {}, "headers.Content-Type", /text\/plain.*application\/json/],
      ["a form content type", "title=Up", { "Content-Type": "application/x-www-form-urlencoded" }, {}, "headers.Content-Type", /application\/json/],
      ["no content type", JSON.stringify(VALID), {}, {}, "headers.Content-Type", /missing/],
      ["a base64 body that does not decode", "not base64!!", JSON_HEADERS, { isBase64Encoded: true }, "body", /not valid base64/],
      ["a base64 body that is not JSON", Buffer.from("hello").toString("base64"), JSON_HEADERS, { isBase64Encoded: true }, "body", /not valid JSON/],
      ["a body over 16 KiB", JSON.stringify({ ...VALID, title: "t".repeat(17 * 1024) }), JSON_HEADERS, {}, "body", /limit is 16384 bytes/],
      ["a base64 body over 16 KiB once decoded", Buffer.from(" ".repeat(16 * 1024 + 1)).toString("base64"), JSON_HEADERS, { isBase64Encoded: true }, "body", /limit is 16384/],
    ])("%s", async (_label, body, headers, extra, field, message) => {
      const res = await post(body, headers as Record<string, string>, extra);
      expect(res.statusCode).toBe(400);
      const out = JSON.parse(res.body);
      expect(out.errors).toEqual([{ field, message: expect.stringMatching(message) }]);
      expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
    });

    it("accepts a body of exactly 16 KiB", async () => {
      const json = JSON.stringify(VALID);
      const padded = json.slice(0, -1) + " ".repeat(16 * 1024 - json.length) + "}";
      expect(Buffer.byteLength(padded)).toBe(16 * 1024);
      expect((await post(padded)).statusCode).toBe(201);
    });
  });

  it.each(["TABLE_NAME", "TOPIC_ARN"])("fails its cold start with an error naming %s when it is not set", async (variable) => {
    await expect(importWithout(variable, () => import("./handler.js"))).rejects.toThrow(
      new RegExp(`Missing configuration: environment variable ${variable} not set`),
    );
  });
});
