import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import { motoMissingReason, startMoto, type MotoServer } from "./support/moto.js";
import { localClientConfig } from "./support/cloud-client-config.js";

const missing = motoMissingReason();
if (missing) console.warn(`skipping DynamoDB differential test against moto: ${missing}`);

type Step = { step: string; value?: unknown; error?: string; reasons?: string[] };

/** Sorts arrays of items by key so scan order differences do not count. */
function byKey(items: Record<string, unknown>[] | undefined): Record<string, unknown>[] | undefined {
  return items?.slice().sort((a, b) => JSON.stringify([a.pk, a.sk]).localeCompare(JSON.stringify([b.pk, b.sk])));
}

/** The same scenario against any endpoint; the outcome is normalised to what a user sees. */
async function scenario(endpoint: string): Promise<Step[]> {
  const client = new DynamoDBClient(localClientConfig(endpoint));
  const doc = DynamoDBDocumentClient.from(client);
  const steps: Step[] = [];
  const run = async (step: string, fn: () => Promise<unknown>) => {
    try {
      steps.push({ step, value: await fn() });
    } catch (err) {
      const e = err as Error & { CancellationReasons?: { Code?: string }[] };
      steps.push({ step, error: e.name, reasons: e.CancellationReasons?.map((r) => r.Code ?? "") });
    }
  };
  try {
    await run("create", async () => {
      const out = await client.send(
        new CreateTableCommand({
          TableName: "Movies",
          BillingMode: "PAY_PER_REQUEST",
          KeySchema: [
            { AttributeName: "pk", KeyType: "HASH" },
            { AttributeName: "sk", KeyType: "RANGE" },
          ],
          AttributeDefinitions: [
            { AttributeName: "pk", AttributeType: "S" },
            { AttributeName: "sk", AttributeType: "N" },
          ],
        }),
      );
      return { name: out.TableDescription?.TableName, keys: out.TableDescription?.KeySchema };
    });
    for (let i = 1; i <= 5; i++) await run(`put ${i}`, () => doc.send(new PutCommand({ TableName: "Movies", Item: { pk: i % 2 ? "odd" : "even", sk: i, title: `Film ${i}`, tags: ["a", "b"] } })).then(() => "ok"));
    await run("conditional put fails", () => doc.send(new PutCommand({ TableName: "Movies", Item: { pk: "odd", sk: 1 }, ConditionExpression: "attribute_not_exists(pk)" })));
    await run("get", () => doc.send(new GetCommand({ TableName: "Movies", Key: { pk: "odd", sk: 3 } })).then((r) => r.Item));
    await run("get missing", () => doc.send(new GetCommand({ TableName: "Movies", Key: { pk: "none", sk: 1 } })).then((r) => r.Item ?? null));
    await run("get missing table", () => doc.send(new GetCommand({ TableName: "Nope", Key: { pk: "x", sk: 1 } })));
    await run("query", () => doc.send(new QueryCommand({ TableName: "Movies", KeyConditionExpression: "pk = :p AND sk >= :s", ExpressionAttributeValues: { ":p": "odd", ":s": 2 }, ScanIndexForward: false })).then((r) => r.Items));
    await run("scan filter", () => doc.send(new ScanCommand({ TableName: "Movies", FilterExpression: "sk > :n", ExpressionAttributeValues: { ":n": 2 } })).then((r) => byKey(r.Items)));
    await run("update", () =>
      doc.send(new UpdateCommand({ TableName: "Movies", Key: { pk: "even", sk: 2 }, UpdateExpression: "SET #t = :t, #v = if_not_exists(#v, :z) + :one", ExpressionAttributeNames: { "#t": "title", "#v": "views" }, ExpressionAttributeValues: { ":t": "Renamed", ":z": 0, ":one": 1 }, ReturnValues: "ALL_NEW" })).then((r) => r.Attributes),
    );
    await run("update condition fails", () => doc.send(new UpdateCommand({ TableName: "Movies", Key: { pk: "even", sk: 2 }, UpdateExpression: "SET #t = :t", ConditionExpression: "#v > :big", ExpressionAttributeNames: { "#t": "title", "#v": "views" }, ExpressionAttributeValues: { ":t": "x", ":big": 100 } })));
    await run("delete returning old", () => doc.send(new DeleteCommand({ TableName: "Movies", Key: { pk: "even", sk: 4 }, ReturnValues: "ALL_OLD" })).then((r) => r.Attributes));
    await run("batch write", () => doc.send(new BatchWriteCommand({ RequestItems: { Movies: [{ PutRequest: { Item: { pk: "batch", sk: 1 } } }, { DeleteRequest: { Key: { pk: "odd", sk: 5 } } }] } })).then((r) => r.UnprocessedItems));
    await run("transact write ok", () =>
      doc
        .send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: "Movies", Item: { pk: "tx", sk: 1, title: "T" }, ConditionExpression: "attribute_not_exists(pk)" } },
              { Update: { TableName: "Movies", Key: { pk: "odd", sk: 1 }, UpdateExpression: "SET title = :t", ExpressionAttributeValues: { ":t": "Tx" } } },
              { ConditionCheck: { TableName: "Movies", Key: { pk: "odd", sk: 3 }, ConditionExpression: "attribute_exists(pk)" } },
            ],
          }),
        )
        .then(() => "ok"),
    );
    await run("transact write cancelled", () =>
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: "Movies", Item: { pk: "tx2", sk: 1 } } },
            { Delete: { TableName: "Movies", Key: { pk: "odd", sk: 3 }, ConditionExpression: "title = :wrong", ExpressionAttributeValues: { ":wrong": "nope" } } },
          ],
        }),
      ),
    );
    await run("transact get", () =>
      doc
        .send(new TransactGetCommand({ TransactItems: [{ Get: { TableName: "Movies", Key: { pk: "tx", sk: 1 } } }, { Get: { TableName: "Movies", Key: { pk: "tx2", sk: 1 } } }, { Get: { TableName: "Movies", Key: { pk: "odd", sk: 1 } } }] }))
        .then((r) => r.Responses?.map((x) => x.Item ?? null)),
    );
    await run("final scan", () => doc.send(new ScanCommand({ TableName: "Movies" })).then((r) => byKey(r.Items)));
    await run("ttl describe", () => client.send(new DescribeTimeToLiveCommand({ TableName: "Movies" })).then((r) => r.TimeToLiveDescription));
    await run("ttl enable", () => client.send(new UpdateTimeToLiveCommand({ TableName: "Movies", TimeToLiveSpecification: { Enabled: true, AttributeName: "expires" } })).then((r) => r.TimeToLiveSpecification));
    await run("ttl describe enabled", () => client.send(new DescribeTimeToLiveCommand({ TableName: "Movies" })).then((r) => r.TimeToLiveDescription));
  } finally {
    client.destroy();
  }
  return steps;
}

describe.skipIf(missing)("DynamoDB: embedded cloud vs moto", () => {
  let moto: MotoServer;
  let cloud: Cloud;
  beforeAll(async () => {
    [moto, cloud] = await Promise.all([startMoto(), startCloud({ port: 0 })]);
  });
  afterAll(async () => {
    await Promise.all([moto?.stop(), cloud?.stop()]);
  });

  it("gives the same normalised results for the same scenario", { timeout: 120_000 }, async () => {
    const [ours, theirs] = [await scenario(cloud.url), await scenario(moto.url)];
    expect(ours.map((s) => s.step)).toEqual(theirs.map((s) => s.step));
    for (let i = 0; i < ours.length; i++) expect({ step: ours[i]!.step, ours: ours[i] }).toEqual({ step: theirs[i]!.step, ours: theirs[i] });
    // The scenario must exercise failures, or it compares nothing interesting.
    expect(ours.filter((s) => s.error).map((s) => s.error)).toEqual(["ConditionalCheckFailedException", "ResourceNotFoundException", "ConditionalCheckFailedException", "TransactionCanceledException"]);
  });
});
