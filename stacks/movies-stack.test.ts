import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FUNCTION_NAMES, type FunctionName } from "../handlers/functions.js";
import { ROUTES, routeLogicalId, STAGE_NAME } from "./constructs/api.js";
import { functionLogicalId } from "./constructs/functions.js";
import type { SynthResult } from "./synth.js";
import { writeFunctionZips } from "./testing/function-zips.js";
import { grants, policyStatements, resource, resources, synthForTest, type Statement } from "./testing/synthesized.js";

const ACCOUNT_ARN = "arn:${data.aws_partition.current.partition}:%s:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:%s";
const arn = (service: string, rest: string) => ACCOUNT_ARN.replace("%s", service).replace("%s", rest);
const MOVIES = "${aws_dynamodb_table.movies_table.arn}";
const TOPIC = "${aws_sns_topic.movie_updates_topic.arn}";
const QUEUE = "${aws_sqs_queue.movie_updates_queue.arn}";
const IDEMPOTENCY = "${aws_dynamodb_table.idempotency_table.arn}";
const SENDER = arn("ses", "identity/${aws_ses_email_identity.sender_identity.email}");
/** Lambda active tracing's writes: X-Ray takes no resource ARNs for them, so this is the one "*" a function may hold. */
const XRAY_GRANTS = ["xray:PutTelemetryRecords on *", "xray:PutTraceSegments on *"];
const logs = (name: FunctionName) => `\${aws_cloudwatch_log_group.${functionLogicalId(name, "log_group")}.arn}:*`;

/** What each function may do, written out by hand: the stack must match it exactly. */
const EXPECTED_GRANTS: Record<FunctionName, string[]> = {
  "get-movie": [`dynamodb:GetItem on ${MOVIES}`],
  "list-movies": [`dynamodb:Scan on ${MOVIES}`],
  "create-movie": [`dynamodb:PutItem on ${MOVIES}`, `sns:Publish on ${TOPIC}`],
  "update-movie": [`dynamodb:UpdateItem on ${MOVIES}`, `sns:Publish on ${TOPIC}`],
  "delete-movie": [`dynamodb:DeleteItem on ${MOVIES}`, `sns:Publish on ${TOPIC}`],
  "email-notification": [
    `sqs:ReceiveMessage on ${QUEUE}`,
    `sqs:DeleteMessage on ${QUEUE}`,
    `sqs:GetQueueAttributes on ${QUEUE}`,
    `ses:SendEmail on ${SENDER}`,
    `dynamodb:GetItem on ${IDEMPOTENCY}`,
    `dynamodb:PutItem on ${IDEMPOTENCY}`,
    `dynamodb:UpdateItem on ${IDEMPOTENCY}`,
    `dynamodb:DeleteItem on ${IDEMPOTENCY}`,
  ],
};

let synth: SynthResult;
let functionsDir: string;
beforeAll(async () => {
  functionsDir = await writeFunctionZips();
  synth = await synthForTest({ target: "local", functionsDir, senderEmail: "from@example.com", recipientEmail: "to@example.com" });
});

function roleStatements(name: FunctionName): Statement[] {
  const json = synth.json;
  const fn = resource(json, "aws_lambda_function", functionLogicalId(name, "function"));
  const roleId = functionLogicalId(name, "role");
  expect(fn.role).toBe(`\${aws_iam_role.${roleId}.arn}`);
  const attached = Object.values(resources(json, "aws_iam_role_policy")).filter((p) => p.role === `\${aws_iam_role.${roleId}.id}`);
  expect(attached).toHaveLength(1);
  expect(Object.keys(resources(json, "aws_iam_role_policy_attachment"))).toHaveLength(0);
  return policyStatements(json, attached[0]!.policy);
}

describe("IAM: one role per function, least privilege", () => {
  it.each(FUNCTION_NAMES)("%s may do exactly what it calls, on exactly its resources, plus its own logs", (name) => {
    const statements = roleStatements(name);
    expect(statements.every((s) => s.effect === "Allow")).toBe(true);
    const expected = [
      ...EXPECTED_GRANTS[name],
      `logs:CreateLogStream on ${logs(name)}`,
      `logs:PutLogEvents on ${logs(name)}`,
      ...XRAY_GRANTS,
    ].sort();
    expect(grants(statements)).toEqual(expected);
  });

  it("has no wildcard actions or resources in any function policy, but for X-Ray's writes, which take no resource", () => {
    for (const name of FUNCTION_NAMES) {
      for (const s of roleStatements(name)) {
        if (s.actions.every((a) => a.startsWith("xray:"))) {
          expect(s.actions.sort()).toEqual(["xray:PutTelemetryRecords", "xray:PutTraceSegments"]);
          continue;
        }
        expect(s.actions.filter((a) => a.includes("*"))).toEqual([]);
        expect(s.resources).not.toContain("*");
      }
    }
  });

  it("gives every function its own role that only Lambda can assume", () => {
    const roles = resources(synth.json, "aws_iam_role");
    expect(Object.keys(roles).sort()).toEqual(FUNCTION_NAMES.map((n) => functionLogicalId(n, "role")).sort());
    for (const role of Object.values(roles)) {
      const trust = policyStatements(synth.json, role.assume_role_policy);
      expect(trust).toEqual([
        expect.objectContaining({
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
        }),
      ]);
      expect(trust[0]!.resources).toBeUndefined();
    }
  });
});

describe("functions", () => {
  it.each(FUNCTION_NAMES)("%s ships its zip with runtime, handler, hash and a log group with retention", (name) => {
    const fn = resource(synth.json, "aws_lambda_function", functionLogicalId(name, "function"));
    expect(fn.runtime).toBe("nodejs22.x");
    expect(fn.handler).toBe("index.handler");
    expect(fn.function_name).toBe(name);
    expect(String(fn.filename)).toMatch(new RegExp(`^assets/.+/${name}\\.zip$`));
    const zip = readFileSync(join(functionsDir, `${name}.zip`));
    expect(readFileSync(join(synth.dir, String(fn.filename)))).toEqual(zip);
    expect(fn.source_code_hash).toBe(createHash("sha256").update(zip).digest("base64"));
    const logGroup = resource(synth.json, "aws_cloudwatch_log_group", functionLogicalId(name, "log_group"));
    expect(logGroup.name).toBe(`/aws/lambda/${name}`);
    expect(logGroup.retention_in_days).toBeGreaterThan(0);
    expect(fn.depends_on).toContain(`aws_cloudwatch_log_group.${functionLogicalId(name, "log_group")}`);
  });

  it("passes each function the environment it reads", () => {
    const env = (name: FunctionName) =>
      (resource(synth.json, "aws_lambda_function", functionLogicalId(name, "function")).environment as { variables: Record<string, string> })
        .variables;
    const table = "${aws_dynamodb_table.movies_table.name}";
    expect(env("get-movie")).toEqual({ TABLE_NAME: table });
    expect(env("list-movies")).toEqual({ TABLE_NAME: table });
    for (const writer of ["create-movie", "update-movie", "delete-movie"] as const) {
      expect(env(writer)).toEqual({ TABLE_NAME: table, TOPIC_ARN: TOPIC });
    }
    expect(env("email-notification")).toEqual({
      SOURCE_EMAIL: "from@example.com",
      DESTINATION_EMAIL: "to@example.com",
      IDEMPOTENCY_TABLE_NAME: "${aws_dynamodb_table.idempotency_table.name}",
    });
  });

  it("triggers email-notification from the queue, reporting batch item failures", () => {
    const mappings = Object.values(resources(synth.json, "aws_lambda_event_source_mapping"));
    expect(mappings).toHaveLength(1);
    expect(mappings[0]).toMatchObject({
      event_source_arn: QUEUE,
      function_name: "${aws_lambda_function.email_notification_function.arn}",
      batch_size: 10,
      function_response_types: ["ReportBatchItemFailures"],
    });
    expect(mappings[0]!.maximum_batching_window_in_seconds).toBeGreaterThan(0);
    expect(mappings[0]!.maximum_batching_window_in_seconds).toBeLessThanOrEqual(5);
  });
});

describe("data", () => {
  it("keys Movies by ID only, on demand", () => {
    const table = resource(synth.json, "aws_dynamodb_table", "movies_table");
    expect(table).toMatchObject({ name: "Movies", hash_key: "ID", billing_mode: "PAY_PER_REQUEST", attribute: [{ name: "ID", type: "S" }] });
    expect(table.range_key).toBeUndefined();
  });

  it("keeps idempotency records under id with a TTL on expiration", () => {
    const table = resource(synth.json, "aws_dynamodb_table", "idempotency_table");
    expect(table).toMatchObject({ hash_key: "id", ttl: { attribute_name: "expiration", enabled: true } });
    expect(table.range_key).toBeUndefined();
  });
});

describe("messaging", () => {
  it("lets only the movie-updates topic send to the queue", () => {
    const policies = Object.values(resources(synth.json, "aws_sqs_queue_policy"));
    expect(policies).toHaveLength(1);
    expect(policies[0]!.queue_url).toBe("${aws_sqs_queue.movie_updates_queue.url}");
    expect(resource(synth.json, "aws_sqs_queue", "movie_updates_queue").name).toBe("movie-updates-queue");
    expect(policyStatements(synth.json, policies[0]!.policy)).toEqual([
      {
        sid: expect.any(String),
        effect: "Allow",
        actions: ["sqs:SendMessage"],
        resources: [QUEUE],
        principals: [{ type: "Service", identifiers: ["sns.amazonaws.com"] }],
        condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [TOPIC] }],
      },
    ]);
  });

  it("subscribes the queue to the topic with raw delivery", () => {
    const subscriptions = Object.values(resources(synth.json, "aws_sns_topic_subscription"));
    expect(subscriptions).toEqual([
      expect.objectContaining({ topic_arn: TOPIC, protocol: "sqs", endpoint: QUEUE, raw_message_delivery: true }),
    ]);
  });

  it("moves a message to the DLQ after 5 receives and keeps it there 14 days", () => {
    const redrive = resource(synth.json, "aws_sqs_queue_redrive_policy", "movie_updates_queue_redrive");
    expect(redrive.queue_url).toBe("${aws_sqs_queue.movie_updates_queue.url}");
    expect(redrive.redrive_policy).toContain("aws_sqs_queue.movie_updates_dlq.arn");
    expect(redrive.redrive_policy).toContain('"maxReceiveCount" = 5');
    expect(resource(synth.json, "aws_sqs_queue", "movie_updates_dlq").message_retention_seconds).toBe(14 * 24 * 3600);
  });
});

describe("API Gateway", () => {
  const methods = () => resources(synth.json, "aws_api_gateway_method");
  const trigger = () =>
    String((resource(synth.json, "aws_api_gateway_deployment", "movies_api_deployment").triggers as { redeployment: string }).redeployment);

  it("asks emulators for a stable API id derived from the stack's name, and leaves AWS to choose its own", async () => {
    const tags = (json: SynthResult["json"]) => resource(json, "aws_api_gateway_rest_api", "movies_api").tags as Record<string, string> | undefined;
    const local = tags(synth.json)?._custom_id_;
    expect(local).toMatch(/^[a-z0-9]{10}$/);
    const emails = { functionsDir, senderEmail: "from@example.com", recipientEmail: "to@example.com" };
    const [again, localstack, prefixed, aws] = await Promise.all([
      synthForTest({ target: "local", ...emails }),
      synthForTest({ target: "localstack", ...emails }),
      synthForTest({ target: "local", namePrefix: "dev", ...emails }),
      synthForTest({ target: "aws", region: "us-east-1", ...emails }),
    ]);
    expect(tags(again.json)?._custom_id_).toBe(local);
    expect(tags(localstack.json)?._custom_id_).toBe(local);
    expect(tags(prefixed.json)?._custom_id_).toMatch(/^[a-z0-9]{10}$/);
    expect(tags(prefixed.json)?._custom_id_).not.toBe(local);
    expect(tags(aws.json)?._custom_id_).toBeUndefined();
  });

  it("declares exactly GET/POST on /movies and GET/PUT/DELETE on /movies/{movieID}", () => {
    expect(resource(synth.json, "aws_api_gateway_rest_api", "movies_api").name).toBe("movies-api");
    expect(resource(synth.json, "aws_api_gateway_resource", "movies_resource").path_part).toBe("movies");
    expect(resource(synth.json, "aws_api_gateway_resource", "movie_item_resource")).toMatchObject({
      path_part: "{movieID}",
      parent_id: "${aws_api_gateway_resource.movies_resource.id}",
    });
    const declared = Object.values(methods()).map((m) => `${m.http_method} ${m.resource_id}`).sort();
    expect(declared).toEqual(
      [
        "GET ${aws_api_gateway_resource.movies_resource.id}",
        "POST ${aws_api_gateway_resource.movies_resource.id}",
        "GET ${aws_api_gateway_resource.movie_item_resource.id}",
        "PUT ${aws_api_gateway_resource.movie_item_resource.id}",
        "DELETE ${aws_api_gateway_resource.movie_item_resource.id}",
      ].sort(),
    );
  });

  it.each(ROUTES)("$method $path has a proxy integration, a scoped permission and is in the redeployment trigger", (route) => {
    const fnId = functionLogicalId(route.function, "function");
    const methodId = routeLogicalId(route, "method");
    const method = resource(synth.json, "aws_api_gateway_method", methodId);
    const integrations = Object.entries(resources(synth.json, "aws_api_gateway_integration")).filter(
      ([, i]) => i.resource_id === method.resource_id && i.http_method === `\${aws_api_gateway_method.${methodId}.http_method}`,
    );
    expect(integrations).toHaveLength(1);
    const [integrationId, integration] = integrations[0]!;
    expect(integration).toMatchObject({ type: "AWS_PROXY", integration_http_method: "POST", uri: `\${aws_lambda_function.${fnId}.invoke_arn}` });

    const permissions = Object.values(resources(synth.json, "aws_lambda_permission")).filter(
      (p) => p.function_name === `\${aws_lambda_function.${fnId}.function_name}`,
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0]).toMatchObject({
      action: "lambda:InvokeFunction",
      principal: "apigateway.amazonaws.com",
      source_arn: arn("execute-api", `\${aws_api_gateway_rest_api.movies_api.id}/*/${route.method}${route.path.replace("{movieID}", "*")}`),
    });

    expect(trigger()).toContain(`aws_api_gateway_method.${methodId}.id`);
    expect(trigger()).toContain(`aws_api_gateway_integration.${integrationId}.id`);
  });

  it("redeploys when a resource changes and replaces the deployment before destroying it", () => {
    expect(trigger()).toMatch(/^\$\{sha1\(jsonencode\(\[/);
    expect(trigger()).toContain("aws_api_gateway_resource.movies_resource.id");
    expect(trigger()).toContain("aws_api_gateway_resource.movie_item_resource.id");
    expect(resource(synth.json, "aws_api_gateway_deployment", "movies_api_deployment").lifecycle).toEqual({ create_before_destroy: true });
  });

  it("requires the API key for POST, PUT and DELETE and leaves reads public", () => {
    const byMethod = Object.values(methods()).map((m) => [m.http_method, m.api_key_required]);
    for (const [verb, required] of byMethod) expect(required).toBe(verb !== "GET");
    expect(byMethod.filter(([, required]) => required)).toHaveLength(3);
  });

  it("serves stage live with throttling, and a usage plan with rate limit and daily quota bound to the key", () => {
    expect(resource(synth.json, "aws_api_gateway_stage", "live_stage")).toMatchObject({
      stage_name: STAGE_NAME,
      deployment_id: "${aws_api_gateway_deployment.movies_api_deployment.id}",
    });
    const settings = resource(synth.json, "aws_api_gateway_method_settings", "live_stage_throttling");
    expect(settings).toMatchObject({ method_path: "*/*", stage_name: "${aws_api_gateway_stage.live_stage.stage_name}" });
    expect((settings.settings as Record<string, number>).throttling_rate_limit).toBeGreaterThan(0);
    const plan = resource(synth.json, "aws_api_gateway_usage_plan", "movies_api_usage_plan");
    expect(plan.api_stages).toEqual([
      { api_id: "${aws_api_gateway_rest_api.movies_api.id}", stage: "${aws_api_gateway_stage.live_stage.stage_name}" },
    ]);
    expect((plan.throttle_settings as Record<string, number>).rate_limit).toBeGreaterThan(0);
    expect(plan.quota_settings).toMatchObject({ period: "DAY" });
    expect(resource(synth.json, "aws_api_gateway_usage_plan_key", "movies_api_usage_plan_key")).toEqual(
      expect.objectContaining({
        key_id: "${aws_api_gateway_api_key.movies_api_key.id}",
        key_type: "API_KEY",
        usage_plan_id: "${aws_api_gateway_usage_plan.movies_api_usage_plan.id}",
      }),
    );
  });
});

describe("X-Ray tracing", () => {
  let localstack: SynthResult;
  let aws: SynthResult;
  beforeAll(async () => {
    [localstack, aws] = await Promise.all([
      synthForTest({ target: "localstack", functionsDir, senderEmail: "from@example.com", recipientEmail: "to@example.com" }),
      synthForTest({ target: "aws", functionsDir, senderEmail: "from@example.com", recipientEmail: "to@example.com", region: "eu-west-1" }),
    ]);
  });

  const roleGrants = (json: SynthResult["json"], name: FunctionName) => {
    const roleId = functionLogicalId(name, "role");
    const attached = Object.values(resources(json, "aws_iam_role_policy")).filter((p) => p.role === `\${aws_iam_role.${roleId}.id}`);
    return grants(policyStatements(json, attached[0]!.policy));
  };

  it.each(["aws", "local"] as const)("on %s: every function traces actively and may write to X-Ray, and the stage traces", (target) => {
    const json = (target === "aws" ? aws : synth).json;
    for (const name of FUNCTION_NAMES) {
      expect(resource(json, "aws_lambda_function", functionLogicalId(name, "function")).tracing_config).toEqual({ mode: "Active" });
      expect(roleGrants(json, name)).toEqual(expect.arrayContaining(XRAY_GRANTS));
    }
    expect(resource(json, "aws_api_gateway_stage", "live_stage").xray_tracing_enabled).toBe(true);
  });

  it("stays off on LocalStack, whose free edition has no X-Ray, with the same resources", () => {
    const json = localstack.json;
    for (const name of FUNCTION_NAMES) {
      expect(resource(json, "aws_lambda_function", functionLogicalId(name, "function")).tracing_config).toBeUndefined();
      expect(roleGrants(json, name).filter((g) => g.startsWith("xray:"))).toEqual([]);
    }
    expect(resource(json, "aws_api_gateway_stage", "live_stage").xray_tracing_enabled).toBeUndefined();
  });
});

describe("email", () => {
  it("declares the sender identity and a configuration set", () => {
    expect(resource(synth.json, "aws_ses_email_identity", "sender_identity").email).toBe("from@example.com");
    expect(Object.keys(resources(synth.json, "aws_ses_configuration_set"))).toHaveLength(1);
  });
});

describe("outputs", () => {
  it("exposes what the CLI reads, with the API key sensitive", () => {
    const out = synth.json.output;
    expect(out.api_url!.value).toBe("${aws_api_gateway_stage.live_stage.invoke_url}");
    expect(out.api_key).toMatchObject({ value: "${aws_api_gateway_api_key.movies_api_key.value}", sensitive: true });
    expect(out.table_name!.value).toBe("${aws_dynamodb_table.movies_table.name}");
    expect(out.topic_arn!.value).toBe(TOPIC);
    expect(out.queue_url!.value).toBe("${aws_sqs_queue.movie_updates_queue.url}");
    expect(out.dlq_url!.value).toBe("${aws_sqs_queue.movie_updates_dlq.url}");
    expect(Object.keys(out.function_names!.value as object).sort()).toEqual([...FUNCTION_NAMES].sort());
    for (const o of ["api_url", "table_name", "topic_arn", "queue_url", "dlq_url", "function_names"]) {
      expect(out[o]!.sensitive).toBe(false);
    }
  });
});
