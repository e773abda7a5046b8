import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentials, providerHarness, type ProviderHarness } from "./testing.js";

// As on AWS, only key attributes (of the table or an index) may be defined.
function table(ttl: boolean, gsis: object[] = [], rangeKey = "sk") {
  const keys = new Set(["pk", rangeKey, ...(gsis.length > 0 ? ["g"] : [])]);
  return {
    resource: {
      aws_dynamodb_table: {
        t: {
          name: "p-table",
          billing_mode: "PAY_PER_REQUEST",
          hash_key: "pk",
          range_key: rangeKey,
          attribute: [...keys].map((name) => ({ name, type: "S" })),
          global_secondary_index: gsis,
          ttl: { attribute_name: "expires", enabled: ttl },
          point_in_time_recovery: { enabled: true },
        },
      },
    },
    output: { arn: { value: "${aws_dynamodb_table.t.arn}" }, id: { value: "${aws_dynamodb_table.t.id}" } },
  };
}

describe("aws_dynamodb_table", () => {
  let h: ProviderHarness;
  let db: DynamoDBClient;
  beforeAll(async () => {
    h = await providerHarness();
    db = new DynamoDBClient({ endpoint: h.cloud.url, region: "us-east-1", credentials });
  });
  afterAll(() => h.close());

  it("creates the table with its keys, index and TTL in dynalite", async () => {
    const { outputs } = await h.apply(table(true, [{ name: "by-g", hash_key: "g", projection_type: "ALL" }]));
    expect(outputs.arn!.value).toBe("arn:aws:dynamodb:us-east-1:000000000000:table/p-table");
    expect(outputs.id!.value).toBe("p-table");
    const { Table } = await db.send(new DescribeTableCommand({ TableName: "p-table" }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }]);
    expect(Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName)).toEqual(["by-g"]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
    const ttl = await db.send(new DescribeTimeToLiveCommand({ TableName: "p-table" }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: "ENABLED", AttributeName: "expires" });
  });

  it("turns TTL off in place", async () => {
    const { changes } = await h.apply(table(false, [{ name: "by-g", hash_key: "g", projection_type: "ALL" }]));
    expect(changes).toEqual([{ address: "aws_dynamodb_table.t", action: "update" }]);
    const ttl = await db.send(new DescribeTimeToLiveCommand({ TableName: "p-table" }));
    expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe("DISABLED");
  });

  it("recreates the table when an index goes, as dynalite cannot drop one", async () => {
    expect((await h.apply(table(false))).changes).toEqual([{ address: "aws_dynamodb_table.t", action: "replace" }]);
    const { Table } = await db.send(new DescribeTableCommand({ TableName: "p-table" }));
    expect(Table?.GlobalSecondaryIndexes ?? []).toEqual([]);
  });

  it("replaces the table when its key changes, and deletes it when gone", async () => {
    expect((await h.apply(table(false, [], "g"))).changes).toEqual([{ address: "aws_dynamodb_table.t", action: "replace" }]);
    const { Table } = await db.send(new DescribeTableCommand({ TableName: "p-table" }));
    expect(Table?.KeySchema?.[1]?.AttributeName).toBe("g");
    await h.apply({ resource: {} });
    expect((await db.send(new ListTablesCommand({}))).TableNames).toEqual([]);
  });
});
