import { afterEach, describe, expect, it } from "vitest";
import { APIGatewayClient, GetRestApisCommand } from "@aws-sdk/client-api-gateway";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  TransactGetItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { IAMClient, ListRolesCommand } from "@aws-sdk/client-iam";
import { LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { ListIdentitiesCommand, SESClient } from "@aws-sdk/client-ses";
import { ListTopicsCommand, SNSClient } from "@aws-sdk/client-sns";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { startCloud, type Cloud } from "./cloud.js";
import { localClientConfig } from "../test/support/cloud-client-config.js";

// Parts of the cloud start on their first request (dynalite, the Lambda
// sandbox's clean-up): each test starts a fresh cloud and checks that the very
// first requests, sent together, get the answers a warm cloud gives.
let cloud: Cloud | undefined;
afterEach(async () => {
  await cloud?.stop();
  cloud = undefined;
});

const table = (name: string) =>
  new CreateTableCommand({
    TableName: name,
    BillingMode: "PAY_PER_REQUEST",
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
  });

describe("the first requests after start", () => {
  it("answers every service's first request as a warm cloud would", async () => {
    cloud = await startCloud({ port: 0 });
    const config = localClientConfig(cloud.url);
    const [tables, queue, topics, identities, caller, roles, functions, apis, groups] = await Promise.all([
      new DynamoDBClient(config).send(new ListTablesCommand({})),
      new SQSClient(config).send(new CreateQueueCommand({ QueueName: "first" })),
      new SNSClient(config).send(new ListTopicsCommand({})),
      new SESClient(config).send(new ListIdentitiesCommand({})),
      new STSClient(config).send(new GetCallerIdentityCommand({})),
      new IAMClient(config).send(new ListRolesCommand({})),
      new LambdaClient(config).send(new ListFunctionsCommand({})),
      new APIGatewayClient(config).send(new GetRestApisCommand({})),
      new CloudWatchLogsClient(config).send(new DescribeLogGroupsCommand({})),
    ]);
    expect(tables.TableNames).toEqual([]);
    expect(queue.QueueUrl).toBe(`${cloud.url}/000000000000/first`);
    expect(topics.Topics).toEqual([]);
    expect(identities.Identities).toEqual([]);
    expect(caller.Account).toBe("000000000000");
    expect(roles.Roles).toEqual([]);
    expect(functions.Functions).toEqual([]);
    expect(apis.items ?? []).toEqual([]);
    expect(groups.logGroups).toEqual([]);
  });

  it("serves DynamoDB requests that arrive together while dynalite starts, each with its own answer", async () => {
    cloud = await startCloud({ port: 0 });
    const client = new DynamoDBClient(localClientConfig(cloud.url));
    // none of these is read by the cloud: each goes to dynalite's own handler
    const [missing, first, second] = await Promise.allSettled([
      client.send(new DescribeTableCommand({ TableName: "Nothing" })),
      client.send(new ListTablesCommand({})),
      client.send(new ListTablesCommand({ Limit: 5 })),
    ]);
    expect(missing.status === "rejected" && missing.reason).toBeInstanceOf(ResourceNotFoundException);
    expect(first.status === "fulfilled" && first.value.TableNames).toEqual([]);
    expect(second.status === "fulfilled" && second.value.TableNames).toEqual([]);
    expect((await client.send(table("Movies"))).TableDescription?.TableName).toBe("Movies");
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(["Movies"]);
    client.destroy();
  });

  it("answers a first DynamoDB request that the cloud handles itself (not dynalite) from the same tables", async () => {
    cloud = await startCloud({ port: 0 });
    const client = new DynamoDBClient(localClientConfig(cloud.url));
    // DescribeTimeToLive and TransactGetItems are answered by the cloud, which asks dynalite for the table.
    await expect(client.send(new DescribeTimeToLiveCommand({ TableName: "Movies" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await client.send(table("Movies"));
    const got = await client.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: "Movies", Key: { id: { S: "x" } } } }] }));
    expect(got.Responses).toEqual([{}]);
    client.destroy();
  });
});
