import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { captureLogs } from "../testing/captured-logs.js";
import { importWithout } from "../testing/import-without.js";
import { setHandlerEnv } from "../testing/handler-env.js";
import { apiEvent, lambdaContext } from "../testing/lambda-events.js";

setHandlerEnv();
const { handler } = await import("./handler.js");

const ddb = mockClient(DynamoDBClient);
const ID = "0b7e6a4e-2f1c-4d3b-9a8e-5c6d7e8f9a0b";
const get = (movieID: string | undefined) =>
  handler(
    apiEvent({ method: "GET", path: `/movies/${movieID ?? ""}`, pathParameters: movieID === undefined ? null : { movieID } }),
    lambdaContext("get-movie"),
  );

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  ddb.reset();
  logs = captureLogs();
});
afterEach(() => vi.restoreAllMocks());

describe("get-movie", () => {
  it("returns 200 with the movie resource, genres sorted, table attributes hidden", async () => {
    ddb.on(GetItemCommand).resolves({
      Item: marshall({ ID, Title: "Up", Rating: 8.3, Genres: new Set(["Comedy", "Animation"]), CreatedAt: "x", UpdatedAt: "y" }),
    });
    const res = await get(ID);
    expect(res.statusCode).toBe(200);
    expect(res.headers?.["Content-Type"]).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual({ id: ID, title: "Up", rating: 8.3, genres: ["Animation", "Comedy"] });
    expect(ddb.commandCalls(GetItemCommand)[0]!.args[0].input).toEqual({ TableName: "Movies", Key: { ID: { S: ID } } });
  });

  it("reads seeded short ids such as \"1\" exactly as given, and UUIDs case-insensitively", async () => {
    ddb.on(GetItemCommand).resolves({ Item: marshall({ ID: "1", Title: "The Matrix", Rating: 8.7, Genres: new Set(["Sci-Fi", "Action"]) }) });
    expect(JSON.parse((await get("1")).body)).toEqual({ id: "1", title: "The Matrix", rating: 8.7, genres: ["Action", "Sci-Fi"] });
    await get("Ab_1");
    await get(ID.toUpperCase());
    expect(ddb.commandCalls(GetItemCommand).map((c) => unmarshall(c.args[0].input.Key!))).toEqual([{ ID: "1" }, { ID: "Ab_1" }, { ID }]);
  });

  it("returns 404 with a message when the movie does not exist", async () => {
    ddb.on(GetItemCommand).resolves({});
    const res = await get(ID);
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ message: "Movie not found" });
  });

  it.each([
    ["empty", ""],
    ["blank", "   "],
    ["missing", undefined],
  ])("returns 400 for a %s id without reading the table", async (_label, movieID) => {
    const res = await get(movieID);
    expect(res.statusCode).toBe(400);
    const body = JSON.parse(res.body);
    expect(body.errors).toEqual([{ field: "pathParameters.movieID", message: expect.stringMatching(/empty/) }]);
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
  });

  it.each(["a b", "x".repeat(65), `${ID}/x`, "'; DROP TABLE", "caf\u00e9"])(
    "returns 400 for the malformed id %j",
    async (movieID) => {
      const res = await get(movieID);
      expect(res.statusCode).toBe(400);
      expect(JSON.parse(res.body).errors[0].field).toBe("pathParameters.movieID");
      expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
    },
  );

  it("turns an unexpected failure into a bare 500 and logs it with the request id", async () => {
    ddb.on(GetItemCommand).rejects(new Error("socket hang up at secret-internal-host"));
    const event = apiEvent({ method: "GET", path: `/movies/${ID}`, pathParameters: { movieID: ID } });
    const res = await handler(event, lambdaContext("get-movie"));
    expect(res.statusCode).toBe(500);
    expect(res.headers?.["Content-Type"]).toMatch(/^application\/json/);
    expect(res.body).toBe(JSON.stringify({ message: "Internal server error" }));
    const error = logs.entries().find((e) => e.level === "ERROR");
    expect(error?.requestId).toBe(event.requestContext.requestId);
    expect(JSON.stringify(error)).toContain("socket hang up");
  });

  it.each(["TABLE_NAME"])("fails its cold start with an error naming %s when it is not set", async (variable) => {
    await expect(importWithout(variable, () => import("./handler.js"))).rejects.toThrow(
      new RegExp(`Missing configuration: environment variable ${variable} not set`),
    );
  });
});
