import {
  APIGatewayClient,
  BadRequestException,
  ConflictException,
  CreateApiKeyCommand,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteDeploymentCommand,
  DeleteMethodCommand,
  DeleteRestApiCommand,
  DeleteStageCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetDeploymentsCommand,
  GetIntegrationCommand,
  GetMethodCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  GetStageCommand,
  GetStagesCommand,
  GetTagsCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlanCommand,
  NotFoundException,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  TagResourceCommand,
  UpdateApiKeyCommand,
  UpdateRestApiCommand,
  UpdateStageCommand,
  UpdateUsagePlanCommand,
} from "@aws-sdk/client-api-gateway";
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localClientConfig } from "../../test/support/cloud-client-config.js";
import { type Cloud, startCloud } from "../cloud.js";
import { handlerZip, TEST_ROLE } from "../lambda/test-support/handler-zip.js";

let cloud: Cloud;
let apigw: APIGatewayClient;
let lambda: LambdaClient;
let functionArn = "";
const ECHO = `export const handler = async (e) => ({ statusCode: 200, body: JSON.stringify({ method: e.httpMethod, path: e.path }) });`;

beforeAll(async () => {
  cloud = await startCloud({ port: 0 });
  apigw = new APIGatewayClient(localClientConfig(cloud.url));
  lambda = new LambdaClient(localClientConfig(cloud.url));
  const fn = await lambda.send(new CreateFunctionCommand({ FunctionName: "echo", Role: TEST_ROLE, Handler: "index.handler", Runtime: "nodejs22.x", Code: { ZipFile: handlerZip({ "index.mjs": ECHO }) } }));
  functionArn = fn.FunctionArn!;
  await lambda.send(new AddPermissionCommand({ FunctionName: "echo", StatementId: "apigw", Action: "lambda:InvokeFunction", Principal: "apigateway.amazonaws.com", SourceArn: "arn:aws:execute-api:us-east-1:000000000000:*/*/*" }));
});

afterAll(async () => {
  apigw?.destroy();
  lambda?.destroy();
  await cloud?.stop();
});

const uri = () => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
const invoke = (apiId: string, path: string, init?: RequestInit) => fetch(`${cloud.url}/restapis/${apiId}/live/_user_request_${path}`, init);

/** An API with GET /movies wired to the echo function, deployed to stage "live". */
async function deployedApi(name: string, tags?: Record<string, string>) {
  const api = await apigw.send(new CreateRestApiCommand({ name, tags, endpointConfiguration: { types: ["REGIONAL"] } }));
  const movies = await apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: "movies" }));
  await apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId: movies.id, httpMethod: "GET", authorizationType: "NONE" }));
  await apigw.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: movies.id, httpMethod: "GET", type: "AWS_PROXY", integrationHttpMethod: "POST", uri: uri() }));
  const deployment = await apigw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: "live" }));
  return { api, movies, deployment };
}

describe("API Gateway control plane, driven by @aws-sdk/client-api-gateway", () => {
  it("creates a REST API with its root resource and reads it back in AWS's shapes", async () => {
    const api = await apigw.send(new CreateRestApiCommand({ name: "shapes", description: "d", apiKeySource: "HEADER", endpointConfiguration: { types: ["REGIONAL"] }, tags: { team: "movies" } }));
    expect(api.id).toMatch(/^[a-z0-9]{10}$/);
    expect(api.createdDate).toBeInstanceOf(Date);
    const got = await apigw.send(new GetRestApiCommand({ restApiId: api.id }));
    expect(got).toMatchObject({ name: "shapes", description: "d", apiKeySource: "HEADER", endpointConfiguration: { types: ["REGIONAL"] }, tags: { team: "movies" }, rootResourceId: api.rootResourceId });
    const { items } = await apigw.send(new GetResourcesCommand({ restApiId: api.id }));
    expect(items).toEqual([{ id: api.rootResourceId, path: "/" }]);
    await apigw.send(new UpdateRestApiCommand({ restApiId: api.id, patchOperations: [{ op: "replace", path: "/description", value: "changed" }, { op: "add", path: "/binaryMediaTypes/image~1png" }] }));
    expect(await apigw.send(new GetRestApiCommand({ restApiId: api.id }))).toMatchObject({ description: "changed", binaryMediaTypes: ["image/png"] });
    await apigw.send(new DeleteRestApiCommand({ restApiId: api.id }));
    await expect(apigw.send(new GetRestApiCommand({ restApiId: api.id }))).rejects.toBeInstanceOf(NotFoundException);
  });

  it("stores methods with responses and integrations with responses, and embeds them in GetResources", async () => {
    const api = await apigw.send(new CreateRestApiCommand({ name: "methods" }));
    const r = await apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: "{id}" }));
    expect(r).toMatchObject({ path: "/{id}", pathPart: "{id}", parentId: api.rootResourceId });
    await apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId: r.id, httpMethod: "GET", authorizationType: "NONE", apiKeyRequired: true, requestParameters: { "method.request.path.id": true } }));
    await apigw.send(new PutMethodResponseCommand({ restApiId: api.id, resourceId: r.id, httpMethod: "GET", statusCode: "200", responseModels: { "application/json": "Empty" } }));
    await apigw.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: r.id, httpMethod: "GET", type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } }));
    await apigw.send(new PutIntegrationResponseCommand({ restApiId: api.id, resourceId: r.id, httpMethod: "GET", statusCode: "200", selectionPattern: "" }));
    const method = await apigw.send(new GetMethodCommand({ restApiId: api.id, resourceId: r.id, httpMethod: "GET" }));
    expect(method).toMatchObject({
      httpMethod: "GET",
      apiKeyRequired: true,
      requestParameters: { "method.request.path.id": true },
      methodResponses: { "200": { statusCode: "200", responseModels: { "application/json": "Empty" } } },
      methodIntegration: { type: "MOCK", timeoutInMillis: 29000, passthroughBehavior: "WHEN_NO_MATCH", integrationResponses: { "200": { statusCode: "200", selectionPattern: "" } } },
    });
    const { items } = await apigw.send(new GetResourcesCommand({ restApiId: api.id, embed: ["methods"] }));
    expect(items?.find((i) => i.id === r.id)?.resourceMethods?.GET).toMatchObject({ httpMethod: "GET", methodIntegration: { type: "MOCK" } });
    const integration = await apigw.send(new GetIntegrationCommand({ restApiId: api.id, resourceId: r.id, httpMethod: "GET" }));
    expect(integration.cacheNamespace).toBe(r.id);
    await apigw.send(new DeleteMethodCommand({ restApiId: api.id, resourceId: r.id, httpMethod: "GET" }));
    await expect(apigw.send(new GetMethodCommand({ restApiId: api.id, resourceId: r.id, httpMethod: "GET" }))).rejects.toBeInstanceOf(NotFoundException);
  });

  it("answers with the error types the SDK models, in x-amzn-errortype and { message }", async () => {
    const api = await apigw.send(new CreateRestApiCommand({ name: "errors" }));
    await apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: "movies" }));
    const conflict = apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: "movies" }));
    await expect(conflict).rejects.toBeInstanceOf(ConflictException);
    await expect(apigw.send(new CreateDeploymentCommand({ restApiId: api.id }))).rejects.toThrow(/doesn't contain any methods/);
    await expect(apigw.send(new CreateDeploymentCommand({ restApiId: api.id }))).rejects.toBeInstanceOf(BadRequestException);
    await expect(apigw.send(new GetStageCommand({ restApiId: api.id, stageName: "nope" }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(apigw.send(new UpdateStageCommand({ restApiId: "missing000", stageName: "live", patchOperations: [] }))).rejects.toBeInstanceOf(NotFoundException);

    const raw = await fetch(`${cloud.url}/restapis/missing000`, { headers: { authorization: "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/us-east-1/apigateway/aws4_request, SignedHeaders=host, Signature=0" } });
    expect(raw.status).toBe(404);
    expect(raw.headers.get("x-amzn-errortype")).toBe("NotFoundException");
    expect(await raw.json()).toEqual({ message: "Invalid REST API identifier specified" });
  });

  it("pages lists as { item, position }", async () => {
    for (let i = 0; i < 3; i++) await apigw.send(new CreateRestApiCommand({ name: `paged-${i}` }));
    const first = await apigw.send(new GetRestApisCommand({ limit: 2 }));
    expect(first.items).toHaveLength(2);
    expect(first.position).toBeDefined();
    const names = new Set(first.items!.map((a) => a.name));
    let position = first.position;
    while (position) {
      const next = await apigw.send(new GetRestApisCommand({ limit: 2, position }));
      for (const a of next.items ?? []) names.add(a.name);
      position = next.position;
    }
    expect([...names]).toEqual(expect.arrayContaining(["paged-0", "paged-1", "paged-2"]));
  });

  it("serves a deployment's snapshot: a method added later answers only after the next deployment", async () => {
    const { api, movies } = await deployedApi("snapshots");
    expect(await (await invoke(api.id!, "/movies")).json()).toEqual({ method: "GET", path: "/movies" });
    await apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId: movies.id, httpMethod: "POST", authorizationType: "NONE" }));
    await apigw.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: movies.id, httpMethod: "POST", type: "AWS_PROXY", integrationHttpMethod: "POST", uri: uri() }));
    expect((await invoke(api.id!, "/movies", { method: "POST" })).status).toBe(403);
    const second = await apigw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: "live", description: "adds POST" }));
    expect((await invoke(api.id!, "/movies", { method: "POST" })).status).toBe(200);
    expect((await apigw.send(new GetStageCommand({ restApiId: api.id, stageName: "live" }))).deploymentId).toBe(second.id);
    const { items } = await apigw.send(new GetDeploymentsCommand({ restApiId: api.id }));
    expect(items?.map((d) => d.description)).toContain("adds POST");
  });

  it("applies a stage throttle patched through UpdateStage to the next request, and lifts it when removed", async () => {
    const { api } = await deployedApi("throttled");
    expect((await invoke(api.id!, "/movies")).status).toBe(200);
    const patched = await apigw.send(
      new UpdateStageCommand({
        restApiId: api.id,
        stageName: "live",
        patchOperations: [
          { op: "replace", path: "/*/*/throttling/rateLimit", value: "0" },
          { op: "replace", path: "/*/*/throttling/burstLimit", value: "1" },
        ],
      }),
    );
    expect(patched.methodSettings?.["*/*"]).toMatchObject({ throttlingRateLimit: 0, throttlingBurstLimit: 1, metricsEnabled: false, loggingLevel: "OFF" });
    // a burst of one and no refill: the first request passes, the second is refused
    expect((await invoke(api.id!, "/movies")).status).toBe(200);
    const refused = await invoke(api.id!, "/movies");
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ message: "Too Many Requests" });
    await apigw.send(new UpdateStageCommand({ restApiId: api.id, stageName: "live", patchOperations: [{ op: "remove", path: "/*/*" }] }));
    expect((await invoke(api.id!, "/movies")).status).toBe(200);
    await expect(apigw.send(new UpdateStageCommand({ restApiId: api.id, stageName: "live", patchOperations: [{ op: "remove", path: "/*/*" }] }))).rejects.toThrow(/no method setting/);
    await expect(apigw.send(new UpdateStageCommand({ restApiId: api.id, stageName: "live", patchOperations: [{ op: "replace", path: "/nonsense", value: "1" }] }))).rejects.toBeInstanceOf(BadRequestException);
  });

  it("throttles one method by its own setting, its path escaped (~1) or written as Terraform's method_path", async () => {
    const { api } = await deployedApi("per-method");
    const setting = (methodPath: string) =>
      apigw.send(
        new UpdateStageCommand({
          restApiId: api.id,
          stageName: "live",
          patchOperations: [
            { op: "replace", path: `/${methodPath}/throttling/rateLimit`, value: "0" },
            { op: "replace", path: `/${methodPath}/throttling/burstLimit`, value: "1" },
          ],
        }),
      );
    const stage = await setting("~1movies/GET");
    expect(Object.keys(stage.methodSettings ?? {})).toEqual(["~1movies/GET"]);
    expect((await invoke(api.id!, "/movies")).status).toBe(200);
    expect((await invoke(api.id!, "/movies")).status).toBe(429);
    await apigw.send(new UpdateStageCommand({ restApiId: api.id, stageName: "live", patchOperations: [{ op: "remove", path: "/~1movies/GET" }] }));
    expect((await invoke(api.id!, "/movies")).status).toBe(200);
    await setting("movies/GET");
    expect((await invoke(api.id!, "/movies")).status).toBe(200);
    expect((await invoke(api.id!, "/movies")).status).toBe(429);
    await expect(setting("movies/FETCH")).rejects.toThrow(/not an HTTP method/);
  });

  it("keeps stages, API keys, usage plans and their keys; a plan change applies to the next request", async () => {
    const { api, deployment } = await deployedApi("plans");
    await apigw.send(new CreateStageCommand({ restApiId: api.id, stageName: "beta", deploymentId: deployment.id, variables: { color: "blue" }, tags: { env: "beta" } }));
    await expect(apigw.send(new CreateStageCommand({ restApiId: api.id, stageName: "beta", deploymentId: deployment.id }))).rejects.toBeInstanceOf(ConflictException);
    const stages = await apigw.send(new GetStagesCommand({ restApiId: api.id }));
    expect(stages.item?.map((s) => s.stageName).sort()).toEqual(["beta", "live"]);
    await expect(apigw.send(new DeleteDeploymentCommand({ restApiId: api.id, deploymentId: deployment.id }))).rejects.toBeInstanceOf(BadRequestException);
    await apigw.send(new DeleteStageCommand({ restApiId: api.id, stageName: "beta" }));

    // GET /movies needs a key from here on (next deployment)
    const movies = (await apigw.send(new GetResourcesCommand({ restApiId: api.id }))).items!.find((r) => r.path === "/movies")!;
    await apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId: movies.id, httpMethod: "GET", authorizationType: "NONE", apiKeyRequired: true }));
    await apigw.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: movies.id, httpMethod: "GET", type: "AWS_PROXY", integrationHttpMethod: "POST", uri: uri() }));
    await apigw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: "live" }));

    const key = await apigw.send(new CreateApiKeyCommand({ name: "plans-key", enabled: true }));
    expect(key.value).toHaveLength(40);
    expect((await apigw.send(new GetApiKeyCommand({ apiKey: key.id }))).value).toBeUndefined();
    expect((await apigw.send(new GetApiKeyCommand({ apiKey: key.id, includeValue: true }))).value).toBe(key.value);
    expect((await apigw.send(new GetApiKeysCommand({ nameQuery: "plans-", includeValues: true }))).items?.map((k) => k.value)).toEqual([key.value]);
    const plan = await apigw.send(new CreateUsagePlanCommand({ name: "plan", apiStages: [{ apiId: api.id, stage: "live" }], quota: { limit: 1000, period: "DAY" }, throttle: { burstLimit: 20, rateLimit: 10 } }));
    await apigw.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }));
    expect((await apigw.send(new GetUsagePlanKeysCommand({ usagePlanId: plan.id }))).items).toEqual([{ id: key.id, type: "API_KEY", name: "plans-key", value: key.value }]);
    await expect(apigw.send(new CreateUsagePlanCommand({ name: "bad", apiStages: [{ apiId: api.id, stage: "nope" }] }))).rejects.toBeInstanceOf(BadRequestException);

    const withKey = { headers: { "x-api-key": key.value! } };
    expect((await invoke(api.id!, "/movies")).status).toBe(403);
    expect((await invoke(api.id!, "/movies", withKey)).status).toBe(200);
    // quota of one, already used above: the next request is over it at once
    await apigw.send(new UpdateUsagePlanCommand({ usagePlanId: plan.id, patchOperations: [{ op: "replace", path: "/quota/limit", value: "1" }] }));
    expect((await apigw.send(new GetUsagePlanCommand({ usagePlanId: plan.id }))).quota).toEqual({ limit: 1, offset: 0, period: "DAY" });
    const over = await invoke(api.id!, "/movies", withKey);
    expect(over.status).toBe(429);
    expect(await over.json()).toEqual({ message: "Limit Exceeded" });
    // a disabled key is no key at all
    await apigw.send(new UpdateUsagePlanCommand({ usagePlanId: plan.id, patchOperations: [{ op: "remove", path: "/quota" }] }));
    await apigw.send(new UpdateApiKeyCommand({ apiKey: key.id, patchOperations: [{ op: "replace", path: "/enabled", value: "false" }] }));
    expect((await invoke(api.id!, "/movies", withKey)).status).toBe(403);

    const arn = `arn:aws:apigateway:us-east-1::/usageplans/${plan.id}`;
    await apigw.send(new TagResourceCommand({ resourceArn: arn, tags: { owner: "movies" } }));
    expect((await apigw.send(new GetTagsCommand({ resourceArn: arn }))).tags).toEqual({ owner: "movies" });
  });

  it("checks calls made with a function's credentials against its role: the verb on the path's ARN", async () => {
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "apigateway:GET", Resource: "arn:aws:apigateway:us-east-1::/restapis" }] });
    const stack = {
      resource: {
        aws_iam_role: { r: { name: "reader-role", assume_role_policy: trust } },
        aws_iam_role_policy: { p: { role: "${aws_iam_role.r.id}", name: "list-apis", policy } },
        aws_lambda_function: { f: { function_name: "reader", role: "${aws_iam_role.r.arn}", handler: "index.handler", runtime: "nodejs22.x", filename: "f.zip", source_code_hash: "1" } },
      },
    };
    const applied = await fetch(`${cloud.url}/_movies/stacks/iam`, { method: "PUT", body: JSON.stringify({ template: stack, assets: { "f.zip": Buffer.from(handlerZip({ "index.mjs": ECHO })).toString("base64") } }) });
    expect(applied.status).toBe(200);
    const asFunction = new APIGatewayClient({ ...localClientConfig(cloud.url), credentials: cloud.lambda.credentialsOf("reader") });
    try {
      expect((await asFunction.send(new GetRestApisCommand({}))).items).toBeDefined();
      const denied = asFunction.send(new CreateRestApiCommand({ name: "not-allowed" }));
      await expect(denied).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
      await expect(denied).rejects.toThrow(/apigateway:POST/);
      expect((await apigw.send(new GetRestApisCommand({ limit: 500 }))).items?.map((a) => a.name)).not.toContain("not-allowed");
    } finally {
      asFunction.destroy();
    }
  });

  it("takes the REST API id from the _custom_id_ tag, and refuses ids AWS could not have", async () => {
    const { api } = await deployedApi("custom", { _custom_id_: "movies0001" });
    expect(api.id).toBe("movies0001");
    expect((await invoke("movies0001", "/movies")).status).toBe(200);
    await expect(apigw.send(new CreateRestApiCommand({ name: "again", tags: { _custom_id_: "movies0001" } }))).rejects.toBeInstanceOf(ConflictException);
    for (const bad of ["Movies", "movies-api", "waytoolongid1", ""]) {
      const attempt = apigw.send(new CreateRestApiCommand({ name: "bad", tags: { _custom_id_: bad } }));
      await expect(attempt).rejects.toBeInstanceOf(BadRequestException);
      await expect(attempt).rejects.toThrow(/1 to 10 lowercase letters and digits/);
    }
  });
});
