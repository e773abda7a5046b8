import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { BuiltFunction } from "./function-builds.js";
import { markSynthesized, readDeployCache, stackKey, synthesizedWith, synthKey, writeDeployCache } from "./local-cache.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A repository with the files a stack is made from. */
function repo(): string {
  const root = mkdtempSync(join(tmpdir(), "movies-local-cache-"));
  dirs.push(root);
  mkdirSync(join(root, "stacks", "constructs"), { recursive: true });
  mkdirSync(join(root, "handlers"), { recursive: true });
  writeFileSync(join(root, "stacks", "movies-stack.ts"), "export const a = 1;\n");
  writeFileSync(join(root, "stacks", "constructs", "api.ts"), "export const b = 2;\n");
  writeFileSync(join(root, "stacks", "movies-stack.test.ts"), "// a test\n");
  writeFileSync(join(root, "handlers", "functions.ts"), "export const FUNCTION_NAMES = [];\n");
  writeFileSync(join(root, "package-lock.json"), "{}\n");
  return root;
}

const settings = { target: "local", region: "us-east-1", endpointUrl: "http://127.0.0.1:45660" };
const zip = (name: string, sha256: string) => ({ name, sha256 }) as BuiltFunction;

describe("the stack key", () => {
  it("changes with a stack source, the lock file or a setting, and not with a test file", async () => {
    const root = repo();
    const base = await stackKey(root, settings);
    expect(await stackKey(root, settings)).toBe(base);

    writeFileSync(join(root, "stacks", "movies-stack.test.ts"), "// another test\n");
    expect(await stackKey(root, settings)).toBe(base);

    writeFileSync(join(root, "stacks", "constructs", "api.ts"), "export const b = 3;\n");
    const edited = await stackKey(root, settings);
    expect(edited).not.toBe(base);

    writeFileSync(join(root, "package-lock.json"), '{"v":2}\n');
    const locked = await stackKey(root, settings);
    expect(locked).not.toBe(edited);

    expect(await stackKey(root, { ...settings, endpointUrl: "http://127.0.0.1:4567" })).not.toBe(locked);
  });

  it("a synthesized folder's key also covers every zip", () => {
    const a = synthKey("k", [zip("get-movie", "aa"), zip("list-movies", "bb")]);
    expect(synthKey("k", [zip("list-movies", "bb"), zip("get-movie", "aa")])).toBe(a);
    expect(synthKey("k", [zip("get-movie", "ab"), zip("list-movies", "bb")])).not.toBe(a);
    expect(synthKey("k2", [zip("get-movie", "aa"), zip("list-movies", "bb")])).not.toBe(a);
  });
});

describe("the records", () => {
  it("keeps one entry per cloud URL and forgets one on request", async () => {
    const home = mkdtempSync(join(tmpdir(), "movies-local-cache-home-"));
    dirs.push(home);
    expect(await readDeployCache(home, "http://127.0.0.1:45660")).toBeUndefined();
    await writeDeployCache(home, "http://127.0.0.1:45660", { stackKey: "k", fingerprint: "f" });
    await writeDeployCache(home, "http://127.0.0.1:4567", { stackKey: "k2", fingerprint: "f2" });
    expect(await readDeployCache(home, "http://127.0.0.1:45660")).toEqual({ stackKey: "k", fingerprint: "f" });
    await writeDeployCache(home, "http://127.0.0.1:45660", undefined);
    expect(await readDeployCache(home, "http://127.0.0.1:45660")).toBeUndefined();
    expect(await readDeployCache(home, "http://127.0.0.1:4567")).toEqual({ stackKey: "k2", fingerprint: "f2" });
  });

  it("a synthesized folder has no key while a synth runs, and the key once it completed", async () => {
    const out = mkdtempSync(join(tmpdir(), "movies-local-cache-out-"));
    dirs.push(out);
    await markSynthesized(out, "abc");
    expect(await synthesizedWith(out)).toBe("abc");
    await markSynthesized(out, undefined);
    expect(await synthesizedWith(out)).toBeUndefined();
  });
});
