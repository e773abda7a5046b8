import { GetStageCommand, APIGatewayClient } from "@aws-sdk/client-api-gateway";
import { GetRolePolicyCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateFunctionCommand, GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentials, handlerZip, providerHarness, type ProviderHarness } from "./testing.js";

const ZIP = handlerZip("export const handler = async () => ({ statusCode: 200, body: 'ok' });\n");
const XRAY = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "WriteTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" }] });
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });

/** The X-Ray settings the movies stack turns on for the aws and local targets, as Terraform JSON. */
const stack = {
  resource: {
    aws_iam_role: { role: { name: "traced-role", assume_role_policy: TRUST } },
    aws_iam_role_policy: { xray: { name: "traced-xray", role: "${aws_iam_role.role.id}", policy: XRAY } },
    aws_lambda_function: {
      traced: {
        function_name: "traced",
        filename: "assets/traced/archive.zip",
        source_code_hash: "h1",
        handler: "index.handler",
        runtime: "nodejs22.x",
        role: "${aws_iam_role.role.arn}",
        tracing_config: { mode: "Active" },
        depends_on: ["aws_iam_role_policy.xray"],
      },
    },
    aws_api_gateway_rest_api: { api: { name: "traced-api" } },
    aws_api_gateway_resource: { r: { rest_api_id: "${aws_api_gateway_rest_api.api.id}", parent_id: "${aws_api_gateway_rest_api.api.root_resource_id}", path_part: "r" } },
    aws_api_gateway_method: { get: { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "${aws_api_gateway_resource.r.id}", http_method: "GET", authorization: "NONE" } },
    aws_api_gateway_integration: {
      get: { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "${aws_api_gateway_resource.r.id}", http_method: "GET", type: "AWS_PROXY", integration_http_method: "POST", uri: "${aws_lambda_function.traced.invoke_arn}" },
    },
    aws_api_gateway_deployment: { d: { rest_api_id: "${aws_api_gateway_rest_api.api.id}", depends_on: ["aws_api_gateway_integration.get"] } },
    aws_api_gateway_stage: { live: { rest_api_id: "${aws_api_gateway_rest_api.api.id}", deployment_id: "${aws_api_gateway_deployment.d.id}", stage_name: "live", xray_tracing_enabled: true } },
  },
  output: { api_id: { value: "${aws_api_gateway_rest_api.api.id}" } },
};

describe("X-Ray settings applied from Terraform JSON to the embedded cloud", () => {
  let h: ProviderHarness;
  const config = () => ({ endpoint: h.cloud.url, region: "us-east-1", credentials });
  beforeAll(async () => {
    h = await providerHarness();
  });
  afterAll(() => h.close());

  it("stores Lambda's TracingConfig, the stage's tracing and the role's X-Ray statement, and reads them back as AWS does", async () => {
    const { outputs } = await h.apply(stack, { "assets/traced/archive.zip": ZIP });
    const lambda = new LambdaClient(config());
    const apigw = new APIGatewayClient(config());
    const iam = new IAMClient(config());
    try {
      expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "traced" }))).TracingConfig).toEqual({ Mode: "Active" });
      expect((await apigw.send(new GetStageCommand({ restApiId: String(outputs.api_id!.value), stageName: "live" }))).tracingEnabled).toBe(true);
      const inline = await iam.send(new GetRolePolicyCommand({ RoleName: "traced-role", PolicyName: "traced-xray" }));
      expect(JSON.parse(decodeURIComponent(inline.PolicyDocument!))).toEqual(JSON.parse(XRAY));
    } finally {
      lambda.destroy();
      apigw.destroy();
      iam.destroy();
    }
  });

  it("defaults to PassThrough through the Lambda API and switches with UpdateFunctionConfiguration", async () => {
    const lambda = new LambdaClient(config());
    try {
      const role = "arn:aws:iam::000000000000:role/traced-role";
      const created = await lambda.send(new CreateFunctionCommand({ FunctionName: "plain", Role: role, Runtime: "nodejs22.x", Handler: "index.handler", Code: { ZipFile: ZIP } }));
      expect(created.TracingConfig).toEqual({ Mode: "PassThrough" });
      const updated = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: "plain", TracingConfig: { Mode: "Active" } }));
      expect(updated.TracingConfig).toEqual({ Mode: "Active" });
      expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "plain" }))).TracingConfig).toEqual({ Mode: "Active" });
    } finally {
      lambda.destroy();
    }
  });
});
