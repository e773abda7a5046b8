import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Method, APIGatewayClient, GetApiKeyCommand, GetApiKeysCommand, GetResourcesCommand, GetRestApisCommand, GetStageCommand, GetUsagePlansCommand } from "@aws-sdk/client-api-gateway";
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetRolePolicyCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetFunctionConfigurationCommand, GetPolicyCommand, LambdaClient, ListEventSourceMappingsCommand } from "@aws-sdk/client-lambda";
import { GetSubscriptionAttributesCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FUNCTION_NAMES } from "../handlers/functions.js";
import type { SynthResult } from "../stacks/synth.js";
import { writeFunctionZips } from "../stacks/testing/function-zips.js";
import { findPluginMirror, Terraform, terraformMissingReason } from "../stacks/terraform/terraform.js";
import { motoMissingReason, startMoto, type MotoServer } from "./support/moto.js";
import { synthForEndpoint } from "./support/movies-stack.js";

const missing =
  terraformMissingReason() ??
  (findPluginMirror() ? undefined : "no Terraform provider mirror with hashicorp/aws (set MOVIES_TF_PLUGIN_MIRROR)") ??
  motoMissingReason();
if (missing) console.warn(`skipping the Terraform-against-moto stack test: ${missing}`);

const REGION = "us-east-1";
const SLOW = 15 * 60_000; // a loaded 2-core machine: apply has taken 30 s to 3 min

describe.skipIf(missing)("MoviesStack applied with real Terraform against moto", () => {
  let moto: MotoServer;
  let scratch: string;
  let synth: SynthResult;
  let terraform: Terraform;
  let outputs: Record<string, unknown>;
  const progress: string[] = [];
  const clients = {} as {
    dynamodb: DynamoDBClient;
    sns: SNSClient;
    sqs: SQSClient;
    lambda: LambdaClient;
    apigateway: APIGatewayClient;
    iam: IAMClient;
  };

  beforeAll(async () => {
    moto = await startMoto();
    scratch = await mkdtemp(join(tmpdir(), "movies-stack-moto-"));
    synth = await synthForEndpoint(moto.url, await writeFunctionZips(), scratch, REGION);
    terraform = new Terraform({ dir: synth.dir, onLine: (line) => progress.push(line) });
    await terraform.init();
    await terraform.apply();
    outputs = await terraform.outputValues();
    const config = { endpoint: moto.url, region: REGION, credentials: { accessKeyId: "test", secretAccessKey: "test" } };
    clients.dynamodb = new DynamoDBClient(config);
    clients.sns = new SNSClient(config);
    clients.sqs = new SQSClient(config);
    clients.lambda = new LambdaClient(config);
    clients.apigateway = new APIGatewayClient(config);
    clients.iam = new IAMClient(config);
  }, SLOW);

  afterAll(async () => {
    for (const client of Object.values(clients)) client.destroy();
    await moto?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("used the offline provider mirror and streamed Terraform's progress", () => {
    expect(terraform.pluginMirror).toBe(findPluginMirror());
    expect(progress.join("\n")).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
  });

  it("returns the outputs the CLI reads", () => {
    expect(outputs.table_name).toBe("Movies");
    expect(outputs.topic_arn).toMatch(/^arn:aws:sns:us-east-1:\d{12}:movie-updates-topic$/);
    expect(outputs.queue_url).toMatch(/movie-updates-queue$/);
    expect(outputs.dlq_url).toMatch(/movie-updates-dlq$/);
    expect(outputs.api_url).toMatch(/^https:\/\/\w+\.execute-api\.us-east-1\.amazonaws\.com\/live$/);
    expect(typeof outputs.api_key).toBe("string");
    expect(Object.keys(outputs.function_names as object).sort()).toEqual([...FUNCTION_NAMES].sort());
  });

  it("created the Movies table keyed by ID only, on demand, and the idempotency table with TTL", async () => {
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: "Movies" }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: "ID", KeyType: "HASH" }]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
    const ttl = await clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: "movies-idempotency" }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: "expiration", TimeToLiveStatus: "ENABLED" });
  });

  it("subscribed the queue to the topic with raw delivery, a DLQ after 5 receives and a topic-only policy", async () => {
    const topicArn = String(outputs.topic_arn);
    await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    const queue = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: String(outputs.queue_url), AttributeNames: ["All"] }));
    const dlq = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: String(outputs.dlq_url), AttributeNames: ["All"] }));
    const queueArn = queue.Attributes!.QueueArn!;

    const { Subscriptions } = await clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    expect(Subscriptions?.map((s) => [s.Protocol, s.Endpoint])).toEqual([["sqs", queueArn]]);
    const { Attributes } = await clients.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: Subscriptions![0]!.SubscriptionArn }));
    expect(Attributes?.RawMessageDelivery).toBe("true");

    expect(JSON.parse(queue.Attributes!.RedrivePolicy!)).toEqual({ deadLetterTargetArn: dlq.Attributes!.QueueArn, maxReceiveCount: 5 });
    expect(dlq.Attributes!.MessageRetentionPeriod).toBe(String(14 * 24 * 3600));
    const policy = JSON.parse(queue.Attributes!.Policy!) as { Statement: Record<string, unknown>[] };
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": topicArn } },
      }),
    ]);
  });

  it("deployed the six functions with runtime, handler, environment and their own roles", async () => {
    const names = outputs.function_names as Record<string, string>;
    for (const name of FUNCTION_NAMES) {
      const fn = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: names[name] }));
      expect(fn).toMatchObject({ Runtime: "nodejs22.x", Handler: "index.handler" });
      expect(fn.Role).toMatch(new RegExp(`:role/${name}-role$`));
      const env = fn.Environment?.Variables ?? {};
      if (name === "email-notification") {
        expect(env).toEqual({ SOURCE_EMAIL: "movies@example.com", DESTINATION_EMAIL: "fan@example.com", IDEMPOTENCY_TABLE_NAME: "movies-idempotency" });
      } else {
        expect(env.TABLE_NAME).toBe("Movies");
        expect(env.TOPIC_ARN).toBe(["get-movie", "list-movies"].includes(name) ? undefined : outputs.topic_arn);
      }
    }
    const { PolicyDocument } = await clients.iam.send(new GetRolePolicyCommand({ RoleName: "list-movies-role", PolicyName: "list-movies-access" }));
    const doc = JSON.parse(decodeURIComponent(PolicyDocument!)) as { Statement: { Action: string | string[]; Resource: string | string[] }[] };
    const actions = doc.Statement.flatMap((s) => [s.Action].flat()).sort();
    expect(actions).toEqual(["dynamodb:Scan", "logs:CreateLogStream", "logs:PutLogEvents"]);
  });

  it("maps the queue to email-notification with batches of 10 and partial batch failures", async () => {
    // Listed unfiltered: moto 5.2 matches the FunctionName filter only against ARNs.
    const { EventSourceMappings: all } = await clients.lambda.send(new ListEventSourceMappingsCommand({}));
    const emailFunction = (outputs.function_names as Record<string, string>)["email-notification"];
    const EventSourceMappings = (all ?? []).filter((m) => m.FunctionArn?.endsWith(`:function:${emailFunction}`));
    expect(EventSourceMappings).toHaveLength(1);
    expect(EventSourceMappings![0]).toMatchObject({ BatchSize: 10, FunctionResponseTypes: ["ReportBatchItemFailures"] });
    expect(EventSourceMappings![0]!.EventSourceArn).toMatch(/:movie-updates-queue$/);
  });

  it("serves movies-api on stage live, writes behind the API key and a usage plan, with invoke permissions per method", async () => {
    const { items: apis } = await clients.apigateway.send(new GetRestApisCommand({}));
    const api = apis?.find((a) => a.name === "movies-api");
    expect(api?.id).toBe(outputs.api_id);
    const { items: resources } = await clients.apigateway.send(new GetResourcesCommand({ restApiId: api!.id, embed: ["methods"] }));
    const byPath = Object.fromEntries((resources ?? []).map((r) => [r.path, r]));
    expect(Object.keys(byPath).sort()).toEqual(["/", "/movies", "/movies/{movieID}"]);
    const methods = (path: string) =>
      Object.fromEntries(Object.entries((byPath[path]!.resourceMethods ?? {}) as Record<string, Method>).map(([verb, m]) => [verb, m.apiKeyRequired]));
    expect(methods("/movies")).toEqual({ GET: false, POST: true });
    expect(methods("/movies/{movieID}")).toEqual({ GET: false, PUT: true, DELETE: true });
    for (const m of Object.values(byPath["/movies/{movieID}"]!.resourceMethods ?? {}) as Method[]) {
      expect(m.methodIntegration?.type).toBe("AWS_PROXY");
    }

    const stage = await clients.apigateway.send(new GetStageCommand({ restApiId: api!.id, stageName: "live" }));
    expect(stage.deploymentId).toBeTruthy();
    const { items: plans } = await clients.apigateway.send(new GetUsagePlansCommand({}));
    expect(plans?.find((p) => p.apiStages?.some((s) => s.apiId === api!.id && s.stage === "live"))).toMatchObject({
      quota: { period: "DAY" },
    });

    const key = await clients.apigateway.send(new GetApiKeyCommand({ apiKey: (await keyId(clients.apigateway))!, includeValue: true }));
    expect(key.value).toBe(outputs.api_key);

    const names = outputs.function_names as Record<string, string>;
    const policy = await clients.lambda.send(new GetPolicyCommand({ FunctionName: names["update-movie"] }));
    const statements = (JSON.parse(policy.Policy!) as { Statement: { Condition?: { ArnLike?: Record<string, string> } }[] }).Statement;
    expect(statements.map((s) => s.Condition?.ArnLike?.["AWS:SourceArn"])).toEqual([
      expect.stringMatching(new RegExp(`^arn:aws:execute-api:us-east-1:\\d{12}:${api!.id}/\\*/PUT/movies/\\*$`)),
    ]);
  });

  it("plans no changes right after the apply", async () => {
    expect(await terraform.plan()).toEqual({ changes: false });
  }, SLOW);

  it("destroys everything it created", async () => {
    await terraform.destroy();
    await expect(clients.dynamodb.send(new DescribeTableCommand({ TableName: "Movies" }))).rejects.toThrow(/not found|ResourceNotFound/i);
    const { items } = await clients.apigateway.send(new GetRestApisCommand({}));
    expect(items?.some((a) => a.name === "movies-api")).toBe(false);
  }, SLOW);
});

async function keyId(client: APIGatewayClient): Promise<string | undefined> {
  const { items } = await client.send(new GetApiKeysCommand({ nameQuery: "movies-api-key" }));
  return items?.[0]?.id;
}
