import { APIGatewayClient, GetApiKeyCommand, GetMethodCommand, GetRestApiCommand, GetStageCommand, GetUsagePlanCommand, GetUsagePlanKeysCommand } from "@aws-sdk/client-api-gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentials, providerHarness, type ProviderHarness } from "./testing.js";

const API = "${aws_api_gateway_rest_api.api.id}";

function stack(opts: { rateLimit: number; quota: number; description: string }) {
  return {
    resource: {
      aws_api_gateway_rest_api: { api: { name: "loader-api", description: opts.description, endpoint_configuration: { types: ["REGIONAL"] }, tags: { _custom_id_: "loaderapi1", team: "movies" } } },
      aws_api_gateway_resource: { items: { rest_api_id: API, parent_id: "${aws_api_gateway_rest_api.api.root_resource_id}", path_part: "items" } },
      aws_api_gateway_method: { get: { rest_api_id: API, resource_id: "${aws_api_gateway_resource.items.id}", http_method: "GET", authorization: "NONE", api_key_required: true, request_parameters: { "method.request.querystring.q": false } } },
      aws_api_gateway_method_response: { ok: { rest_api_id: API, resource_id: "${aws_api_gateway_resource.items.id}", http_method: "GET", status_code: "200", depends_on: ["aws_api_gateway_method.get"] } },
      aws_api_gateway_integration: { get: { rest_api_id: API, resource_id: "${aws_api_gateway_resource.items.id}", http_method: "GET", type: "MOCK", request_templates: { "application/json": '{"statusCode": 200}' }, depends_on: ["aws_api_gateway_method.get"] } },
      aws_api_gateway_deployment: { d: { rest_api_id: API, depends_on: ["aws_api_gateway_integration.get"] } },
      aws_api_gateway_stage: { live: { rest_api_id: API, deployment_id: "${aws_api_gateway_deployment.d.id}", stage_name: "live", variables: { color: "blue" } } },
      aws_api_gateway_method_settings: { all: { rest_api_id: API, stage_name: "${aws_api_gateway_stage.live.stage_name}", method_path: "*/*", settings: { throttling_rate_limit: opts.rateLimit, throttling_burst_limit: 20 } } },
      aws_api_gateway_api_key: { key: { name: "loader-key" } },
      aws_api_gateway_usage_plan: { plan: { name: "loader-plan", api_stages: [{ api_id: API, stage: "${aws_api_gateway_stage.live.stage_name}" }], quota_settings: { limit: opts.quota, period: "DAY" } } },
      aws_api_gateway_usage_plan_key: { k: { key_id: "${aws_api_gateway_api_key.key.id}", key_type: "API_KEY", usage_plan_id: "${aws_api_gateway_usage_plan.plan.id}" } },
    },
    output: { plan: { value: "${aws_api_gateway_usage_plan.plan.id}" }, key: { value: "${aws_api_gateway_api_key.key.id}" }, resource: { value: "${aws_api_gateway_resource.items.id}" } },
  };
}

describe("aws_api_gateway_* applied by the stack loader through the control plane's operations", () => {
  let h: ProviderHarness;
  let apigw: APIGatewayClient;
  let outputs: Record<string, string>;

  beforeAll(async () => {
    h = await providerHarness();
    apigw = new APIGatewayClient({ endpoint: h.cloud.url, region: "us-east-1", credentials });
    const result = await h.apply(stack({ rateLimit: 10, quota: 1000, description: "first" }));
    outputs = Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, String(v.value)]));
  });

  afterAll(async () => {
    apigw?.destroy();
    await h?.close();
  });

  it("leaves the state an SDK client reads back, as Terraform would", async () => {
    expect(await apigw.send(new GetRestApiCommand({ restApiId: "loaderapi1" }))).toMatchObject({ name: "loader-api", description: "first", endpointConfiguration: { types: ["REGIONAL"] }, tags: { _custom_id_: "loaderapi1", team: "movies" } });
    const method = await apigw.send(new GetMethodCommand({ restApiId: "loaderapi1", resourceId: outputs.resource, httpMethod: "GET" }));
    expect(method).toMatchObject({ apiKeyRequired: true, requestParameters: { "method.request.querystring.q": false }, methodResponses: { "200": { statusCode: "200" } }, methodIntegration: { type: "MOCK" } });
    const stage = await apigw.send(new GetStageCommand({ restApiId: "loaderapi1", stageName: "live" }));
    expect(stage.variables).toEqual({ color: "blue" });
    expect(stage.methodSettings?.["*/*"]).toMatchObject({ throttlingRateLimit: 10, throttlingBurstLimit: 20 });
    expect((await apigw.send(new GetUsagePlanCommand({ usagePlanId: outputs.plan }))).quota).toEqual({ limit: 1000, offset: 0, period: "DAY" });
    expect((await apigw.send(new GetUsagePlanKeysCommand({ usagePlanId: outputs.plan }))).items?.map((k) => k.id)).toEqual([outputs.key]);
    expect((await apigw.send(new GetApiKeyCommand({ apiKey: outputs.key }))).enabled).toBe(true);
  });

  it("applies changed arguments as updates in place (UpdateRestApi, UpdateStage, UpdateUsagePlan)", async () => {
    const result = await h.apply(stack({ rateLimit: 3, quota: 50, description: "second" }));
    expect(result.changes.filter((c) => c.action !== "noop").map((c) => `${c.action} ${c.address}`).sort()).toEqual([
      "update aws_api_gateway_method_settings.all",
      "update aws_api_gateway_rest_api.api",
      "update aws_api_gateway_usage_plan.plan",
    ]);
    expect((await apigw.send(new GetRestApiCommand({ restApiId: "loaderapi1" }))).description).toBe("second");
    expect((await apigw.send(new GetStageCommand({ restApiId: "loaderapi1", stageName: "live" }))).methodSettings?.["*/*"]?.throttlingRateLimit).toBe(3);
    expect((await apigw.send(new GetUsagePlanCommand({ usagePlanId: outputs.plan }))).quota?.limit).toBe(50);
  });

  it("destroys through the delete operations, leaving nothing behind", async () => {
    await h.apply({ resource: {} });
    expect(Object.keys(h.cloud.system.apigateway.state.apis)).toEqual([]);
    expect(Object.keys(h.cloud.system.apigateway.state.keys)).toEqual([]);
    expect(Object.keys(h.cloud.system.apigateway.state.plans)).toEqual([]);
  });
});
