import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CreateTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { startCloud } from "./cloud.js";
import { localClientConfig } from "../test/support/cloud-client-config.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("startCloud with a state dir", () => {
  it("keeps DynamoDB tables, items and TTL settings across a stop and start", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "movies-cloud-"));
    dirs.push(stateDir);

    const first = await startCloud({ port: 0, stateDir });
    const client1 = new DynamoDBClient(localClientConfig(first.url));
    const doc1 = DynamoDBDocumentClient.from(client1);
    await client1.send(
      new CreateTableCommand({
        TableName: "Movies",
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [{ AttributeName: "movieID", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "movieID", AttributeType: "S" }],
      }),
    );
    for (let i = 0; i < 25; i++) await doc1.send(new PutCommand({ TableName: "Movies", Item: { movieID: `m${i}`, title: `Film ${i}` } }));
    await client1.send(new UpdateTimeToLiveCommand({ TableName: "Movies", TimeToLiveSpecification: { Enabled: true, AttributeName: "expiresAt" } }));
    client1.destroy();
    await first.stop();

    expect(await readdir(stateDir)).toEqual(expect.arrayContaining(["dynamodb", "state.sqlite"]));

    const second = await startCloud({ port: 0, stateDir });
    const client2 = new DynamoDBClient(localClientConfig(second.url));
    const doc2 = DynamoDBDocumentClient.from(client2);
    try {
      expect((await doc2.send(new GetCommand({ TableName: "Movies", Key: { movieID: "m7" } }))).Item).toEqual({ movieID: "m7", title: "Film 7" });
      expect((await doc2.send(new ScanCommand({ TableName: "Movies", Select: "COUNT" }))).Count).toBe(25);
      expect((await client2.send(new DescribeTimeToLiveCommand({ TableName: "Movies" }))).TimeToLiveDescription).toEqual({ TimeToLiveStatus: "ENABLED", AttributeName: "expiresAt" });
      const health = (await (await fetch(`${second.url}/_movies/health`)).json()) as { stateDir: string; services: { dynamodb: { storage: string } } };
      expect(health.stateDir).toBe(stateDir);
      expect(health.services.dynamodb.storage).toBe(`leveldb:${join(stateDir, "dynamodb")}`);
    } finally {
      client2.destroy();
      await second.stop();
    }
  });

  it("starts empty in memory without a state dir", async () => {
    const cloud = await startCloud({ port: 0 });
    try {
      const health = (await (await fetch(`${cloud.url}/_movies/health`)).json()) as { stateDir: null; services: { dynamodb: { storage: string } } };
      expect(health.stateDir).toBeNull();
      expect(health.services.dynamodb.storage).toBe("memory");
    } finally {
      await cloud.stop();
    }
  });

  it("refuses a port in use with EADDRINUSE and releases what it started", async () => {
    const first = await startCloud({ port: 0 });
    try {
      await expect(startCloud({ port: first.port })).rejects.toMatchObject({ code: "EADDRINUSE" });
    } finally {
      await first.stop();
    }
  });
});
