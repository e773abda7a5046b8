import { GetFunctionConfigurationCommand, GetPolicyCommand, LambdaClient, ListEventSourceMappingsCommand } from "@aws-sdk/client-lambda";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentials, handlerZip, providerHarness, type ProviderHarness } from "./testing.js";

const ECHO = handlerZip(
  'export const handler = async (event) => { console.log("EVENT " + JSON.stringify(event)); return { statusCode: 200, body: JSON.stringify({ greeting: process.env.GREETING, path: event.path }) }; };\n',
);
const ECHO_V2 = handlerZip('export const handler = async () => ({ statusCode: 201, body: "v2" });\n');
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });

function stack(opts: { greeting: string; hash: string; keyRequired?: boolean }) {
  const exec = "${aws_api_gateway_rest_api.api.execution_arn}";
  return {
    resource: {
      aws_iam_role: { role: { name: "echo-role", assume_role_policy: TRUST } },
      aws_cloudwatch_log_group: { logs: { name: "/aws/lambda/echo", retention_in_days: 7 } },
      aws_lambda_function: {
        echo: {
          function_name: "echo",
          filename: `assets/echo/${opts.hash}/archive.zip`,
          source_code_hash: opts.hash,
          handler: "index.handler",
          runtime: "nodejs22.x",
          role: "${aws_iam_role.role.arn}",
          timeout: 10,
          memory_size: 256,
          reserved_concurrent_executions: 5,
          environment: { variables: { GREETING: opts.greeting } },
        },
      },
      aws_sns_topic: { t: { name: "echo-topic" } },
      aws_sqs_queue: { q: { name: "echo-queue" } },
      aws_lambda_event_source_mapping: { m: { event_source_arn: "${aws_sqs_queue.q.arn}", function_name: "${aws_lambda_function.echo.arn}", batch_size: 5, function_response_types: ["ReportBatchItemFailures"] } },
      aws_sns_topic_subscription: { s: { topic_arn: "${aws_sns_topic.t.arn}", protocol: "lambda", endpoint: "${aws_lambda_function.echo.arn}" } },
      aws_api_gateway_rest_api: { api: { name: "echo-api" } },
      aws_api_gateway_resource: { hello: { rest_api_id: "${aws_api_gateway_rest_api.api.id}", parent_id: "${aws_api_gateway_rest_api.api.root_resource_id}", path_part: "hello" } },
      aws_api_gateway_method: { get: { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "${aws_api_gateway_resource.hello.id}", http_method: "GET", authorization: "NONE", api_key_required: opts.keyRequired ?? false } },
      aws_api_gateway_integration: {
        get: { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "${aws_api_gateway_resource.hello.id}", http_method: "${aws_api_gateway_method.get.http_method}", type: "AWS_PROXY", integration_http_method: "POST", uri: "${aws_lambda_function.echo.invoke_arn}" },
      },
      aws_lambda_permission: {
        api: { statement_id: "AllowApi", action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.echo.function_name}", principal: "apigateway.amazonaws.com", source_arn: `${exec}/*/GET/hello` },
        sns: { statement_id: "AllowSns", action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.echo.function_name}", principal: "sns.amazonaws.com", source_arn: "${aws_sns_topic.t.arn}" },
      },
      aws_api_gateway_deployment: {
        d: { rest_api_id: "${aws_api_gateway_rest_api.api.id}", triggers: { redeployment: "${sha1(jsonencode([aws_api_gateway_method.get.id, aws_api_gateway_integration.get.id, aws_api_gateway_method.get.api_key_required]))}" }, lifecycle: { create_before_destroy: true }, depends_on: ["aws_api_gateway_integration.get"] },
      },
      aws_api_gateway_stage: { live: { rest_api_id: "${aws_api_gateway_rest_api.api.id}", deployment_id: "${aws_api_gateway_deployment.d.id}", stage_name: "live" } },
      aws_api_gateway_api_key: { key: { name: "echo-key" } },
      aws_api_gateway_usage_plan: { plan: { name: "echo-plan", api_stages: [{ api_id: "${aws_api_gateway_rest_api.api.id}", stage: "${aws_api_gateway_stage.live.stage_name}" }], throttle_settings: { rate_limit: 100, burst_limit: 50 } } },
      aws_api_gateway_usage_plan_key: { k: { key_id: "${aws_api_gateway_api_key.key.id}", key_type: "API_KEY", usage_plan_id: "${aws_api_gateway_usage_plan.plan.id}" } },
    },
    output: {
      url: { value: "${aws_api_gateway_stage.live.invoke_url}" },
      exec: { value: exec },
      key: { value: "${aws_api_gateway_api_key.key.value}", sensitive: true },
      invoke_arn: { value: "${aws_lambda_function.echo.invoke_arn}" },
      version: { value: "${aws_lambda_function.echo.version}" },
      log_arn: { value: "${aws_cloudwatch_log_group.logs.arn}" },
      mapping: { value: "${aws_lambda_event_source_mapping.m.function_arn}" },
    },
  };
}

describe("Lambda and API Gateway providers", () => {
  let h: ProviderHarness;
  let lambda: LambdaClient;
  const assets = { "assets/echo/h1/archive.zip": ECHO, "assets/echo/h2/archive.zip": ECHO_V2 };
  beforeAll(async () => {
    h = await providerHarness();
    lambda = new LambdaClient({ endpoint: h.cloud.url, region: "us-east-1", credentials });
  });
  afterAll(() => h.close());

  it("creates the function, its triggers and a REST API whose stage answers at invoke_url", async () => {
    const { outputs } = await h.apply(stack({ greeting: "hi", hash: "h1" }), assets);
    expect(outputs.url!.value).toMatch(new RegExp(`^${h.cloud.url}/restapis/[a-z0-9]{10}/live/_user_request_$`));
    expect(outputs.exec!.value).toMatch(/^arn:aws:execute-api:us-east-1:000000000000:[a-z0-9]{10}$/);
    expect(outputs.invoke_arn!.value).toBe("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:echo/invocations");
    expect(outputs.version!.value).toBe("$LATEST");
    expect(outputs.log_arn!.value).toBe("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/echo");
    // applied through CloudWatch Logs' own operations: the API sees what the stack declared
    expect(h.cloud.models.logs.group("us-east-1", "/aws/lambda/echo")?.retentionInDays).toBe(7);
    expect(outputs.mapping!.value).toBe("arn:aws:lambda:us-east-1:000000000000:function:echo");

    const res = await fetch(`${outputs.url!.value}/hello`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ greeting: "hi", path: "/hello" });
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "echo" }));
    expect(config).toMatchObject({ Timeout: 10, MemorySize: 256, Role: "arn:aws:iam::000000000000:role/echo-role" });
    expect(h.cloud.lambda.functionConcurrency("echo")).toBe(5);
    const policy = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: "echo" }))).Policy!);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid).sort()).toEqual(["AllowApi", "AllowSns"]);
    const mappings = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: "echo" }));
    expect(mappings.EventSourceMappings?.[0]).toMatchObject({ BatchSize: 5, EventSourceArn: "arn:aws:sqs:us-east-1:000000000000:echo-queue", FunctionResponseTypes: ["ReportBatchItemFailures"] });
  });

  it("delivers to a lambda subscription in SNS's event shape", async () => {
    const sns = new SNSClient({ endpoint: h.cloud.url, region: "us-east-1", credentials });
    await sns.send(new PublishCommand({ TopicArn: "arn:aws:sns:us-east-1:000000000000:echo-topic", Message: "news", Subject: "s", MessageAttributes: { Type: { DataType: "String", StringValue: "A" } } }));
    let event: any;
    for (let i = 0; i < 100 && !event; i++) {
      const line = h.cloud.lambda.logs.query({ functionName: "echo" }).find((e) => e.message.includes('EVENT {"Records"'));
      event = line ? JSON.parse(line.message.slice(line.message.indexOf("EVENT ") + 6)) : undefined;
      if (!event) await new Promise((r) => setTimeout(r, 50));
    }
    const record = event.Records[0];
    expect(record).toMatchObject({ EventSource: "aws:sns", EventVersion: "1.0" });
    expect(record.EventSubscriptionArn).toMatch(/^arn:aws:sns:us-east-1:000000000000:echo-topic:/);
    expect(record.Sns).toMatchObject({ Type: "Notification", TopicArn: "arn:aws:sns:us-east-1:000000000000:echo-topic", Subject: "s", Message: "news", SignatureVersion: "1", MessageAttributes: { Type: { Type: "String", Value: "A" } } });
    expect(Object.keys(record.Sns)).toEqual(["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion", "Signature", "SigningCertUrl", "UnsubscribeUrl", "MessageAttributes"]);
  });

  it("updates configuration and code in place and redeploys when a method changes", async () => {
    let result = await h.apply(stack({ greeting: "hello", hash: "h1" }), assets);
    expect(result.changes.filter((c) => c.action !== "noop")).toEqual([{ address: "aws_lambda_function.echo", action: "update" }]);
    expect(await (await fetch(`${result.outputs.url!.value}/hello`)).json()).toEqual({ greeting: "hello", path: "/hello" });

    result = await h.apply(stack({ greeting: "hello", hash: "h2", keyRequired: true }), assets);
    const touched = result.changes.filter((c) => c.action !== "noop").map((c) => `${c.action} ${c.address}`);
    expect(touched).toEqual(expect.arrayContaining(["update aws_lambda_function.echo", "update aws_api_gateway_method.get", "replace aws_api_gateway_deployment.d", "update aws_api_gateway_stage.live"]));
    const url = String(result.outputs.url!.value);
    const denied = await fetch(`${url}/hello`);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ message: "Forbidden" });
    const allowed = await fetch(`${url}/hello`, { headers: { "x-api-key": String(result.outputs.key!.value) } });
    expect(allowed.status).toBe(201);
    expect(await allowed.text()).toBe("v2");
  });

  it("deletes everything, the function's credentials included", async () => {
    const keyId = h.cloud.lambda.credentialsOf("echo").accessKeyId;
    expect(h.cloud.iam.principalFor(keyId).kind).toBe("assumed-role");
    await h.apply({ resource: {} });
    expect(h.cloud.lambda.list()).toEqual([]);
    expect(h.cloud.iam.principalFor(keyId).kind).toBe("root");
    expect(Object.keys(h.cloud.system.apigateway.state.apis)).toEqual([]);
    expect(h.cloud.system.mappings.list()).toEqual([]);
    expect(h.cloud.models.logs.listGroups("us-east-1")).toEqual([]);
  });
});
