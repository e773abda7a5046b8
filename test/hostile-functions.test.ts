import { CreateFunctionCommand, GetFunctionCommand, InvokeCommand, LambdaClient, waitUntilFunctionActiveV2 } from "@aws-sdk/client-lambda";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handlerZip, TEST_ROLE } from "../emulator/lambda/test-support/handler-zip.js";
import { localClientConfig } from "./support/cloud-client-config.js";
import { freePort } from "./support/free-port.js";
import { stopChild } from "./support/stop-child.js";

// Functions written to hurt the cloud that runs them, shipped as zips through
// the real Lambda API. Each must fail the way Lambda reports it while the
// cloud keeps answering and its own memory stays where it was.

const SECRET = `cloud-secret-${process.pid}-${Date.now()}`;
const asRoot = process.getuid?.() === 0;

function residentMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

describe("hostile functions", () => {
  let cloud: ChildProcess;
  let url: string;
  let stateDir: string;
  let lambda: LambdaClient;
  let rssBefore: number;

  const create = async (name: string, source: string, settings: { MemorySize?: number; Timeout?: number; Variables?: Record<string, string> } = {}) => {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Role: TEST_ROLE,
        Handler: "index.handler",
        Runtime: "nodejs22.x",
        MemorySize: settings.MemorySize ?? 128,
        Timeout: settings.Timeout ?? 10,
        Environment: settings.Variables ? { Variables: settings.Variables } : undefined,
        Code: { ZipFile: handlerZip({ "index.mjs": source }) },
      }),
    );
    await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: name });
  };
  const invoke = async (name: string, event: unknown = {}) => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) }));
    return { functionError: out.FunctionError, body: JSON.parse(Buffer.from(out.Payload ?? []).toString("utf8") || "null"), requestId: out.$metadata.requestId };
  };
  const healthy = async () => (await fetch(`${url}/_movies/health`)).status;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "movies-hostile-"));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    cloud = spawn(process.execPath, ["--import", "tsx", "emulator/main.ts", "--port", String(port), "--state-dir", stateDir], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, MOVIES_TEST_SECRET: SECRET, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    let err = "";
    cloud.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      cloud.stdout!.on("data", (d: Buffer) => d.toString().includes("movies cloud ready at") && resolve());
      cloud.once("exit", (code) => reject(new Error(`cloud exited with ${code}: ${err}`)));
    });
    lambda = new LambdaClient(localClientConfig(url));
    // A first function warms the cloud's own code paths, so its RSS is measured from a settled point.
    await create("warm-up", `export const handler = async () => "ok";`);
    expect((await invoke("warm-up")).body).toBe("ok");
    rssBefore = residentMb(cloud.pid!);
  }, 120_000);

  afterAll(async () => {
    if (cloud) await stopChild(cloud);
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it("reports a function that SIGKILLs itself as Runtime.ExitError, and the next call gets a new environment", async () => {
    await create("self-kill", `export const handler = async (e) => { if (e.die) process.kill(process.pid, "SIGKILL"); return process.pid; };`);
    const died = await invoke("self-kill", { die: true });
    expect(died.functionError).toBe("Unhandled");
    expect(died.body).toEqual({ errorType: "Runtime.ExitError", errorMessage: `RequestId: ${died.requestId} Error: Runtime exited with error: signal: killed` });
    expect(await healthy()).toBe(200);
    const alive = await invoke("self-kill");
    expect(alive.functionError).toBeUndefined();
    expect(alive.body).not.toBe(cloud.pid);
  }, 60_000);

  it("reports process.exit(1) as Runtime.ExitError with the exit status", async () => {
    await create("quitter", `export const handler = async () => { process.exit(1); };`);
    const quit = await invoke("quitter");
    expect(quit.functionError).toBe("Unhandled");
    expect(quit.body).toEqual({ errorType: "Runtime.ExitError", errorMessage: `RequestId: ${quit.requestId} Error: Runtime exited with error: exit status 1` });
    expect(await healthy()).toBe(200);
  }, 60_000);

  it("reports process.abort() as Runtime.ExitError with the signal", async () => {
    await create("aborter", `export const handler = async () => { process.abort(); };`);
    const aborted = await invoke("aborter");
    expect(aborted.functionError).toBe("Unhandled");
    expect(aborted.body).toEqual({ errorType: "Runtime.ExitError", errorMessage: `RequestId: ${aborted.requestId} Error: Runtime exited with error: signal: aborted` });
    expect(await healthy()).toBe(200);
  }, 60_000);

  it("refuses a 1.5 GB Buffer.alloc at MemorySize 128", async () => {
    await create("big-alloc", `export const handler = async () => { const b = Buffer.alloc(1.5 * 1024 ** 3); return b.length; };`);
    const refused = await invoke("big-alloc");
    expect(refused.functionError).toBe("Unhandled");
    expect(refused.body).toMatchObject({ errorType: "RangeError", errorMessage: "Array buffer allocation failed" });
    expect(await healthy()).toBe(200);
  }, 60_000);

  it("ends a function whose buffers outgrow MemorySize 128 with Runtime.OutOfMemory", async () => {
    // 32 MB at a time, every page written: outside V8's heap, so only the resident size shows it.
    await create("buffer-hoarder", `const hoard = []; export const handler = async (e) => { if (e.eat) for (let i = 0; i < 48; i++) hoard.push(Buffer.alloc(32 * 1024 * 1024, 1)); return hoard.length; };`);
    const hoarded = await invoke("buffer-hoarder", { eat: true });
    expect(hoarded.functionError).toBe("Unhandled");
    expect(hoarded.body).toEqual({ errorType: "Runtime.OutOfMemory", errorMessage: `RequestId: ${hoarded.requestId} Error: Runtime exited with error: signal: killed` });
    expect(await healthy()).toBe(200);
    expect((await invoke("buffer-hoarder")).body).toBe(0);
  }, 60_000);

  it("times out a function that loops forever, and runs the next call in a new environment", async () => {
    await create("spinner", `export const handler = async (e) => { if (e.spin) for (;;) {} return "fresh"; };`, { Timeout: 1 });
    const spun = await invoke("spinner", { spin: true });
    expect(spun.functionError).toBe("Unhandled");
    expect(spun.body.errorMessage).toMatch(new RegExp(`${spun.requestId} Task timed out after 1\\.00 seconds$`));
    expect(await healthy()).toBe(200);
    expect((await invoke("spinner")).body).toBe("fresh");
  }, 60_000);

  it.skipIf(!asRoot)("cannot read the cloud's memory or environment, nor write its own or another function's code (the cloud runs as root here)", async () => {
    await create("victim", `export const handler = async () => process.env.LAMBDA_TASK_ROOT;`);
    const victimRoot = (await invoke("victim")).body as string;
    const storedCode = join(stateDir, "lambda", "code");
    await create(
      "snoop",
      `import fs from "node:fs";
       const attempt = (fn) => { try { fn(); return "ok"; } catch (e) { return e.code ?? String(e); } };
       export const handler = async (e) => ({
         readMem: attempt(() => { const fd = fs.openSync("/proc/" + e.cloudPid + "/mem", "r"); fs.readSync(fd, Buffer.alloc(16), 0, 16, 0x400000); }),
         writeMem: attempt(() => fs.openSync("/proc/" + e.cloudPid + "/mem", "r+")),
         readEnviron: attempt(() => fs.readFileSync("/proc/" + e.cloudPid + "/environ")),
         writeVictim: attempt(() => fs.writeFileSync(e.victimRoot + "/index.mjs", "export const handler = async () => 'owned';")),
         listStoredCode: attempt(() => fs.readdirSync(e.storedCode)),
         writeOwn: attempt(() => fs.writeFileSync(process.env.LAMBDA_TASK_ROOT + "/index.mjs", "")),
         listOtherCode: attempt(() => fs.readdirSync(process.env.LAMBDA_TASK_ROOT + "/..")),
         writeTmp: attempt(() => fs.writeFileSync(process.env.TMPDIR + "/scratch", "mine")),
       });`,
    );
    const seen = await invoke("snoop", { cloudPid: cloud.pid, victimRoot, storedCode });
    expect(seen.functionError).toBeUndefined();
    expect(seen.body).toEqual({
      readMem: "EACCES",
      writeMem: "EACCES",
      readEnviron: "EACCES",
      writeVictim: "EACCES",
      listStoredCode: "EACCES",
      writeOwn: "EACCES",
      listOtherCode: "EACCES",
      writeTmp: "ok",
    });
    expect((await invoke("victim")).body).toBe(victimRoot);
    expect(await healthy()).toBe(200);
  }, 60_000);

  it("finds none of the cloud's environment in its own, only Lambda's variables, its own and its credentials", async () => {
    await create("env-thief", `export const handler = async () => ({ env: process.env });`, { Variables: { MY_SETTING: "mine" } });
    const { body } = await invoke("env-thief");
    const env = body.env as Record<string, string>;
    expect(JSON.stringify(env)).not.toContain(SECRET);
    const allowed = new Set([
      "PATH", "LANG", "TZ", "TMPDIR", "HOME", "MY_SETTING", "_HANDLER", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV",
      "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_INITIALIZATION_TYPE",
      "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
      "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED",
    ]);
    expect(Object.keys(env).filter((key) => !allowed.has(key))).toEqual([]);
    expect(env.MY_SETTING).toBe("mine");
    expect(env.AWS_ACCESS_KEY_ID).toMatch(/^[A-Z0-9]{16,}$/);
  }, 60_000);

  it("leaves the cloud answering with the memory it had before the hostile functions ran", async () => {
    expect(await healthy()).toBe(200);
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: "self-kill" }));
    expect(fn.Configuration?.State).toBe("Active");
    // The 1.5 GB and 1.5 GB-of-buffers functions lived in other processes: the cloud grew by far less than either.
    expect(residentMb(cloud.pid!) - rssBefore).toBeLessThan(100);
  });
});
