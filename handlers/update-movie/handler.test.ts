import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
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
const ID = "0b7e6a4e-2f1c-4d3b-9a8e-5c6d7e8f9a0b";
const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const put = (movieID: string, body: unknown, headers: Record<string, string> = JSON_HEADERS) =>
  handler(
    apiEvent({ method: "PUT", path: `/movies/${movieID}`, pathParameters: { movieID }, headers, body: JSON.stringify(body) }),
    lambdaContext("update-movie"),
  );
const BODY = { title: " Up (2009) ", rating: 9, genres: ["Family", "Animation"] };
const UPDATED = { ID, Title: "Up (2009)", Rating: 9, Genres: new Set(["Family", "Animation"]), CreatedAt: "a", UpdatedAt: "b" };

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  ddb.reset();
  sns.reset();
  ddb.on(UpdateItemCommand).resolves({ Attributes: marshall(UPDATED) });
  sns.on(PublishCommand).resolves({ MessageId: "m-1" });
  logs = captureLogs();
});
afterEach(() => vi.restoreAllMocks());

describe("update-movie", () => {
  it("replaces title, rating and genres of an existing movie, returns 200 and publishes MovieUpdated", async () => {
    const res = await put(ID, BODY, { ...JSON_HEADERS, traceparent: TRACEPARENT });
    expect(res.statusCode).toBe(200);
    const movie = JSON.parse(res.body);
    expect(movie).toEqual({ id: ID, title: "Up (2009)", rating: 9, genres: ["Animation", "Family"] });

    const update = ddb.commandCalls(UpdateItemCommand)[0]!.args[0].input;
    expect(update).toMatchObject({
      TableName: "Movies",
      Key: { ID: { S: ID } },
      ConditionExpression: "attribute_exists(ID)",
      ReturnValues: "ALL_NEW",
    });
    expect(unmarshall(update.ExpressionAttributeValues!)).toMatchObject({
      ":title": "Up (2009)",
      ":rating": 9,
      ":genres": new Set(["Family", "Animation"]),
    });

    const publish = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(JSON.parse(publish.Message!)).toEqual(movie);
    expect(publish.MessageAttributes).toEqual({
      Type: { DataType: "String", StringValue: "MovieUpdated" },
      traceparent: { DataType: "String", StringValue: TRACEPARENT },
    });
  });

  it("returns 404 and publishes nothing when the movie does not exist (no upsert)", async () => {
    ddb.on(UpdateItemCommand).rejects(new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} }));
    const res = await put(ID, BODY);
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ message: "Movie not found" });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it.each(["no pe", " "])("returns 400 for the id %j without touching the table", async (movieID) => {
    const res = await put(movieID, BODY);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).errors[0].field).toBe("pathParameters.movieID");
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  it("validates the body with the same rules as create", async () => {
    const res = await put(ID, { title: "Up", rating: 12, genres: ["A"], year: 2009 });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).errors).toEqual([
      { field: "rating", message: "rating must be at most 10" },
      { field: "year", message: expect.stringMatching(/unknown field/) },
    ]);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  it("rejects a partial body: PUT replaces the whole movie", async () => {
    const res = await put(ID, { rating: 5 });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).errors.map((e: { field: string }) => e.field)).toEqual(["title", "genres"]);
  });

  it("still returns 200 when publishing fails, and logs the whole event for replay", async () => {
    sns.on(PublishCommand).rejects(new Error("throttled"));
    const res = await put(ID, BODY);
    expect(res.statusCode).toBe(200);
    const error = logs.entries().find((e) => e.level === "ERROR");
    expect(error?.event).toMatchObject({ topicArn: HANDLER_ENV.TOPIC_ARN, type: "MovieUpdated", message: JSON.parse(res.body) });
  });

  it("returns a bare 500 when the table fails", async () => {
    ddb.on(UpdateItemCommand).rejects(new Error("boom"));
    const res = await put(ID, BODY);
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ message: "Internal server error" });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it.each(["TABLE_NAME", "TOPIC_ARN"])("fails its cold start with an error naming %s when it is not set", async (variable) => {
    await expect(importWithout(variable, () => import("./handler.js"))).rejects.toThrow(
      new RegExp(`Missing configuration: environment variable ${variable} not set`),
    );
  });
});
