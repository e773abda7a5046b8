import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { freePort } from "../test/support/free-port.js";

describe("npm run cloud (bin/cloud.mjs -> emulator/main.ts)", () => {
  it("prints the ready line once it answers and exits 0 on SIGTERM", { timeout: 90_000 }, async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ["bin/cloud.mjs", "--port", String(port)], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
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
    const health = await fetch(`http://127.0.0.1:${port}/_movies/health`);
    expect(health.status).toBe(200);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/_movies/health`)).rejects.toThrow();
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
