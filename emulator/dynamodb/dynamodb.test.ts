import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTagsOfResourceCommand,
  PutItemCommand,
  UpdateContinuousBackupsCommand,
  UpdateItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  ResourceNotFoundException,
  TransactionCanceledException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import {
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
import { startCloud, type Cloud } from "../cloud.js";
import { localClientConfig } from "../../test/support/cloud-client-config.js";
import { rejection } from "../../test/support/rejection.js";

let cloud: Cloud;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;

async function createTable(name: string, withSort = false): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: withSort
        ? [
            { AttributeName: "pk", KeyType: "HASH" },
            { AttributeName: "sk", KeyType: "RANGE" },
          ]
        : [{ AttributeName: "pk", KeyType: "HASH" }],
      AttributeDefinitions: withSort
        ? [
            { AttributeName: "pk", AttributeType: "S" },
            { AttributeName: "sk", AttributeType: "S" },
          ]
        : [{ AttributeName: "pk", AttributeType: "S" }],
    }),
  );
}

beforeAll(async () => {
  cloud = await startCloud({ port: 0, ttlSweepMs: 100 });
  client = new DynamoDBClient(localClientConfig(cloud.url));
  doc = DynamoDBDocumentClient.from(client);
  await createTable("Movies");
  await createTable("Ratings", true);
  await createTable("Accounts");
});

afterAll(async () => {
  client?.destroy();
  await cloud?.stop();
});

describe("DynamoDB through the router", () => {
  it("puts, gets, updates and deletes items with the document client", async () => {
    await doc.send(new PutCommand({ TableName: "Movies", Item: { pk: "m1", title: "Alien", year: 1979 } }));
    expect((await doc.send(new GetCommand({ TableName: "Movies", Key: { pk: "m1" } }))).Item).toEqual({ pk: "m1", title: "Alien", year: 1979 });

    const updated = await doc.send(
      new UpdateCommand({
        TableName: "Movies",
        Key: { pk: "m1" },
        UpdateExpression: "SET #y = #y + :one",
        ExpressionAttributeNames: { "#y": "year" },
        ExpressionAttributeValues: { ":one": 1 },
        ReturnValues: "ALL_NEW",
      }),
    );
    expect(updated.Attributes).toEqual({ pk: "m1", title: "Alien", year: 1980 });

    await doc.send(new DeleteCommand({ TableName: "Movies", Key: { pk: "m1" } }));
    expect((await doc.send(new GetCommand({ TableName: "Movies", Key: { pk: "m1" } }))).Item).toBeUndefined();
  });

  it("queries by partition key and scans with a filter", async () => {
    for (const sk of ["a", "b", "c"]) await doc.send(new PutCommand({ TableName: "Ratings", Item: { pk: "movie-7", sk, stars: sk === "b" ? 5 : 3 } }));
    await doc.send(new PutCommand({ TableName: "Ratings", Item: { pk: "movie-8", sk: "a", stars: 5 } }));

    const q = await doc.send(new QueryCommand({ TableName: "Ratings", KeyConditionExpression: "pk = :p AND sk > :s", ExpressionAttributeValues: { ":p": "movie-7", ":s": "a" } }));
    expect(q.Items?.map((i) => i.sk)).toEqual(["b", "c"]);

    const s = await doc.send(new ScanCommand({ TableName: "Ratings", FilterExpression: "stars = :five", ExpressionAttributeValues: { ":five": 5 } }));
    expect(s.Items?.map((i) => `${i.pk}/${i.sk}`).sort()).toEqual(["movie-7/b", "movie-8/a"]);
  });

  it("rejects a failed condition with ConditionalCheckFailedException and keeps the item", async () => {
    await doc.send(new PutCommand({ TableName: "Movies", Item: { pk: "m2", title: "Heat" } }));
    const err = await doc.send(new PutCommand({ TableName: "Movies", Item: { pk: "m2", title: "Other" }, ConditionExpression: "attribute_not_exists(pk)" })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConditionalCheckFailedException);
    expect((err as ConditionalCheckFailedException).$metadata.httpStatusCode).toBe(400);
    expect((await doc.send(new GetCommand({ TableName: "Movies", Key: { pk: "m2" } }))).Item?.title).toBe("Heat");
  });

  it("reports a missing table as ResourceNotFoundException", async () => {
    await expect(doc.send(new GetCommand({ TableName: "NoSuchTable", Key: { pk: "x" } }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe("DynamoDB transactions", () => {
  it("applies every action of a successful TransactWriteItems", async () => {
    await doc.send(new PutCommand({ TableName: "Accounts", Item: { pk: "alice", balance: 100 } }));
    await doc.send(new PutCommand({ TableName: "Accounts", Item: { pk: "bob", balance: 0 } }));
    await doc.send(new PutCommand({ TableName: "Movies", Item: { pk: "gone", title: "Deleted" } }));
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: { TableName: "Accounts", Key: { pk: "alice" }, UpdateExpression: "SET balance = balance - :n", ConditionExpression: "balance >= :n", ExpressionAttributeValues: { ":n": 30 } } },
          { Update: { TableName: "Accounts", Key: { pk: "bob" }, UpdateExpression: "SET balance = balance + :n", ExpressionAttributeValues: { ":n": 30 } } },
          { Put: { TableName: "Movies", Item: { pk: "tx-new", title: "Created in a transaction" }, ConditionExpression: "attribute_not_exists(pk)" } },
          { Delete: { TableName: "Movies", Key: { pk: "gone" } } },
          { ConditionCheck: { TableName: "Movies", Key: { pk: "m2" }, ConditionExpression: "attribute_exists(pk)" } },
        ],
      }),
    );
    const got = await doc.send(
      new TransactGetCommand({
        TransactItems: [
          { Get: { TableName: "Accounts", Key: { pk: "alice" } } },
          { Get: { TableName: "Accounts", Key: { pk: "bob" } } },
          { Get: { TableName: "Movies", Key: { pk: "tx-new" }, ProjectionExpression: "title" } },
          { Get: { TableName: "Movies", Key: { pk: "gone" } } },
        ],
      }),
    );
    expect(got.Responses?.map((r) => r.Item)).toEqual([{ pk: "alice", balance: 70 }, { pk: "bob", balance: 30 }, { title: "Created in a transaction" }, undefined]);
  });

  it("cancels the whole transaction with reasons and writes nothing", async () => {
    await doc.send(new PutCommand({ TableName: "Accounts", Item: { pk: "carol", balance: 10 } }));
    await doc.send(new PutCommand({ TableName: "Accounts", Item: { pk: "dave", balance: 5 } }));
    const err = await doc
      .send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: { TableName: "Accounts", Key: { pk: "dave" }, UpdateExpression: "SET balance = balance + :n", ExpressionAttributeValues: { ":n": 50 } } },
            { Put: { TableName: "Movies", Item: { pk: "never", title: "Must not exist" } } },
            { Delete: { TableName: "Movies", Key: { pk: "m2" } } },
            {
              Update: {
                TableName: "Accounts",
                Key: { pk: "carol" },
                UpdateExpression: "SET balance = balance - :n",
                ConditionExpression: "balance >= :n",
                ExpressionAttributeValues: { ":n": 50 },
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
              },
            },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionCanceledException);
    const cancelled = err as TransactionCanceledException;
    expect(cancelled.message).toContain("[None, None, None, ConditionalCheckFailed]");
    expect(cancelled.CancellationReasons?.map((r) => r.Code)).toEqual(["None", "None", "None", "ConditionalCheckFailed"]);
    expect(cancelled.CancellationReasons?.[3]?.Item).toEqual({ pk: { S: "carol" }, balance: { N: "10" } });

    expect((await doc.send(new GetCommand({ TableName: "Accounts", Key: { pk: "dave" } }))).Item).toEqual({ pk: "dave", balance: 5 });
    expect((await doc.send(new GetCommand({ TableName: "Accounts", Key: { pk: "carol" } }))).Item).toEqual({ pk: "carol", balance: 10 });
    expect((await doc.send(new GetCommand({ TableName: "Movies", Key: { pk: "never" } }))).Item).toBeUndefined();
    expect((await doc.send(new GetCommand({ TableName: "Movies", Key: { pk: "m2" } }))).Item?.title).toBe("Heat");
  });

  it("leaves no item behind for a ConditionCheck on a missing item", async () => {
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { ConditionCheck: { TableName: "Movies", Key: { pk: "ghost" }, ConditionExpression: "attribute_not_exists(pk)" } },
          { Put: { TableName: "Movies", Item: { pk: "real", title: "Real" } } },
        ],
      }),
    );
    expect((await doc.send(new GetCommand({ TableName: "Movies", Key: { pk: "ghost" } }))).Item).toBeUndefined();
    expect((await doc.send(new GetCommand({ TableName: "Movies", Key: { pk: "real" } }))).Item?.title).toBe("Real");
  });

  it("refuses two actions on one item with a ValidationException", async () => {
    const err = await doc
      .send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: "Movies", Item: { pk: "dup", title: "one" } } },
            { Delete: { TableName: "Movies", Key: { pk: "dup" } } },
          ],
        }),
      )
      .catch((e: unknown) => e as Error);
    expect((err as Error).name).toBe("ValidationException");
    expect((err as Error).message).toContain("multiple operations on one item");
  });

  it("applies a repeated ClientRequestToken once and refuses it for a different request", async () => {
    await doc.send(new PutCommand({ TableName: "Accounts", Item: { pk: "erin", balance: 0 } }));
    const add = (n: number) =>
      new TransactWriteCommand({
        ClientRequestToken: "token-erin-1",
        TransactItems: [{ Update: { TableName: "Accounts", Key: { pk: "erin" }, UpdateExpression: "SET balance = balance + :n", ExpressionAttributeValues: { ":n": n } } }],
      });
    await doc.send(add(5));
    await doc.send(add(5));
    expect((await doc.send(new GetCommand({ TableName: "Accounts", Key: { pk: "erin" } }))).Item?.balance).toBe(5);
    const err = await rejection(doc.send(add(6)));
    expect(err.name).toBe("IdempotentParameterMismatchException");
  });

  it("does not wait for a client that is still sending a body", async () => {
    const socket = connect(cloud.port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    socket.write(
      "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.PutItem\r\nContent-Type: application/x-amz-json-1.0\r\n" +
        "Authorization: AWS4-HMAC-SHA256 Credential=A/20261129/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0\r\nX-Amz-Date: 20261129T000000Z\r\nContent-Length: 1000\r\n\r\n{\"TableName\":",
    );
    try {
      await doc.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: "Movies", Item: { pk: "while-slow", title: "ok" } } }] }));
      expect((await doc.send(new GetCommand({ TableName: "Movies", Key: { pk: "while-slow" } }))).Item?.title).toBe("ok");
    } finally {
      socket.destroy();
    }
  });

  it("fails a transaction on a missing table with ResourceNotFoundException", async () => {
    await expect(doc.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: "Nope", Item: { pk: "x" } } }] }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe("DynamoDB time to live", () => {
  it("describes, enables and refuses to enable twice", async () => {
    await createTable("Sessions");
    expect((await client.send(new DescribeTimeToLiveCommand({ TableName: "Sessions" }))).TimeToLiveDescription).toEqual({ TimeToLiveStatus: "DISABLED" });
    const updated = await client.send(new UpdateTimeToLiveCommand({ TableName: "Sessions", TimeToLiveSpecification: { Enabled: true, AttributeName: "expiresAt" } }));
    expect(updated.TimeToLiveSpecification).toEqual({ Enabled: true, AttributeName: "expiresAt" });
    expect((await client.send(new DescribeTimeToLiveCommand({ TableName: "Sessions" }))).TimeToLiveDescription).toEqual({ TimeToLiveStatus: "ENABLED", AttributeName: "expiresAt" });
    const again = await client.send(new UpdateTimeToLiveCommand({ TableName: "Sessions", TimeToLiveSpecification: { Enabled: true, AttributeName: "expiresAt" } })).then(
      () => new Error("enabled twice"),
      (e: unknown) => e as Error,
    );
    expect(again.name).toBe("ValidationException");
    expect(again.message).toBe("TimeToLive is already enabled");
    await expect(client.send(new DescribeTimeToLiveCommand({ TableName: "Missing" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it("deletes expired items in the background and keeps the rest", async () => {
    const now = Math.floor(Date.now() / 1000);
    await doc.send(new PutCommand({ TableName: "Sessions", Item: { pk: "expired", expiresAt: now - 10 } }));
    await doc.send(new PutCommand({ TableName: "Sessions", Item: { pk: "fresh", expiresAt: now + 3600 } }));
    await doc.send(new PutCommand({ TableName: "Sessions", Item: { pk: "no-ttl" } }));
    await doc.send(new PutCommand({ TableName: "Sessions", Item: { pk: "string-ttl", expiresAt: "yesterday" } }));

    await expect.poll(async () => (await doc.send(new GetCommand({ TableName: "Sessions", Key: { pk: "expired" } }))).Item, { timeout: 10_000, interval: 50 }).toBeUndefined();
    const left = await doc.send(new ScanCommand({ TableName: "Sessions" }));
    expect(left.Items?.map((i) => i.pk).sort()).toEqual(["fresh", "no-ttl", "string-ttl"]);
  });
});

describe("DynamoDB ARNs", () => {
  it("carry the cloud's account and region", async () => {
    const envBefore = process.env.AWS_ACCOUNT_ID;
    const other = await startCloud({ port: 0, accountId: "123456789012", region: "eu-west-1" });
    const c = new DynamoDBClient(localClientConfig(other.url, "eu-west-1"));
    try {
      const out = await c.send(
        new CreateTableCommand({ TableName: "Arns", BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }] }),
      );
      expect(out.TableDescription?.TableArn).toBe("arn:aws:dynamodb:eu-west-1:123456789012:table/Arns");
      expect(process.env.AWS_ACCOUNT_ID).toBe(envBefore);
    } finally {
      c.destroy();
      await other.stop();
    }
  });
});

describe("DynamoDB table settings and conditional writes", () => {
  it("keeps Tags given to CreateTable", async () => {
    const out = await client.send(
      new CreateTableCommand({
        TableName: "tagged",
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        Tags: [{ Key: "app", Value: "movies" }],
      }),
    );
    const tags = await client.send(new ListTagsOfResourceCommand({ ResourceArn: out.TableDescription!.TableArn }));
    expect(tags.Tags).toEqual([{ Key: "app", Value: "movies" }]);
  });

  it("describes and updates point-in-time recovery", async () => {
    await createTable("pitr");
    const before = await client.send(new DescribeContinuousBackupsCommand({ TableName: "pitr" }));
    expect(before.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe("DISABLED");
    await client.send(new UpdateContinuousBackupsCommand({ TableName: "pitr", PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 7 } }));
    const after = await client.send(new DescribeContinuousBackupsCommand({ TableName: "pitr" }));
    expect(after.ContinuousBackupsDescription?.PointInTimeRecoveryDescription).toMatchObject({ PointInTimeRecoveryStatus: "ENABLED", RecoveryPeriodInDays: 7 });
    const missing = await rejection(client.send(new DescribeContinuousBackupsCommand({ TableName: "no-such-table" })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it("returns the old item in ConditionalCheckFailedException when asked with ALL_OLD", async () => {
    await createTable("cond-old");
    await client.send(new PutItemCommand({ TableName: "cond-old", Item: { pk: { S: "a" }, v: { N: "1" } } }));
    const condition = { ConditionExpression: "attribute_not_exists(pk)", ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const };
    const put = await rejection(client.send(new PutItemCommand({ TableName: "cond-old", Item: { pk: { S: "a" }, v: { N: "2" } }, ...condition })));
    expect(put).toBeInstanceOf(ConditionalCheckFailedException);
    expect((put as ConditionalCheckFailedException).Item).toEqual({ pk: { S: "a" }, v: { N: "1" } });
    const update = await rejection(
      client.send(new UpdateItemCommand({ TableName: "cond-old", Key: { pk: { S: "a" } }, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": { N: "3" } }, ...condition })),
    );
    expect((update as ConditionalCheckFailedException).Item).toEqual({ pk: { S: "a" }, v: { N: "1" } });
    const del = await rejection(client.send(new DeleteItemCommand({ TableName: "cond-old", Key: { pk: { S: "a" } }, ...condition })));
    expect((del as ConditionalCheckFailedException).Item).toEqual({ pk: { S: "a" }, v: { N: "1" } });
    const without = await rejection(client.send(new PutItemCommand({ TableName: "cond-old", Item: { pk: { S: "a" } }, ConditionExpression: "attribute_not_exists(pk)" })));
    expect((without as ConditionalCheckFailedException).Item).toBeUndefined();
  });
});
