import { APIGatewayClient, GetApiKeysCommand, GetRestApisCommand, GetStageCommand, GetUsagePlansCommand } from "@aws-sdk/client-api-gateway";
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPluginMirror, Terraform, terraformMissingReason } from "../../stacks/terraform/terraform.js";
import { localClientConfig } from "../../test/support/cloud-client-config.js";
import { type Cloud, startCloud } from "../cloud.js";
import { handlerZip, TEST_ROLE } from "../lambda/test-support/handler-zip.js";
import { apiGatewayTerraformConfig } from "./testing/terraform-config.js";

const missing = terraformMissingReason() ?? (findPluginMirror() ? undefined : "no Terraform provider mirror with hashicorp/aws (set MOVIES_TF_PLUGIN_MIRROR)");
if (missing) console.warn(`skipping the API Gateway Terraform conformance test: ${missing}`);

const REGION = "us-east-1";
// A loaded 2-core machine: each terraform command starts the 700 MB provider, 10-20 s apiece.
const SLOW = 10 * 60_000;

describe.skipIf(missing)("the MoviesStack's API Gateway resources applied with real Terraform (hashicorp/aws 5.100.0)", () => {
  let cloud: Cloud;
  let scratch: string;
  let terraform: Terraform;
  let functionArn: string;
  const log: string[] = [];
  const apigw = () => new APIGatewayClient(localClientConfig(cloud.url));

  const writeConfig = (rateLimit: number) =>
    writeFile(
      join(scratch, "cdk.tf.json"),
      JSON.stringify(apiGatewayTerraformConfig({ endpoint: cloud.url, region: REGION, functionArn, stateFile: join(scratch, "terraform.tfstate"), customId: "moviesapi1", rateLimit })),
    );

  beforeAll(async () => {
    cloud = await startCloud({ port: 0 });
    scratch = await mkdtemp(join(tmpdir(), "apigw-terraform-"));
    const lambda = new LambdaClient(localClientConfig(cloud.url));
    const fn = await lambda.send(
      new CreateFunctionCommand({ FunctionName: "movies", Role: TEST_ROLE, Handler: "index.handler", Runtime: "nodejs22.x", Code: { ZipFile: handlerZip({ "index.mjs": "export const handler = async (e) => ({ statusCode: 200, body: e.httpMethod + ' ' + e.path });" }) } }),
    );
    await lambda.send(new AddPermissionCommand({ FunctionName: "movies", StatementId: "apigw", Action: "lambda:InvokeFunction", Principal: "apigateway.amazonaws.com", SourceArn: `arn:aws:execute-api:${REGION}:000000000000:*/*/*` }));
    lambda.destroy();
    functionArn = fn.FunctionArn!;
    await writeConfig(10);
    terraform = new Terraform({ dir: scratch, onLine: (line) => log.push(line) });
    await terraform.init();
    await terraform.apply();
  }, SLOW);

  afterAll(async () => {
    await cloud?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("applies every resource, and the deployed API answers at the custom id", async () => {
    expect(log.join("\n")).toMatch(/Apply complete! Resources: 17 added, 0 changed, 0 destroyed/);
    const outputs = await terraform.outputValues();
    expect(outputs.api_id).toBe("moviesapi1");
    const base = `${cloud.url}/restapis/moviesapi1/live/_user_request_`;
    const get = await fetch(`${base}/movies/42`);
    expect(get.status).toBe(200);
    expect(await get.text()).toBe("GET /movies/42");
    expect((await fetch(`${base}/movies`, { method: "POST" })).status).toBe(403);
    const post = await fetch(`${base}/movies`, { method: "POST", headers: { "x-api-key": String(outputs.api_key) } });
    expect(post.status).toBe(200);
    const stage = await apigw().send(new GetStageCommand({ restApiId: "moviesapi1", stageName: "live" }));
    expect(stage.methodSettings?.["*/*"]).toMatchObject({ throttlingRateLimit: 10, throttlingBurstLimit: 20 });
  }, SLOW);

  it("plans no changes after the apply", async () => {
    expect((await terraform.plan()).changes).toBe(false);
  }, SLOW);

  it("updates the stage throttle in place, and plans clean again", async () => {
    await writeConfig(3);
    log.length = 0;
    await terraform.apply();
    expect(log.join("\n")).toMatch(/Apply complete! Resources: 0 added, 1 changed, 0 destroyed/);
    const stage = await apigw().send(new GetStageCommand({ restApiId: "moviesapi1", stageName: "live" }));
    expect(stage.methodSettings?.["*/*"]?.throttlingRateLimit).toBe(3);
    expect((await terraform.plan()).changes).toBe(false);
  }, SLOW);

  it("destroys everything it created", async () => {
    await terraform.destroy();
    const client = apigw();
    expect((await client.send(new GetRestApisCommand({}))).items).toEqual([]);
    expect((await client.send(new GetApiKeysCommand({}))).items).toEqual([]);
    expect((await client.send(new GetUsagePlansCommand({}))).items).toEqual([]);
  }, SLOW);
});
