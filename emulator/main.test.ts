import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import module from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort } from "../test/support/free-port.js";

/** Starts `node bin/cloud.mjs` on a free port, waits for its ready line, stops it with SIGTERM; returns its exit code and port. */
async function startAndStop(env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["bin/cloud.mjs", "--port", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env },
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve();
    });
    void exited.then((code) => reject(new Error(`exited ${code} before ready: ${err}`)));
  });
  expect(out.split("\n")[0]).toBe(`movies cloud ready at http://127.0.0.1:${port}`);
  expect((await fetch(`http://127.0.0.1:${port}/_movies/health`)).status).toBe(200);
  child.kill("SIGTERM");
  return { code: await exited, port };
}

/** This Node's code caches of the cloud's bundle (dist/cloud/*.v8cache), with their times. */
function codeCaches(): Map<string, number> {
  const dir = fileURLToPath(new URL("../dist/cloud/", import.meta.url));
  const mine = readdirSync(dir).filter((f) => f.endsWith(".v8cache") && f.startsWith(`main.cjs.${process.version}-`));
  return new Map(mine.map((f) => [f, statSync(join(dir, f)).mtimeMs]));
}

describe("npm run cloud (bin/cloud.mjs -> emulator/main.ts)", () => {
  it("prints the ready line once it answers and exits 0 on SIGTERM", { timeout: 90_000 }, async () => {
    const { code, port } = await startAndStop();
    expect(code).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/_movies/health`)).rejects.toThrow();
  });

  it("starts without its code cache too (MOVIES_CODE_CACHE=0: Node's own loader)", { timeout: 90_000 }, async () => {
    expect((await startAndStop({ MOVIES_CODE_CACHE: "0" })).code).toBe(0);
  });

  // Node >= 22.1 keeps its own compile cache (module.enableCompileCache) and bin/cloud.mjs uses that there; Node 20 gets V8's code cache
  it("a second start compiles from a cache the first made: V8's code cache on Node 20, Node's own compile cache on 22 and later", { timeout: 90_000 }, async () => {
    if ("enableCompileCache" in module) {
      const dir = mkdtempSync(join(tmpdir(), "movies-compile-cache-"));
      try {
        expect((await startAndStop({ NODE_COMPILE_CACHE: dir })).code).toBe(0);
        expect(readdirSync(dir, { recursive: true }).length).toBeGreaterThan(0);
        expect((await startAndStop({ NODE_COMPILE_CACHE: dir })).code).toBe(0);
        expect(codeCaches().size).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return;
    }
    expect((await startAndStop()).code).toBe(0);
    const made = codeCaches();
    expect(made.size).toBe(1);
    expect((await startAndStop()).code).toBe(0);
    // the same file at the same time: V8 accepted it (a rejected cache is written again, under a new time)
    expect(codeCaches()).toEqual(made);
  });

  it("explains a bad --port value", { timeout: 90_000 }, async () => {
    const child = spawn(process.execPath, ["bin/cloud.mjs", "--port", "nope"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.once("exit", r));
    expect(code).not.toBe(0);
    expect(err).toContain("'nope' is not a port number");
  });

  it("explains a bad --iam mode", { timeout: 90_000 }, async () => {
    const child = spawn(process.execPath, ["bin/cloud.mjs", "--port", "0", "--iam", "lax"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.once("exit", r));
    expect(code).not.toBe(0);
    expect(err).toContain('--iam takes "strict"');
  });
});
