import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { captureLogs } from "../testing/captured-logs.js";
import { importWithout } from "../testing/import-without.js";
import { setHandlerEnv } from "../testing/handler-env.js";
import { apiEvent, lambdaContext } from "../testing/lambda-events.js";

setHandlerEnv();
const { handler } = await import("./handler.js");

const ddb = mockClient(DynamoDBClient);
const list = (query?: Record<string, string>) =>
  handler(apiEvent({ method: "GET", path: "/movies", query: query ?? null }), lambdaContext("list-movies"));
const item = (n: number) => marshall({ ID: `id-${n}`, Title: `Movie ${n}`, Rating: n, Genres: new Set(["Drama", "Action"]) });
const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

beforeEach(() => {
  ddb.reset();
  captureLogs();
});
afterEach(() => vi.restoreAllMocks());

describe("list-movies", () => {
  it("returns 200 with the first 25 items and no nextToken on the last page", async () => {
    ddb.on(ScanCommand).resolves({ Items: [item(1), item(2)] });
    const res = await list();
    expect(res.statusCode).toBe(200);
    expect(res.headers?.["Content-Type"]).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual({
      items: [
        { id: "id-1", title: "Movie 1", rating: 1, genres: ["Action", "Drama"] },
        { id: "id-2", title: "Movie 2", rating: 2, genres: ["Action", "Drama"] },
      ],
    });
    expect(ddb.commandCalls(ScanCommand)[0]!.args[0].input).toEqual({ TableName: "Movies", Limit: 25 });
  });

  it("returns an empty list for an empty table", async () => {
    ddb.on(ScanCommand).resolves({ Items: [] });
    expect(JSON.parse((await list()).body)).toEqual({ items: [] });
  });

  it("pages with an opaque nextToken that resumes the scan where it stopped", async () => {
    ddb.on(ScanCommand).resolvesOnce({ Items: [item(1)], LastEvaluatedKey: { ID: { S: "id-1" } } }).resolvesOnce({ Items: [item(2)] });
    const first = JSON.parse((await list({ limit: "1" })).body);
    expect(first.items.map((m: { id: string }) => m.id)).toEqual(["id-1"]);
    expect(first.nextToken).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(first.nextToken).not.toContain("id-1");
    const second = JSON.parse((await list({ limit: "1", nextToken: first.nextToken })).body);
    expect(second).toEqual({ items: [{ id: "id-2", title: "Movie 2", rating: 2, genres: ["Action", "Drama"] }] });
    expect(ddb.commandCalls(ScanCommand)[1]!.args[0].input).toEqual({
      TableName: "Movies",
      Limit: 1,
      ExclusiveStartKey: { ID: { S: "id-1" } },
    });
  });

  it.each(["1", "100", "50", " 7 "])("accepts limit=%j", async (limit) => {
    ddb.on(ScanCommand).resolves({ Items: [] });
    expect((await list({ limit })).statusCode).toBe(200);
    expect(ddb.commandCalls(ScanCommand)[0]!.args[0].input.Limit).toBe(Number(limit.trim()));
  });

  it.each(["0", "101", "-1", "abc", "2.5", "", "1e2", "0x10"])("rejects limit=%j with 400", async (limit) => {
    const res = await list({ limit });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).errors).toEqual([
      { field: "queryStringParameters.limit", message: expect.stringMatching(/from 1 to 100/) },
    ]);
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it.each([
    ["not base64url", "!!!"],
    ["not JSON", Buffer.from("hello").toString("base64url")],
    ["a JSON array", token(["id-1"])],
    ["a non-string ID", token({ ID: 1 })],
    ["an empty ID", token({ ID: "" })],
    ["an extra key", token({ ID: "id-1", Title: "x" })],
    ["another key", token({ id: "id-1" })],
    ["an ID of 2 KB, no movie's id (past DynamoDB's key size)", token({ ID: "a".repeat(2048) })],
    ["empty", ""],
  ])("rejects a nextToken that is %s with 400", async (_label, nextToken) => {
    const res = await list({ nextToken });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).errors).toEqual([
      { field: "queryStringParameters.nextToken", message: expect.stringMatching(/not a token this API returned/) },
    ]);
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it("returns a bare 500 when the scan fails", async () => {
    ddb.on(ScanCommand).rejects(new Error("boom"));
    const res = await list();
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ message: "Internal server error" });
  });

  it.each(["TABLE_NAME"])("fails its cold start with an error naming %s when it is not set", async (variable) => {
    await expect(importWithout(variable, () => import("./handler.js"))).rejects.toThrow(
      new RegExp(`Missing configuration: environment variable ${variable} not set`),
    );
  });
});
