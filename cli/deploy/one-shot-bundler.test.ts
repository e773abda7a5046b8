import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { withOneShotBundler } from "./one-shot-bundler.js";

const saved = { GOGC: process.env.GOGC, GOMEMLIMIT: process.env.GOMEMLIMIT };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** What a child started now (as esbuild starts its service) finds in its environment. */
const childSees = () => execFileSync(process.execPath, ["-e", "process.stdout.write(`${process.env.GOGC}/${process.env.GOMEMLIMIT}`)"], { encoding: "utf8" });

describe("withOneShotBundler", () => {
  it("gives a process started during the build Go's collector off up to 512 MiB, and leaves the environment as it was after, also on failure", async () => {
    delete process.env.GOGC;
    delete process.env.GOMEMLIMIT;
    expect(await withOneShotBundler(async () => childSees())).toBe("off/512MiB");
    expect(childSees()).toBe("undefined/undefined");
    await expect(withOneShotBundler(async () => Promise.reject(new Error("build failed")))).rejects.toThrow("build failed");
    expect([process.env.GOGC, process.env.GOMEMLIMIT]).toEqual([undefined, undefined]);
  });

  it("keeps what the user chose", async () => {
    delete process.env.GOMEMLIMIT;
    process.env.GOGC = "200";
    expect(await withOneShotBundler(async () => childSees())).toBe("200/undefined");
    expect(process.env.GOGC).toBe("200");
  });
});
