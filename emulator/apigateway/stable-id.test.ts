import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startCloud } from "../cloud.js";
import { handlerZip } from "../providers/testing.js";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const API = "${aws_api_gateway_rest_api.api.id}";
/** The shape of the MoviesStack's API on a non-aws target: the REST API carries `_custom_id_`. */
const STACK = {
  resource: {
    aws_iam_role: { r: { name: "hello-role", assume_role_policy: TRUST } },
    aws_lambda_function: { f: { function_name: "hello", role: "${aws_iam_role.r.arn}", handler: "index.handler", runtime: "nodejs22.x", filename: "f.zip", source_code_hash: "1" } },
    aws_api_gateway_rest_api: { api: { name: "hello-api", tags: { _custom_id_: "hello12345" } } },
    aws_api_gateway_resource: { hello: { rest_api_id: API, parent_id: "${aws_api_gateway_rest_api.api.root_resource_id}", path_part: "hello" } },
    aws_api_gateway_method: { get: { rest_api_id: API, resource_id: "${aws_api_gateway_resource.hello.id}", http_method: "GET", authorization: "NONE" } },
    aws_api_gateway_integration: {
      get: { rest_api_id: API, resource_id: "${aws_api_gateway_resource.hello.id}", http_method: "GET", type: "AWS_PROXY", integration_http_method: "POST", uri: "${aws_lambda_function.f.invoke_arn}" },
    },
    aws_lambda_permission: { api: { statement_id: "AllowApi", action: "lambda:InvokeFunction", function_name: "hello", principal: "apigateway.amazonaws.com", source_arn: "${aws_api_gateway_rest_api.api.execution_arn}/*/GET/hello" } },
    aws_api_gateway_deployment: { d: { rest_api_id: API, depends_on: ["aws_api_gateway_integration.get"] } },
    aws_api_gateway_stage: { live: { rest_api_id: API, deployment_id: "${aws_api_gateway_deployment.d.id}", stage_name: "live" } },
  },
  output: { url: { value: "${aws_api_gateway_stage.live.invoke_url}" } },
};
const assets = { "f.zip": handlerZip('export const handler = async () => ({ statusCode: 200, body: "hello" });\n').toString("base64") };

async function deploy(url: string): Promise<string> {
  const res = await fetch(`${url}/_movies/stacks/s`, { method: "PUT", body: JSON.stringify({ template: STACK, assets }) });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { outputs: Record<string, { value: string }> };
  return body.outputs.url!.value;
}

describe("stable local URLs", () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("the same stack keeps its API id, so the same URL answers after a restart with a state dir", async () => {
    dir = await mkdtemp(join(tmpdir(), "apigw-stable-"));
    const first = await startCloud({ port: 0, stateDir: dir });
    const port = first.port;
    let invokeUrl: string;
    try {
      invokeUrl = await deploy(first.url);
      expect(invokeUrl).toBe(`${first.url}/restapis/hello12345/live/_user_request_`);
      expect(await (await fetch(`${invokeUrl}/hello`)).text()).toBe("hello");
    } finally {
      await first.stop();
    }

    const second = await startCloud({ port, stateDir: dir });
    try {
      const res = await fetch(`${invokeUrl}/hello`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("hello");
    } finally {
      await second.stop();
    }
  }, 60_000);

  it("a destroyed and re-deployed stack gets the same id again", async () => {
    const cloud = await startCloud({ port: 0 });
    try {
      const url = await deploy(cloud.url);
      expect((await fetch(`${cloud.url}/_movies/stacks/s`, { method: "DELETE" })).status).toBe(200);
      expect((await fetch(`${url}/hello`)).status).toBe(404);
      expect(await deploy(cloud.url)).toBe(url);
      expect(await (await fetch(`${url}/hello`)).text()).toBe("hello");
    } finally {
      await cloud.stop();
    }
  }, 60_000);
});
