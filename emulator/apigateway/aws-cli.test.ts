import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cloud, startCloud } from "../cloud.js";

/** The AWS CLI (botocore) is a stricter reader of answers than the JS SDK: a second client no one here wrote. */
const missing = spawnSync("aws", ["--version"], { stdio: "ignore" }).status === 0 ? undefined : "the AWS CLI (aws) is not on PATH";
if (missing) console.warn(`skipping the API Gateway AWS CLI test: ${missing}`);

const run = promisify(execFile);

describe.skipIf(missing)("API Gateway control plane, driven by the AWS CLI", () => {
  let cloud: Cloud;
  const aws = async (...args: string[]): Promise<any> => {
    const { stdout } = await run("aws", ["--endpoint-url", cloud.url, "--region", "us-east-1", "--output", "json", "apigateway", ...args], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" },
    });
    return stdout.trim() ? JSON.parse(stdout) : undefined;
  };

  beforeAll(async () => {
    cloud = await startCloud({ port: 0 });
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it("builds, deploys, patches and deletes a REST API", async () => {
    const api = await aws("create-rest-api", "--name", "cli-api", "--tags", "_custom_id_=cliapi0001");
    expect(api.id).toBe("cliapi0001");
    const root = (await aws("get-resources", "--rest-api-id", api.id)).items[0];
    expect(root.path).toBe("/");
    const r = await aws("create-resource", "--rest-api-id", api.id, "--parent-id", root.id, "--path-part", "movies");
    await aws("put-method", "--rest-api-id", api.id, "--resource-id", r.id, "--http-method", "GET", "--authorization-type", "NONE");
    await aws("put-integration", "--rest-api-id", api.id, "--resource-id", r.id, "--http-method", "GET", "--type", "MOCK");
    await aws("put-method-response", "--rest-api-id", api.id, "--resource-id", r.id, "--http-method", "GET", "--status-code", "200");
    await aws("put-integration-response", "--rest-api-id", api.id, "--resource-id", r.id, "--http-method", "GET", "--status-code", "200", "--selection-pattern", "");
    const deployment = await aws("create-deployment", "--rest-api-id", api.id, "--stage-name", "dev");
    // epoch seconds on the wire; CLI v1 prints them as received
    expect(Math.abs(deployment.createdDate - Date.now() / 1000)).toBeLessThan(600);
    const stage = await aws("update-stage", "--rest-api-id", api.id, "--stage-name", "dev", "--patch-operations", "op=replace,path=/*/*/throttling/rateLimit,value=5");
    expect(stage.methodSettings["*/*"]).toMatchObject({ throttlingRateLimit: 5, throttlingBurstLimit: 5000 });
    const embedded = await aws("get-resources", "--rest-api-id", api.id, "--embed", "methods");
    expect(embedded.items.find((i: { path: string }) => i.path === "/movies").resourceMethods.GET.methodIntegration.integrationResponses["200"]).toEqual({ statusCode: "200", selectionPattern: "" });
    const missingStage = aws("delete-stage", "--rest-api-id", api.id, "--stage-name", "nope");
    await expect(missingStage).rejects.toThrow(/NotFoundException.*Invalid stage identifier specified/s);
    await aws("delete-rest-api", "--rest-api-id", api.id);
    expect((await aws("get-rest-apis")).items).toEqual([]);
  }, 120_000);
});
