import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APIGatewayClient, GetApiKeysCommand, GetRestApisCommand, GetUsagePlansCommand } from "@aws-sdk/client-api-gateway";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient, GetItemCommand, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { IAMClient, ListRolesCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { LambdaClient, ListEventSourceMappingsCommand, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { ListIdentitiesCommand, SESClient } from "@aws-sdk/client-ses";
import { ListTopicsCommand, SNSClient } from "@aws-sdk/client-sns";
import { ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import { FUNCTION_NAMES } from "../handlers/functions.js";
import { findPluginMirror, Terraform, terraformMissingReason } from "../stacks/terraform/terraform.js";
import { ensureBuilt } from "./support/built-functions.js";
import { synthForEndpoint } from "./support/movies-stack.js";
import { until } from "./support/until.js";

const missing = terraformMissingReason() ?? (findPluginMirror() ? undefined : "no Terraform provider mirror with hashicorp/aws (set MOVIES_TF_PLUGIN_MIRROR)");
if (missing) console.warn(`skipping the Terraform-against-the-embedded-cloud test: ${missing}`);

const REGION = "us-east-1";
const SLOW = 10 * 60_000;
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

/**
 * The `localstack` target's Terraform JSON, applied by real Terraform (and the
 * real hashicorp/aws provider) to the embedded cloud: the path a team takes
 * when it points the tools it already has at our cloud instead of LocalStack.
 */
describe.skipIf(missing)("MoviesStack applied with real Terraform to the embedded cloud", () => {
  let cloud: Cloud;
  let scratch: string;
  let terraform: Terraform;
  let outputs: Record<string, unknown>;
  let api: string;
  const progress: string[] = [];
  const errors: unknown[] = [];
  const config = () => ({ endpoint: cloud.url, region: REGION, credentials });

  const mailbox = async () =>
    ((await (await fetch(`${cloud.url}/_aws/ses`)).json()) as { messages: { Subject?: string; Source: string; Destination: { ToAddresses: string[] } }[] }).messages;
  const functionLog = async (fn: string) =>
    (await (await fetch(`${cloud.url}/_movies/logs?function=${fn}&since=0`)).text()).trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { message: string });

  beforeAll(async () => {
    const functionsDir = await ensureBuilt();
    cloud = await startCloud({ port: 0, onError: (e) => errors.push(e) });
    scratch = await mkdtemp(join(tmpdir(), "movies-tf-cloud-"));
    const synth = await synthForEndpoint(cloud.url, functionsDir, scratch, REGION);
    terraform = new Terraform({ dir: synth.dir, onLine: (line) => progress.push(line) });
    await terraform.init();
    await terraform.apply();
    outputs = await terraform.outputValues();
    api = `${cloud.url}/restapis/${String(outputs.api_id)}/live/_user_request_`;
  }, SLOW);

  afterAll(async () => {
    await cloud?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("creates every resource of the stack", () => {
    const summary = progress.join("\n").match(/Apply complete! Resources: (\d+) added, 0 changed, 0 destroyed/);
    expect(summary, progress.slice(-40).join("\n")).not.toBeNull();
    expect(Number(summary![1])).toBeGreaterThanOrEqual(60);
    expect(outputs.table_name).toBe("Movies");
    expect(Object.keys(outputs.function_names as object).sort()).toEqual([...FUNCTION_NAMES].sort());
  });

  it("serves the deployed API: GET 200, POST with the key 201, and the email arrives", async () => {
    const key = String(outputs.api_key);
    expect((await fetch(`${api}/movies`, { method: "POST", body: "{}" })).status).toBe(403);
    const created = await fetch(`${api}/movies`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json" },
      body: JSON.stringify({ title: "The Matrix", rating: 8.7, genres: ["action", "sci-fi"] }),
    });
    expect(created.status).toBe(201);
    const movie = (await created.json()) as { id: string };
    const got = await fetch(`${api}/movies/${movie.id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual({ id: movie.id, title: "The Matrix", rating: 8.7, genres: ["action", "sci-fi"] });

    const dynamodb = new DynamoDBClient(config());
    const item = await dynamodb.send(new GetItemCommand({ TableName: "Movies", Key: { ID: { S: movie.id } } }));
    expect(item.Item?.Title?.S).toBe("The Matrix");

    const mail = await until("the email", async () => (await mailbox()).find((m) => m.Subject === "New Movie Added: The Matrix"));
    expect(mail.Source).toBe("movies@example.com");
    expect(mail.Destination.ToAddresses).toEqual(["fan@example.com"]);
  }, 60_000);

  it("plans no changes right after the apply", async () => {
    expect(await terraform.plan()).toEqual({ changes: false });
  }, SLOW);

  it("enforces a role changed through the IAM API: GET answers 500 with AccessDenied in the log", async () => {
    const created = (await (
      await fetch(`${api}/movies`, {
        method: "POST",
        headers: { "x-api-key": String(outputs.api_key), "content-type": "application/json" },
        body: JSON.stringify({ title: "Alien", rating: 8.5, genres: ["horror"] }),
      })
    ).json()) as { id: string };
    const iam = new IAMClient(config());
    const policy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["dynamodb:Query"], Resource: "*" }],
    };
    await iam.send(new PutRolePolicyCommand({ RoleName: "get-movie-role", PolicyName: "get-movie-access", PolicyDocument: JSON.stringify(policy) }));
    expect((await fetch(`${api}/movies/${created.id}`)).status).toBe(500);
    const denied = (await functionLog("get-movie")).filter((l) => l.message.includes("is not authorized to perform: dynamodb:GetItem"));
    expect(denied.length).toBeGreaterThan(0);
    // Terraform sees the drift and puts the policy back.
    expect(await terraform.plan()).toEqual({ changes: true });
    await terraform.apply();
    expect((await fetch(`${api}/movies/${created.id}`)).status).toBe(200);
  }, SLOW);

  it("destroys everything it created and leaves the cloud empty", async () => {
    await terraform.destroy();
    const c = config();
    expect((await new DynamoDBClient(c).send(new ListTablesCommand({}))).TableNames).toEqual([]);
    expect((await new SQSClient(c).send(new ListQueuesCommand({}))).QueueUrls ?? []).toEqual([]);
    expect((await new SNSClient(c).send(new ListTopicsCommand({}))).Topics ?? []).toEqual([]);
    expect((await new LambdaClient(c).send(new ListFunctionsCommand({}))).Functions ?? []).toEqual([]);
    expect((await new LambdaClient(c).send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? []).toEqual([]);
    const apigateway = new APIGatewayClient(c);
    expect((await apigateway.send(new GetRestApisCommand({}))).items ?? []).toEqual([]);
    expect((await apigateway.send(new GetApiKeysCommand({}))).items ?? []).toEqual([]);
    expect((await apigateway.send(new GetUsagePlansCommand({}))).items ?? []).toEqual([]);
    expect((await new IAMClient(c).send(new ListRolesCommand({}))).Roles ?? []).toEqual([]);
    expect((await new CloudWatchLogsClient(c).send(new DescribeLogGroupsCommand({}))).logGroups ?? []).toEqual([]);
    expect((await new SESClient(c).send(new ListIdentitiesCommand({}))).Identities ?? []).toEqual([]);
  }, SLOW);
});
