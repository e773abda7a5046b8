import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryAssetResolver, uploadedAssetResolver } from "./assets.js";
import { applyStack, type ApplyOptions, type ApplyResult } from "./engine.js";
import { StackApplyError, StackError } from "./errors.js";
import { recordingProviders, type ProviderCall } from "./fixtures/recording-providers.js";
import { synthSample, type SynthesizedSample } from "./fixtures/sample-stack.js";
import { parseAppliedState } from "./state.js";

const ACCOUNT = "000000000000";
const REGION = "us-east-1";

let base: SynthesizedSample;
let newCode: SynthesizedSample;
let noSubscription: SynthesizedSample;
let longerVisibility: SynthesizedSample;

beforeAll(() => {
  // real cdktf synth: the engine is tested against the JSON cdktf actually emits
  base = synthSample();
  newCode = synthSample({ handlerSource: "export const handler = async () => ({ ok: 'v2' });\n" });
  noSubscription = synthSample({ withSubscription: false });
  longerVisibility = synthSample({ visibilityTimeout: 120 });
});

afterAll(() => {
  for (const s of [base, newCode, noSubscription, longerVisibility]) rmSync(dirname(dirname(dirname(s.stackDir))), { recursive: true, force: true });
});

async function apply(sample: SynthesizedSample, log: ProviderCall[], extra: Partial<ApplyOptions> = {}): Promise<ApplyResult> {
  return applyStack(sample.json, {
    providers: recordingProviders(log),
    accountId: ACCOUNT,
    region: REGION,
    assetResolver: directoryAssetResolver(sample.stackDir),
    ...extra,
  });
}

function argsOf(log: ProviderCall[], address: string) {
  const call = log.find((c) => c.address === address);
  if (!call) throw new Error(`no call for ${address}`);
  return call.args as Record<string, any>;
}

function assetFiles(stackDir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(stackDir, full)] = readFileSync(full);
    }
  };
  walk(join(stackDir, "assets"));
  return out;
}

describe("applying a synthesized cdktf stack to a fresh cloud", () => {
  const log: ProviderCall[] = [];
  let result: ApplyResult;
  beforeAll(async () => {
    result = await apply(base, log);
  });

  it("creates every resource once, each after what it references", () => {
    expect(result.changes.every((c) => c.action === "create")).toBe(true);
    const order = log.map((c) => c.address);
    expect(new Set(order).size).toBe(7);
    expect(log.every((c) => c.op === "create")).toBe(true);
    const before = (a: string, b: string) => expect(order.indexOf(a), `${a} before ${b}`).toBeLessThan(order.indexOf(b));
    before("aws_sqs_queue.dlq", "aws_sqs_queue.queue");
    before("aws_sns_topic.topic", "aws_sqs_queue.queue");
    before("aws_sqs_queue.queue", "aws_sns_topic_subscription.subscription");
    before("aws_iam_role.role", "aws_iam_role_policy.role_policy");
    before("aws_sqs_queue.queue", "aws_iam_role_policy.role_policy");
    before("aws_iam_role.role", "aws_lambda_function.email");
    before("aws_sqs_queue.queue", "aws_lambda_function.email");
  });

  it("resolves references, variables, locals, data sources and functions in the arguments", () => {
    const queue = argsOf(log, "aws_sqs_queue.queue");
    expect(queue.name).toBe("demo-updates-queue");
    expect(queue.visibility_timeout_seconds).toBe(30);
    expect(JSON.parse(queue.redrive_policy)).toEqual({ deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:demo-updates-dlq`, maxReceiveCount: 5 });
    expect(JSON.parse(queue.policy).Statement[0]).toEqual({
      Action: "sqs:SendMessage",
      Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:sns:${REGION}:${ACCOUNT}:demo-updates-topic` } },
      Effect: "Allow",
      Principal: { Service: "sns.amazonaws.com" },
      Resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:demo-updates-queue`,
    });
    expect(argsOf(log, "aws_sns_topic_subscription.subscription")).toMatchObject({
      topic_arn: `arn:aws:sns:${REGION}:${ACCOUNT}:demo-updates-topic`,
      endpoint: `arn:aws:sqs:${REGION}:${ACCOUNT}:demo-updates-queue`,
      protocol: "sqs",
      raw_message_delivery: true,
    });
    const role = argsOf(log, "aws_iam_role.role");
    expect(JSON.parse(role.assume_role_policy)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }],
    });
    const policy = JSON.parse(argsOf(log, "aws_iam_role_policy.role_policy").policy);
    expect(policy.Statement).toEqual([
      { Sid: "Consume", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:GetQueueAttributes", "sqs:DeleteMessage"], Resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:demo-updates-queue` },
      { Sid: "Logs", Effect: "Allow", Action: ["logs:PutLogEvents", "logs:CreateLogStream"], Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/demo-email:*` },
      { Effect: "Allow", Action: "ses:SendEmail", Resource: "*", Condition: { StringEquals: { "ses:FromAddress": "noreply@example.com" } } },
    ]);
    expect(argsOf(log, "aws_iam_role_policy.role_policy").role).toBe("demo-email-role");
  });

  it("resolves the lambda's asset, code hash, role and environment", () => {
    const fn = argsOf(log, "aws_lambda_function.email");
    expect(fn.filename).toMatch(/^assets\/email_code\/[0-9A-F]+\/archive\.zip$/);
    const zip = readFileSync(join(base.stackDir, fn.filename));
    expect(fn.source_code_hash).toBe(createHash("sha256").update(zip).digest("base64"));
    expect(fn.role).toBe(`arn:aws:iam::${ACCOUNT}:role/demo-email-role`);
    expect(fn.environment).toEqual({
      variables: {
        QUEUE_URL: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/demo-updates-queue`,
        SENDER: "noreply@example.com",
        TOPIC: "DEMO-UPDATES-TOPIC",
      },
    });
    expect(result.state.resources["aws_lambda_function.email"].attributes.code_sha256).toBe(fn.source_code_hash);
  });

  it("returns outputs as terraform output -json shapes them", () => {
    expect(result.outputs).toEqual({
      account: { sensitive: false, type: "string", value: ACCOUNT },
      function_name: { sensitive: false, type: "string", value: "demo-email" },
      queue_url: { sensitive: false, type: "string", value: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/demo-updates-queue` },
      secret: { sensitive: true, type: "string", value: createHash("sha256").update("noreply@example.com").digest("hex") },
      topic_arn: { sensitive: false, type: "string", value: `arn:aws:sns:${REGION}:${ACCOUNT}:demo-updates-topic` },
    });
  });

  it("leaves a JSON-serialisable state that records attributes and dependencies", () => {
    const state = parseAppliedState(JSON.parse(JSON.stringify(result.state)));
    expect(state.serial).toBe(1);
    expect(Object.keys(state.resources).sort()).toEqual([
      "aws_iam_role.role",
      "aws_iam_role_policy.role_policy",
      "aws_lambda_function.email",
      "aws_sns_topic.topic",
      "aws_sns_topic_subscription.subscription",
      "aws_sqs_queue.dlq",
      "aws_sqs_queue.queue",
    ]);
    expect(state.resources["aws_sqs_queue.queue"].attributes.arn).toBe(`arn:aws:sqs:${REGION}:${ACCOUNT}:demo-updates-queue`);
    expect(state.resources["aws_iam_role_policy.role_policy"].dependencies.sort()).toEqual(["aws_iam_role.role", "aws_sqs_queue.queue"]);
  });

  it("changes nothing when the same stack is applied again", async () => {
    const again: ProviderCall[] = [];
    const progress: string[] = [];
    const second = await apply(base, again, { previous: JSON.parse(JSON.stringify(result.state)), onChange: (c) => progress.push(`${c.action} ${c.address}`) });
    expect(progress).toEqual(second.changes.map((c) => `${c.action} ${c.address}`));
    expect(again).toEqual([]);
    expect(second.changes.map((c) => c.action)).toEqual(Array(7).fill("noop"));
    expect(second.state.serial).toBe(1);
    expect(second.outputs).toEqual(result.outputs);
  });

  it("reads the same assets when they are uploaded instead of read from disk", async () => {
    const uploaded: ProviderCall[] = [];
    const r = await apply(base, uploaded, { assetResolver: uploadedAssetResolver(assetFiles(base.stackDir)) });
    expect(r.state.resources["aws_lambda_function.email"].args).toEqual(result.state.resources["aws_lambda_function.email"].args);
  });

  it("updates only the function when its code changes", async () => {
    const calls: ProviderCall[] = [];
    const r = await apply(newCode, calls, { previous: result.state });
    expect(calls.map((c) => `${c.op} ${c.address}`)).toEqual(["update aws_lambda_function.email"]);
    expect(calls[0].changed).toEqual(["filename", "source_code_hash"]);
    expect(r.changes.filter((c) => c.action !== "noop")).toEqual([{ address: "aws_lambda_function.email", action: "update" }]);
    const zip = readFileSync(join(newCode.stackDir, String(calls[0].args.filename)));
    expect(r.state.resources["aws_lambda_function.email"].attributes.code_sha256).toBe(createHash("sha256").update(zip).digest("base64"));
    expect(r.state.serial).toBe(2);
  });

  it("updates an argument in place and leaves dependents alone when their inputs did not change", async () => {
    const calls: ProviderCall[] = [];
    const r = await apply(longerVisibility, calls, { previous: result.state });
    expect(calls.map((c) => `${c.op} ${c.address}`)).toEqual(["update aws_sqs_queue.queue"]);
    expect(calls[0].args.visibility_timeout_seconds).toBe(120);
    expect(calls[0].changed).toEqual(["visibility_timeout_seconds"]);
    // the provider returned nothing new: computed attributes survive the update
    expect(r.state.resources["aws_sqs_queue.queue"].attributes).toMatchObject({ arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:demo-updates-queue`, visibility_timeout_seconds: 120 });
    expect(r.changes.find((c) => c.address === "aws_sqs_queue.queue")?.action).toBe("update");
  });

  it("deletes a resource that is gone from the stack", async () => {
    const calls: ProviderCall[] = [];
    const r = await apply(noSubscription, calls, { previous: result.state });
    expect(calls.map((c) => `${c.op} ${c.address}`)).toEqual(["delete aws_sns_topic_subscription.subscription"]);
    expect(calls[0].args.endpoint).toBe(`arn:aws:sqs:${REGION}:${ACCOUNT}:demo-updates-queue`);
    expect(r.changes.at(-1)).toEqual({ address: "aws_sns_topic_subscription.subscription", action: "delete" });
    expect(r.state.resources["aws_sns_topic_subscription.subscription"]).toBeUndefined();
  });

  it("replaces resources whose names change and updates what refers to them", async () => {
    const calls: ProviderCall[] = [];
    const r = await apply(base, calls, { previous: result.state, variables: { name_prefix: "prod" } });
    const byAddress = Object.fromEntries(r.changes.map((c) => [c.address, c.action]));
    expect(byAddress).toEqual({
      "aws_sqs_queue.dlq": "replace",
      "aws_sns_topic.topic": "replace",
      "aws_sqs_queue.queue": "replace",
      "aws_sns_topic_subscription.subscription": "replace",
      "aws_iam_role.role": "replace",
      "aws_iam_role_policy.role_policy": "replace",
      "aws_lambda_function.email": "replace",
    });
    // without create_before_destroy the old one goes first, so names never clash
    const queueCalls = calls.filter((c) => c.address === "aws_sqs_queue.queue").map((c) => `${c.op} ${String(c.args.name)}`);
    expect(queueCalls).toEqual(["delete demo-updates-queue", "create prod-updates-queue"]);
    expect(r.outputs.function_name.value).toBe("prod-email");
  });

  it("deletes everything, dependents first, when the stack becomes empty", async () => {
    const calls: ProviderCall[] = [];
    const r = await applyStack({}, { providers: recordingProviders(calls), previous: result.state, accountId: ACCOUNT, region: REGION, assetResolver: directoryAssetResolver(base.stackDir) });
    expect(calls.every((c) => c.op === "delete")).toBe(true);
    const order = calls.map((c) => c.address);
    expect(order).toHaveLength(7);
    const before = (a: string, b: string) => expect(order.indexOf(a), `${a} before ${b}`).toBeLessThan(order.indexOf(b));
    before("aws_sns_topic_subscription.subscription", "aws_sqs_queue.queue");
    before("aws_sns_topic_subscription.subscription", "aws_sns_topic.topic");
    before("aws_sqs_queue.queue", "aws_sqs_queue.dlq");
    before("aws_lambda_function.email", "aws_iam_role.role");
    before("aws_iam_role_policy.role_policy", "aws_iam_role.role");
    before("aws_iam_role_policy.role_policy", "aws_sqs_queue.queue");
    expect(r.state.resources).toEqual({});
    expect(r.outputs).toEqual({});
  });
});

describe("refusals", () => {
  it("names every resource type without a provider before changing anything", async () => {
    const calls: ProviderCall[] = [];
    const providers = recordingProviders(calls);
    delete providers.aws_lambda_function;
    delete providers.aws_iam_role;
    const err = await applyStack(base.json, { providers, accountId: ACCOUNT, region: REGION, assetResolver: directoryAssetResolver(base.stackDir) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StackError);
    expect((err as StackError).code).toBe("UnknownResourceTypes");
    expect((err as StackError).message).toContain("resource type aws_iam_role: aws_iam_role.role");
    expect((err as StackError).message).toContain("resource type aws_lambda_function: aws_lambda_function.email");
    expect(calls).toEqual([]);
  });

  it("names unknown data source types too", async () => {
    const err = await applyStack(
      { data: { aws_vpc: { main: {} } } },
      { providers: {}, accountId: ACCOUNT, region: REGION, assetResolver: directoryAssetResolver(base.stackDir) },
    ).then(() => new StackError("InvalidStack", "expected a failure"), (e: unknown) => e as StackError);
    expect(err.message).toContain("data source type aws_vpc: data.aws_vpc.main");
  });

  it("refuses a stack calling an unknown function before creating anything", async () => {
    const calls: ProviderCall[] = [];
    const json = { resource: { aws_sns_topic: { a: { name: "a" }, b: { name: '${frobnicate("b")}' } } } };
    const err = await applyStack(json, { providers: recordingProviders(calls), accountId: ACCOUNT, region: REGION, assetResolver: uploadedAssetResolver({}) }).then(
      () => new StackError("InvalidStack", "expected a failure"),
      (e: unknown) => e as StackError,
    );
    expect(err.code).toBe("UnknownFunction");
    expect(err.message).toContain('aws_sns_topic.b.name calls unknown function "frobnicate"');
    expect(calls).toEqual([]);
  });

  it("asks for variables that have no default and rejects undeclared ones", async () => {
    const opts = { providers: {}, accountId: ACCOUNT, region: REGION, assetResolver: directoryAssetResolver(base.stackDir) };
    const json = { variable: { sender: { type: "string" } }, output: { s: { value: "${var.sender}" } } };
    await expect(applyStack(json, opts)).rejects.toThrow(/no value for variable\(s\) sender/);
    await expect(applyStack(json, { ...opts, variables: { sender: "a@b.c", other: 1 } })).rejects.toThrow(/undeclared variable\(s\) other/);
    const ok = await applyStack(json, { ...opts, variables: { sender: "a@b.c" } });
    expect(ok.outputs.s.value).toBe("a@b.c");
  });

  it("reports a missing asset by path", async () => {
    const err = await applyStack(base.json, { providers: recordingProviders([]), accountId: ACCOUNT, region: REGION, assetResolver: uploadedAssetResolver({}) }).then(() => new StackError("InvalidStack", "expected a failure"), (e: unknown) => e as StackError);
    expect(err.code).toBe("AssetNotFound");
    expect(err.message).toMatch(/asset assets\/email_code\/[0-9A-F]+\/archive\.zip was not uploaded/);
  });

  it("stops at a failing resource and hands back what exists so far", async () => {
    const calls: ProviderCall[] = [];
    const err = await applyStack(base.json, {
      providers: recordingProviders(calls, { address: "aws_iam_role_policy.role_policy", op: "create" }),
      accountId: ACCOUNT,
      region: REGION,
      assetResolver: directoryAssetResolver(base.stackDir),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StackApplyError);
    const e = err as StackApplyError;
    expect(e.message).toBe("creating aws_iam_role_policy.role_policy: injected failure in create of aws_iam_role_policy.role_policy");
    expect(Object.keys(e.partial.state.resources).sort()).toEqual(calls.map((c) => c.address).sort());
    expect(e.partial.state.resources["aws_iam_role_policy.role_policy"]).toBeUndefined();
    // a later apply picks up where this one stopped
    const rest: ProviderCall[] = [];
    const done = await applyStack(base.json, { providers: recordingProviders(rest), previous: e.partial.state, accountId: ACCOUNT, region: REGION, assetResolver: directoryAssetResolver(base.stackDir) });
    expect(rest.map((c) => `${c.op} ${c.address}`)).toContain("create aws_iam_role_policy.role_policy");
    expect(rest.every((c) => c.op === "create")).toBe(true);
    expect(Object.keys(done.state.resources)).toHaveLength(7);
  });
});

describe("lifecycle", () => {
  const opts = (log: ProviderCall[]) => ({ providers: recordingProviders(log), accountId: ACCOUNT, region: REGION, assetResolver: directoryAssetResolver(base.stackDir) });
  const topic = (name: string, lifecycle?: object) => ({ resource: { aws_sns_topic: { t: { name, ...(lifecycle ? { lifecycle } : {}) } } } });

  it("creates the replacement before destroying the old one under create_before_destroy", async () => {
    const first = await applyStack(topic("a", { create_before_destroy: true }), opts([]));
    const calls: ProviderCall[] = [];
    await applyStack(topic("b", { create_before_destroy: true }), { ...opts(calls), previous: first.state });
    expect(calls.map((c) => `${c.op} ${String(c.args.name)}`)).toEqual(["create b", "delete a"]);
  });

  it("keeps ignored arguments and refuses to replace what prevent_destroy protects", async () => {
    const first = await applyStack(topic("a", { ignore_changes: ["name"] }), opts([]));
    const calls: ProviderCall[] = [];
    const r = await applyStack(topic("b", { ignore_changes: ["name"] }), { ...opts(calls), previous: first.state });
    expect(calls).toEqual([]);
    expect(r.state.resources["aws_sns_topic.t"].attributes.name).toBe("a");
    const kept = await applyStack(topic("a", { prevent_destroy: true }), opts([]));
    await expect(applyStack(topic("b", { prevent_destroy: true }), { ...opts([]), previous: kept.state })).rejects.toThrow(/prevent_destroy/);
  });
});
