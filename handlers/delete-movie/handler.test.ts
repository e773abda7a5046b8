import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { DeleteItemCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { captureLogs } from "../testing/captured-logs.js";
import { importWithout } from "../testing/import-without.js";
import { HANDLER_ENV, setHandlerEnv } from "../testing/handler-env.js";
import { apiEvent, lambdaContext } from "../testing/lambda-events.js";

setHandlerEnv();
const { handler } = await import("./handler.js");

const ddb = mockClient(DynamoDBClient);
const sns = mockClient(SNSClient);
const ID = "0b7e6a4e-2f1c-4d3b-9a8e-5c6d7e8f9a0b";
const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const del = (movieID: string, headers: Record<string, string> = {}) =>
  handler(apiEvent({ method: "DELETE", path: `/movies/${movieID}`, pathParameters: { movieID }, headers }), lambdaContext("delete-movie"));

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  ddb.reset();
  sns.reset();
  ddb.on(DeleteItemCommand).resolves({ Attributes: marshall({ ID, Title: "Up", Rating: 8, Genres: new Set(["Animation"]) }) });
  sns.on(PublishCommand).resolves({ MessageId: "m-1" });
  logs = captureLogs();
});
afterEach(() => vi.restoreAllMocks());

describe("delete-movie", () => {
  it("returns 204 with an empty body and publishes MovieDeleted with the id", async () => {
    const res = await del(ID, { traceparent: TRACEPARENT });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe("");
    expect(ddb.commandCalls(DeleteItemCommand)[0]!.args[0].input).toEqual({
      TableName: "Movies",
      Key: { ID: { S: ID } },
      ReturnValues: "ALL_OLD",
    });
    const publish = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(publish.TopicArn).toBe(HANDLER_ENV.TOPIC_ARN);
    expect(JSON.parse(publish.Message!)).toEqual({ id: ID });
    expect(publish.MessageAttributes).toEqual({
      Type: { DataType: "String", StringValue: "MovieDeleted" },
      traceparent: { DataType: "String", StringValue: TRACEPARENT },
    });
  });

  it("returns 404 and publishes nothing when there was nothing to delete", async () => {
    ddb.on(DeleteItemCommand).resolves({});
    const res = await del(ID);
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ message: "Movie not found" });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it.each(["", "12 3", "0b7e6a4e-2f1c-4d3b-9a8e-5c6d7e8f9a0/x"])("returns 400 for the id %j", async (movieID) => {
    const res = await del(movieID);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).errors[0].field).toBe("pathParameters.movieID");
    expect(ddb.commandCalls(DeleteItemCommand)).toHaveLength(0);
  });

  it("still returns 204 when publishing fails, and logs the whole event for replay", async () => {
    sns.on(PublishCommand).rejects(new Error("SNS down"));
    const res = await del(ID, { traceparent: TRACEPARENT });
    expect(res.statusCode).toBe(204);
    const error = logs.entries().find((e) => e.level === "ERROR");
    expect(error?.event).toEqual({
      topicArn: HANDLER_ENV.TOPIC_ARN,
      type: "MovieDeleted",
      message: { id: ID },
      traceparent: TRACEPARENT,
    });
  });

  it("returns a bare 500 when the table fails", async () => {
    ddb.on(DeleteItemCommand).rejects(new Error("boom"));
    const res = await del(ID);
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ message: "Internal server error" });
  });

  it.each(["TABLE_NAME", "TOPIC_ARN"])("fails its cold start with an error naming %s when it is not set", async (variable) => {
    await expect(importWithout(variable, () => import("./handler.js"))).rejects.toThrow(
      new RegExp(`Missing configuration: environment variable ${variable} not set`),
    );
  });
});
