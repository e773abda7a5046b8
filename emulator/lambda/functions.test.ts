import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AsyncFailure } from "./async-invoker.js";
import { FunctionRegistry } from "./functions.js";
import { handlerZip, TEST_ROLE } from "./test-support/handler-zip.js";

let registry: FunctionRegistry;
const failures: AsyncFailure[] = [];

beforeAll(() => {
  registry = new FunctionRegistry({
    endpointUrl: () => "http://127.0.0.1:4566",
    eventRetryDelaysMs: [20, 40],
    onAsyncFailure: (f) => failures.push(f),
  });
});

afterAll(async () => {
  await registry.close();
});

function create(name: string, source: string, extra: Partial<Parameters<FunctionRegistry["create"]>[0]> = {}, file = "index.mjs") {
  return registry.create({
    FunctionName: name,
    Role: TEST_ROLE,
    Handler: "index.handler",
    Runtime: "nodejs22.x",
    Code: { ZipFile: handlerZip({ [file]: source }) },
    ...extra,
  });
}

async function invokeJson(name: string, event: unknown = {}) {
  const result = await registry.invoke(name, JSON.stringify(event));
  return { ...result, body: JSON.parse(result.payload) as Record<string, unknown> };
}

describe("warm execution environments", () => {
  it("reuses a warm environment: module state survives between invocations", async () => {
    create("counter", `let count = 0; export const handler = async () => ({ count: ++count });`);
    const first = await invokeJson("counter");
    const second = await invokeJson("counter");
    const third = await invokeJson("counter");
    expect([first.body.count, second.body.count, third.body.count]).toEqual([1, 2, 3]);
    expect(first.statusCode).toBe(200);
    expect(first.functionError).toBeUndefined();
    expect(registry.stats("counter").started).toBe(1);
  });

  it("gives the handler the function's variables, Lambda's variables, the endpoint and the function's credentials", async () => {
    const fn = create(
      "env-reader",
      `export const handler = async (event, context) => ({
        env: { ...process.env },
        context: {
          awsRequestId: context.awsRequestId,
          functionName: context.functionName,
          functionVersion: context.functionVersion,
          invokedFunctionArn: context.invokedFunctionArn,
          memoryLimitInMB: context.memoryLimitInMB,
          logGroupName: context.logGroupName,
          logStreamName: context.logStreamName,
          remaining: context.getRemainingTimeInMillis(),
          callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
          hasLegacy: typeof context.done === "function" && typeof context.succeed === "function" && typeof context.fail === "function",
        },
      });`,
      { Environment: { Variables: { TABLE_NAME: "Movies", AWS_ENDPOINT_URL: "http://elsewhere:1" } }, MemorySize: 256, Timeout: 7 },
    );
    const result = await invokeJson("env-reader");
    const env = result.body.env as Record<string, string>;
    const context = result.body.context as Record<string, unknown>;
    expect(env).toMatchObject({
      TABLE_NAME: "Movies",
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_LAMBDA_FUNCTION_NAME: "env-reader",
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256",
      AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/env-reader",
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
      _HANDLER: "index.handler",
      TZ: ":UTC",
      AWS_ENDPOINT_URL: "http://127.0.0.1:4566",
    });
    // The environment's own session: random, and known to the registry as this function's.
    expect(env.AWS_ACCESS_KEY_ID).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(env.AWS_SECRET_ACCESS_KEY).toHaveLength(40);
    expect(env.AWS_SESSION_TOKEN!.length).toBeGreaterThan(100);
    expect(env.AWS_ACCESS_KEY_ID).not.toBe(registry.credentialsOf("env-reader").accessKeyId);
    expect(env.LAMBDA_TASK_ROOT).toMatch(/code\/[0-9a-f]{32}$/);
    expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(registry.functionForAccessKey(env.AWS_ACCESS_KEY_ID!)?.FunctionName).toBe("env-reader");
    // The host's own variables do not leak into the function.
    expect(Object.keys(env).filter((k) => k.startsWith("VITEST"))).toEqual([]);
    expect(context).toMatchObject({
      awsRequestId: result.requestId,
      functionName: "env-reader",
      functionVersion: "$LATEST",
      invokedFunctionArn: fn.FunctionArn,
      memoryLimitInMB: "256",
      logGroupName: "/aws/lambda/env-reader",
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
      callbackWaitsForEmptyEventLoop: true,
      hasLegacy: true,
    });
    expect(context.remaining).toBeGreaterThan(0);
    expect(context.remaining).toBeLessThanOrEqual(7000);
  });

  it("runs 50 concurrent invocations with at most the concurrency limit of environments", async () => {
    create("busy", `let served = 0; export const handler = async (event) => { served++; await new Promise((r) => setTimeout(r, 30)); return { i: event.i, served }; };`);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => invokeJson("busy", { i })));
    expect(results.map((r) => r.body.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(results.every((r) => r.statusCode === 200 && r.functionError === undefined)).toBe(true);
    const stats = registry.stats("busy");
    expect(stats.started).toBeLessThanOrEqual(10);
    expect(stats.started).toBeGreaterThan(1);
    // Environments were reused: some served more than one invocation.
    expect(Math.max(...results.map((r) => r.body.served as number))).toBeGreaterThan(1);
    expect(stats.queued).toBe(0);
  });

  it("starts environments of the new code after UpdateFunctionCode", async () => {
    create("versioned", `export const handler = async () => "old";`);
    expect((await registry.invoke("versioned", "{}")).payload).toBe('"old"');
    const before = registry.get("versioned").CodeSha256;
    const updated = registry.updateCode("versioned", handlerZip({ "index.mjs": `export const handler = async () => "new";` }));
    expect(updated.CodeSha256).not.toBe(before);
    expect((await registry.invoke("versioned", "{}")).payload).toBe('"new"');
    expect(registry.stats("versioned")).toMatchObject({ environments: 1, started: 2 });
  });

  it("applies UpdateFunctionConfiguration to new environments", async () => {
    create("configured", `export const handler = async () => process.env.GREETING ?? null;`, { Environment: { Variables: { GREETING: "hello" } } });
    expect((await registry.invoke("configured", "{}")).payload).toBe('"hello"');
    registry.updateConfiguration("configured", { Environment: { Variables: { GREETING: "bonjour" } } });
    expect((await registry.invoke("configured", "{}")).payload).toBe('"bonjour"');
  });
});

describe("handler styles and module formats", () => {
  it("supports callback-style handlers, waiting for the event loop to empty as Lambda does", async () => {
    create(
      "callback",
      `exports.handler = function (event, context, callback) {
        setTimeout(() => console.log("timer after callback"), 20);
        callback(null, { ok: true, via: "callback" });
      };`,
      {},
      "index.js",
    );
    const result = await registry.invoke("callback", "{}", { logType: "Tail" });
    expect(JSON.parse(result.payload)).toEqual({ ok: true, via: "callback" });
    const tail = Buffer.from(result.logResult ?? "", "base64").toString("utf8");
    expect(tail.indexOf("timer after callback")).toBeGreaterThan(-1);
    expect(tail.indexOf("timer after callback")).toBeLessThan(tail.indexOf(`END RequestId: ${result.requestId}`));
  });

  it("supports context.succeed and context.fail", async () => {
    create("legacy", `exports.handler = (event, context) => { if (event.fail) context.fail(new Error("legacy failure")); else context.succeed("legacy ok"); };`, {}, "index.js");
    expect((await registry.invoke("legacy", "{}")).payload).toBe('"legacy ok"');
    const failed = await invokeJson("legacy", { fail: true });
    expect(failed.functionError).toBe("Unhandled");
    expect(failed.body).toMatchObject({ errorType: "Error", errorMessage: "legacy failure" });
  });

  it("finds handlers in subfolders and nested exports", async () => {
    registry.create({
      FunctionName: "nested",
      Role: TEST_ROLE,
      Handler: "src/app.handlers.main",
      Runtime: "nodejs22.x",
      Code: { ZipFile: handlerZip({ "src/app.mjs": `export const handlers = { main: async () => "nested ok" };` }) },
    });
    expect((await registry.invoke("nested", "{}")).payload).toBe('"nested ok"');
  });

  it("treats a .js handler as ESM when the zip's package.json says type module", async () => {
    registry.create({
      FunctionName: "esm-js",
      Role: TEST_ROLE,
      Handler: "index.handler",
      Runtime: "nodejs22.x",
      Code: { ZipFile: handlerZip({ "package.json": '{"type":"module"}', "index.js": `export const handler = async () => typeof require;` }) },
    });
    expect((await registry.invoke("esm-js", "{}")).payload).toBe('"undefined"');
  });

  it("refuses a handler string without a module and export", async () => {
    create("malformed-handler", `export const handler = async () => 1;`, { Handler: "index" });
    const result = await invokeJson("malformed-handler");
    expect(result.body).toMatchObject({ errorType: "Runtime.MalformedHandlerName", errorMessage: "Bad handler index" });
  });

  it("lets handlers import the AWS SDK v3 that the Node.js runtime provides", async () => {
    create("sdk-user", `import { LambdaClient } from "@aws-sdk/client-lambda"; export const handler = async () => typeof LambdaClient;`);
    expect((await registry.invoke("sdk-user", "{}")).payload).toBe('"function"');
  });
});

describe("failures", () => {
  it("returns the error payload with function error Unhandled when the handler throws", async () => {
    create("thrower", `export const handler = async () => { const e = new TypeError("bad movie id"); e.code = "E_BAD"; throw e; };`);
    const result = await invokeJson("thrower");
    expect(result.statusCode).toBe(200);
    expect(result.functionError).toBe("Unhandled");
    expect(result.body).toMatchObject({ errorType: "TypeError", errorMessage: "bad movie id", code: "E_BAD" });
    expect((result.body.trace as string[])[0]).toBe("TypeError: bad movie id");
    // A handled error keeps the environment warm.
    await invokeJson("thrower");
    expect(registry.stats("thrower").started).toBe(1);
  });

  it("times out with Lambda's message and replaces the environment", async () => {
    create("sleeper", `let calls = 0; export const handler = async (e) => { calls++; if (e.hang) { while (true) {} } return { calls }; };`, { Timeout: 1 });
    const timedOut = await invokeJson("sleeper", { hang: true });
    expect(timedOut.functionError).toBe("Unhandled");
    expect(timedOut.body.errorMessage).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z ${timedOut.requestId} Task timed out after 1\\.00 seconds$`));
    const next = await invokeJson("sleeper");
    expect(next.body).toEqual({ calls: 1 });
    expect(registry.stats("sleeper").started).toBe(2);
    const report = registry.logs.query({ functionName: "sleeper", requestId: timedOut.requestId }).find((e) => e.message.startsWith("REPORT"));
    expect(report?.message).toContain("Status: timeout");
  });

  it("reports an uncaught exception and replaces the environment", async () => {
    create("crasher", `let calls = 0; export const handler = async (e) => { calls++; if (e.crash) { setTimeout(() => { throw new RangeError("async boom"); }, 1); await new Promise(() => {}); } return { calls }; };`);
    const crashed = await invokeJson("crasher", { crash: true });
    expect(crashed.functionError).toBe("Unhandled");
    expect(crashed.body).toMatchObject({ errorType: "RangeError", errorMessage: "async boom" });
    expect((await invokeJson("crasher")).body).toEqual({ calls: 1 });
    expect(registry.stats("crasher").started).toBe(2);
  });

  it("reports process.exit as Runtime.ExitError without ending the cloud", async () => {
    create("exiter", `let calls = 0; export const handler = async (e) => { calls++; if (e.exit) process.exit(3); return { calls }; };`);
    const exited = await invokeJson("exiter", { exit: true });
    expect(exited.functionError).toBe("Unhandled");
    expect(exited.body).toEqual({ errorType: "Runtime.ExitError", errorMessage: `RequestId: ${exited.requestId} Error: Runtime exited with error: exit status 3` });
    expect((await invokeJson("exiter")).body).toEqual({ calls: 1 });
  });

  it("fails a result that is not JSON-serialisable", async () => {
    create("circular", `export const handler = async () => { const a = {}; a.self = a; return a; };`);
    const result = await invokeJson("circular");
    expect(result.functionError).toBe("Unhandled");
    expect(result.body).toMatchObject({ errorType: "Runtime.JSONStringifyError", errorMessage: "Unable to stringify response body" });
  });

  it("fails a response larger than Lambda's 6 MB limit", async () => {
    create("too-big", `export const handler = async () => "x".repeat(7 * 1024 * 1024);`);
    const result = await invokeJson("too-big");
    expect(result.functionError).toBe("Unhandled");
    expect(result.body).toEqual({ errorType: "Function.ResponseSizeTooLarge", errorMessage: "Response payload size exceeded maximum allowed payload size (6291556 bytes)." });
  });

  it("reports a missing module and a missing export as Lambda's init errors", async () => {
    create("no-module", `export const handler = async () => 1;`, { Handler: "missing.handler" });
    const noModule = await invokeJson("no-module");
    expect(noModule.functionError).toBe("Unhandled");
    expect(noModule.body.errorType).toBe("Runtime.ImportModuleError");
    expect(String(noModule.body.errorMessage)).toContain("Cannot find module 'missing'");
    create("no-export", `export const other = async () => 1;`);
    const noExport = await invokeJson("no-export");
    expect(noExport.body).toMatchObject({ errorType: "Runtime.HandlerNotFound", errorMessage: "index.handler is undefined or not exported" });
    const initReport = registry.logs.query({ functionName: "no-export" }).find((e) => e.message.startsWith("INIT_REPORT"));
    expect(initReport?.message).toContain("Error Type: Runtime.HandlerNotFound");
  });
});

describe("logs", () => {
  it("captures console output with request ids and START/END/REPORT, Init Duration on the cold start only", async () => {
    create("logger", `console.log("loading"); export const handler = async (e) => { console.log("got", e.n); console.error("warned", e.n); process.stdout.write("raw line\\n"); return e.n; };`);
    const first = await registry.invoke("logger", JSON.stringify({ n: 1 }), { logType: "Tail" });
    const second = await registry.invoke("logger", JSON.stringify({ n: 2 }));
    const events = registry.logs.query({ functionName: "logger" });
    const lines = events.map((e) => e.message);
    expect(lines[0]).toMatch(/^INIT_START Runtime Version: nodejs:22\t/);
    expect(lines[1]).toMatch(/^\S+Z\tundefined\tINFO\tloading$/);
    expect(lines).toContain(`START RequestId: ${first.requestId} Version: $LATEST`);
    expect(lines).toContain(`END RequestId: ${second.requestId}`);
    const mine = events.filter((e) => e.requestId === first.requestId).map((e) => e.message);
    expect(mine.some((l) => /\tINFO\tgot 1$/.test(l))).toBe(true);
    expect(mine.some((l) => /\tERROR\twarned 1$/.test(l))).toBe(true);
    expect(mine).toContain("raw line");
    const reports = lines.filter((l) => l.startsWith("REPORT"));
    expect(reports).toHaveLength(2);
    expect(reports[0]).toMatch(/^REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms\t$/);
    expect(reports[1]).not.toContain("Init Duration");
    expect(events.every((e) => e.logGroupName === "/aws/lambda/logger")).toBe(true);
    const tail = Buffer.from(first.logResult ?? "", "base64").toString("utf8");
    expect(tail).toContain(`START RequestId: ${first.requestId}`);
    expect(tail).toContain(`REPORT RequestId: ${first.requestId}`);
    expect(tail).not.toContain(second.requestId);
  });

  it("lets a reader follow new log events", async () => {
    create("followed", `export const handler = async (e) => { console.log("event", e.n); return null; };`);
    const seen: string[] = [];
    const stop = registry.logs.subscribe("followed", (e) => seen.push(e.message));
    await registry.invoke("followed", JSON.stringify({ n: 7 }));
    stop();
    await registry.invoke("followed", JSON.stringify({ n: 8 }));
    expect(seen.some((m) => m.endsWith("\tINFO\tevent 7"))).toBe(true);
    expect(seen.some((m) => m.endsWith("event 8"))).toBe(false);
  });
});

describe("invocation types", () => {
  it("runs an Event invocation in the background and answers 202", async () => {
    create("async-target", `export const handler = async (e) => { console.log("handled", e.movieId); };`);
    const accepted = await registry.invoke("async-target", JSON.stringify({ movieId: "m-1" }), { invocationType: "Event" });
    expect(accepted).toMatchObject({ statusCode: 202, payload: "" });
    await registry.asyncIdle();
    const lines = registry.logs.query({ functionName: "async-target", requestId: accepted.requestId }).map((e) => e.message);
    expect(lines.some((l) => l.endsWith("\tINFO\thandled m-1"))).toBe(true);
  });

  it("retries a failing Event invocation twice, then hands it to the failure hook with its dead-letter target", async () => {
    const dlq = "arn:aws:sqs:us-east-1:000000000000:failed-events";
    create("async-failing", `let attempts = 0; export const handler = async () => { attempts++; console.log("attempt", attempts); throw new Error("always fails"); };`, {
      DeadLetterConfig: { TargetArn: dlq },
    });
    const accepted = await registry.invoke("async-failing", JSON.stringify({ id: 1 }), { invocationType: "Event" });
    await registry.asyncIdle();
    const attempts = registry.logs.query({ functionName: "async-failing" }).filter((e) => e.message.startsWith("START"));
    expect(attempts).toHaveLength(3);
    const failure = failures.find((f) => f.requestId === accepted.requestId);
    expect(failure).toMatchObject({
      functionName: "async-failing",
      payload: '{"id":1}',
      deadLetterTargetArn: dlq,
      error: { errorType: "Error", errorMessage: "always fails" },
      record: { requestContext: { condition: "RetriesExhausted", approximateInvokeCount: 3 }, requestPayload: { id: 1 } },
    });
  });

  it("answers DryRun with 204 without running the function", async () => {
    create("dry", `export const handler = async () => { console.log("ran"); };`);
    const result = await registry.invoke("dry", "{}", { invocationType: "DryRun" });
    expect(result.statusCode).toBe(204);
    expect(registry.logs.query({ functionName: "dry" })).toEqual([]);
  });

  it("passes an empty payload as {} and refuses a payload that is not JSON", async () => {
    create("echo", `export const handler = async (e) => e;`);
    expect((await registry.invoke("echo", undefined)).payload).toBe("{}");
    await expect(registry.invoke("echo", "{not json")).rejects.toMatchObject({ code: "InvalidRequestContentException", statusCode: 400 });
  });

  it("accepts names, partial ARNs and full ARNs, and refuses unknown functions and versions", async () => {
    const fn = create("addressed", `export const handler = async () => "here";`);
    expect((await registry.invoke(fn.FunctionArn, "{}")).payload).toBe('"here"');
    expect((await registry.invoke("000000000000:function:addressed", "{}")).payload).toBe('"here"');
    expect((await registry.invoke("addressed:$LATEST", "{}")).payload).toBe('"here"');
    await expect(registry.invoke("nobody", "{}")).rejects.toMatchObject({ code: "ResourceNotFoundException", statusCode: 404 });
    await expect(registry.invoke("addressed:7", "{}")).rejects.toMatchObject({ code: "ResourceNotFoundException" });
  });
});

describe("registry", () => {
  it("refuses bad configuration with AWS's errors", () => {
    expect(() => create("reserved", "", { Environment: { Variables: { AWS_REGION: "eu-west-1" } } })).toThrow(/Reserved keys used in this request: AWS_REGION/);
    expect(() => create("python", "", { Runtime: "python3.12" })).toThrow(/only Node.js runtimes/);
    expect(() => create("too-long", "", { Timeout: 901 })).toThrow(/at 'timeout' failed to satisfy constraint/);
    expect(() => create("bad name!", "")).toThrow(/functionName/);
    create("unique", `export const handler = async () => 1;`);
    expect(() => create("unique", `export const handler = async () => 1;`)).toThrow(/Function already exist: unique/);
    expect(() => registry.create({ FunctionName: "notzip", Role: TEST_ROLE, Handler: "index.handler", Runtime: "nodejs22.x", Code: { ZipFile: new Uint8Array([1, 2, 3]) } })).toThrow(
      /Could not unzip uploaded file/,
    );
  });

  it("lists, describes and deletes functions, ending their environments", async () => {
    const fn = create("short-lived", `export const handler = async () => 1;`);
    expect(fn).toMatchObject({ State: "Active", Version: "$LATEST", Runtime: "nodejs22.x", Timeout: 3, MemorySize: 128, PackageType: "Zip" });
    expect(fn.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(registry.list().map((f) => f.FunctionName)).toContain("short-lived");
    await registry.invoke("short-lived", "{}");
    await registry.delete("short-lived");
    expect(registry.has("short-lived")).toBe(false);
    await expect(registry.invoke("short-lived", "{}")).rejects.toMatchObject({ code: "ResourceNotFoundException" });
  });

  it("keeps AddPermission statements and answers whether a service may invoke", () => {
    create("guarded", `export const handler = async () => 1;`);
    const sourceArn = "arn:aws:execute-api:us-east-1:000000000000:abc123/*/*";
    expect(registry.allowsInvoke("guarded", { service: "apigateway.amazonaws.com", sourceArn: "arn:aws:execute-api:us-east-1:000000000000:abc123/live/GET/movies" })).toBe(false);
    const statement = registry.addPermission("guarded", { StatementId: "apigw", Action: "lambda:InvokeFunction", Principal: "apigateway.amazonaws.com", SourceArn: sourceArn });
    expect(statement).toMatchObject({ Principal: { Service: "apigateway.amazonaws.com" }, Condition: { ArnLike: { "AWS:SourceArn": sourceArn } } });
    expect(registry.allowsInvoke("guarded", { service: "apigateway.amazonaws.com", sourceArn: "arn:aws:execute-api:us-east-1:000000000000:abc123/live/GET/movies" })).toBe(true);
    expect(registry.allowsInvoke("guarded", { service: "apigateway.amazonaws.com", sourceArn: "arn:aws:execute-api:us-east-1:000000000000:other/live/GET/movies" })).toBe(false);
    expect(() => registry.addPermission("guarded", { StatementId: "apigw", Action: "lambda:InvokeFunction", Principal: "sns.amazonaws.com" })).toThrow(/already exists/);
    expect(registry.policy("guarded")?.Statement).toHaveLength(1);
  });
});
