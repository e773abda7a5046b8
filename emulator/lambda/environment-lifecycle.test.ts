import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FunctionRegistry, type FunctionRegistryOptions } from "./functions.js";
import { CPU_PROF_DIR_ENV } from "./runtime/environment-process.js";
import { handlerZip, TEST_ROLE } from "./test-support/handler-zip.js";

let registry: FunctionRegistry | undefined;

afterEach(async () => {
  await registry?.close();
  registry = undefined;
});

function start(options: FunctionRegistryOptions): FunctionRegistry {
  registry = new FunctionRegistry(options);
  return registry;
}

function create(r: FunctionRegistry, name: string, source: string) {
  return r.create({ FunctionName: name, Role: TEST_ROLE, Handler: "index.handler", Runtime: "nodejs22.x", Code: { ZipFile: handlerZip({ "index.mjs": source }) } });
}

/** Resolves when the predicate holds, checking each few ms; fails after a generous bound. */
async function eventually(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}

describe("execution environment lifecycle", () => {
  it("reaps idle environments; the next invocation is a cold start", async () => {
    const r = start({ idleTimeoutMs: 100 });
    create(r, "reaped", `let n = 0; export const handler = async () => ++n;`);
    expect((await r.invoke("reaped", "{}")).payload).toBe("1");
    await eventually(() => r.stats("reaped").environments === 0, "idle environment reaped");
    expect((await r.invoke("reaped", "{}")).payload).toBe("1");
    expect(r.stats("reaped").started).toBe(2);
  });

  it("lets a running invocation of old code finish while new invocations run the new code", async () => {
    const r = start({});
    create(r, "draining", `export const handler = async (e) => { if (e.wait) await new Promise((res) => setTimeout(res, 300)); return "old"; };`);
    const slowOld = r.invoke("draining", JSON.stringify({ wait: true }));
    await eventually(() => r.stats("draining").busy === 1, "old invocation running");
    r.updateCode("draining", handlerZip({ "index.mjs": `export const handler = async () => "new";` }));
    expect((await r.invoke("draining", "{}")).payload).toBe('"new"');
    expect((await slowOld).payload).toBe('"old"');
    // The drained environment ends once its invocation is done; only new code stays warm.
    await eventually(() => r.stats("draining").environments === 1, "old environment ended");
    expect((await r.invoke("draining", "{}")).payload).toBe('"new"');
  });

  it("queues beyond the concurrency limit and throttles beyond the queue", async () => {
    const r = start({ maxEnvironmentsPerFunction: 2, maxQueuedPerFunction: 3 });
    // Handlers hold until the test creates the release file, so nothing finishes early.
    const releaseDir = mkdtempSync(path.join(tmpdir(), "lambda-release-"));
    // The function runs as a user of its own when the cloud is root: let it look.
    chmodSync(releaseDir, 0o755);
    const release = path.join(releaseDir, "go");
    r.create({
      FunctionName: "narrow",
      Role: TEST_ROLE,
      Handler: "index.handler",
      Runtime: "nodejs22.x",
      Timeout: 60,
      Environment: { Variables: { RELEASE_FILE: release } },
      Code: {
        ZipFile: handlerZip({
          "index.mjs": `import { existsSync } from "node:fs";
            export const handler = async (e) => { while (!existsSync(process.env.RELEASE_FILE)) await new Promise((res) => setTimeout(res, 10)); return e.i; };`,
        }),
      },
    });
    const accepted = Array.from({ length: 5 }, (_, i) => r.invoke("narrow", JSON.stringify({ i })));
    await eventually(() => r.stats("narrow").busy === 2, "two environments busy");
    expect(r.stats("narrow")).toMatchObject({ environments: 2, queued: 3 });
    await expect(r.invoke("narrow", "{}")).rejects.toMatchObject({ code: "TooManyRequestsException", statusCode: 429 });
    writeFileSync(release, "");
    expect((await Promise.all(accepted)).map((res) => res.payload)).toEqual(["0", "1", "2", "3", "4"]);
    expect(r.stats("narrow").started).toBe(2);
  });

  it("prewarms an environment off the request path, as provisioned concurrency does", async () => {
    const r = start({});
    create(r, "prewarmed", `console.log("init ran"); export const handler = async () => process.env.AWS_LAMBDA_INITIALIZATION_TYPE;`);
    await r.prewarm("prewarmed");
    expect(r.stats("prewarmed")).toMatchObject({ idle: 1, started: 1 });
    const result = await r.invoke("prewarmed", "{}");
    expect(result.payload).toBe('"provisioned-concurrency"');
    const report = r.logs.query({ functionName: "prewarmed", requestId: result.requestId }).find((e) => e.message.startsWith("REPORT"));
    expect(report?.message).not.toContain("Init Duration");
    const lines = r.logs.query({ functionName: "prewarmed" }).map((e) => e.message);
    expect(lines[0]).toMatch(/^INIT_START Runtime Version: nodejs:22\tNode\.js: v\d+/);
    expect(lines[1]).toMatch(/\tINFO\tinit ran$/);
    expect(r.stats("prewarmed").started).toBe(1);
  });

  it("lets an invocation that arrives during prewarming wait for that environment", async () => {
    const r = start({});
    create(r, "prewarming", `export const handler = async () => "ok";`);
    const warming = r.prewarm("prewarming");
    const result = await r.invoke("prewarming", "{}");
    await warming;
    expect(result.payload).toBe('"ok"');
    expect(r.stats("prewarming").started).toBe(1);
  });

  it("honours reserved concurrency: 0 throttles every call, 1 runs one environment at a time", async () => {
    const r = start({});
    create(r, "reserved", `export const handler = async (e) => { await new Promise((res) => setTimeout(res, 20)); return e.i; };`);
    r.putFunctionConcurrency("reserved", 0);
    await expect(r.invoke("reserved", "{}")).rejects.toMatchObject({ code: "TooManyRequestsException" });
    r.putFunctionConcurrency("reserved", 1);
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => r.invoke("reserved", JSON.stringify({ i }))));
    expect(results.map((res) => res.payload)).toEqual(["0", "1", "2", "3", "4"]);
    expect(r.stats("reserved").started).toBe(1);
    r.putFunctionConcurrency("reserved", undefined);
    expect(r.functionConcurrency("reserved")).toBeUndefined();
  });

  it("answers at once when callbackWaitsForEmptyEventLoop is false, though a timer still runs", async () => {
    const r = start({});
    r.create({
      FunctionName: "no-wait",
      Role: TEST_ROLE,
      Handler: "index.handler",
      Runtime: "nodejs22.x",
      Timeout: 2,
      Code: {
        ZipFile: handlerZip({
          "index.js": `let ticks = 0;
            exports.handler = (event, context, callback) => {
              context.callbackWaitsForEmptyEventLoop = false;
              const interval = setInterval(() => { ticks++; }, 5);
              if (event.stop) clearInterval(interval);
              callback(null, { ticks });
            };`,
        }),
      },
    });
    // With waiting on, the interval would keep the loop busy until the 2 s timeout.
    const first = await r.invoke("no-wait", "{}");
    expect(first.functionError).toBeUndefined();
    expect(JSON.parse(first.payload)).toEqual({ ticks: 0 });
  });

  it("reports an unhandled promise rejection and replaces the environment", async () => {
    const r = start({});
    create(r, "rejecter", `let n = 0; export const handler = async (e) => { n++; if (e.reject) { Promise.reject(new Error("nobody caught me")); await new Promise((res) => setTimeout(res, 200)); } return n; };`);
    const result = await r.invoke("rejecter", JSON.stringify({ reject: true }));
    expect(result.functionError).toBe("Unhandled");
    expect(JSON.parse(result.payload)).toMatchObject({ errorType: "Runtime.UnhandledPromiseRejection", errorMessage: "Error: nobody caught me" });
    expect((await r.invoke("rejecter", "{}")).payload).toBe("1");
  });

  it("ends an environment that exceeds its memory size", async () => {
    const r = start({});
    r.create({
      FunctionName: "hungry",
      Role: TEST_ROLE,
      Handler: "index.handler",
      Runtime: "nodejs22.x",
      Timeout: 30,
      MemorySize: 128,
      // 16 MB per array: the 128 MB heap is exhausted within a few steps.
      Code: { ZipFile: handlerZip({ "index.mjs": `const hoard = []; export const handler = async (e) => { if (e.eat) for (;;) hoard.push(new Array(2_000_000).fill(1.5)); return hoard.length; };` }) },
    });
    const result = await r.invoke("hungry", JSON.stringify({ eat: true }));
    expect(result.functionError).toBe("Unhandled");
    expect(JSON.parse(result.payload)).toMatchObject({ errorType: "Runtime.OutOfMemory" });
    expect((await r.invoke("hungry", "{}")).payload).toBe("0");
  });

  it("runs a function on the Node.js its runtime names, and says which in the log", async () => {
    // A stand-in for Node.js 24 in the runtimes cache: answers --version, runs everything else on this node.
    const cache = mkdtempSync(path.join(tmpdir(), "lambda-runtimes-"));
    chmodSync(cache, 0o755);
    const binary = path.join(cache, "node-24", "bin", "node");
    mkdirSync(path.dirname(binary), { recursive: true, mode: 0o755 });
    writeFileSync(binary, `#!/bin/sh\nif [ "$1" = --version ]; then echo v24.0.0; exit 0; fi\nexec ${process.execPath} "$@"\n`, { mode: 0o755 });
    const r = start({ runtimesDir: cache });
    r.create({ FunctionName: "on-24", Role: TEST_ROLE, Handler: "index.handler", Runtime: "nodejs24.x", Code: { ZipFile: handlerZip({ "index.mjs": `export const handler = async () => "ran";` }) } });
    expect((await r.invoke("on-24", "{}")).payload).toBe('"ran"');
    const first = r.logs.query({ functionName: "on-24" })[0]?.message;
    expect(first).toBe(`INIT_START Runtime Version: nodejs:24\tNode.js: v24.0.0\tBinary: ${binary}`);
    rmSync(cache, { recursive: true, force: true });
  });

  it("writes a CPU profile of each environment when it ends, when MOVIES_LAMBDA_CPU_PROF_DIR is set", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "lambda-prof-"));
    // The environment runs as a user of its own when the cloud is root: let it write.
    chmodSync(dir, 0o1777);
    process.env[CPU_PROF_DIR_ENV] = dir;
    try {
      const r = start({});
      create(r, "profiled", `export const handler = async () => "ok";`);
      expect((await r.invoke("profiled", "{}")).payload).toBe('"ok"');
      await r.close();
      registry = undefined;
    } finally {
      delete process.env[CPU_PROF_DIR_ENV];
    }
    const profiles = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
    expect(profiles.length).toBeGreaterThanOrEqual(1);
    const profile = JSON.parse(readFileSync(path.join(dir, profiles[0]!), "utf8")) as { nodes: unknown[]; samples: unknown[] };
    expect(profile.nodes.length).toBeGreaterThan(0);
    rmSync(dir, { recursive: true, force: true });
  });
});

