import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { bundleFunctions } from "../scripts/bundle-functions.js";
import { localClientConfig } from "./support/cloud-client-config.js";
import { freePort } from "./support/free-port.js";
import { BIN, cliEnv, REPO_ROOT, tempHome } from "./support/movies-cli.js";

// A deploy into a running cloud after one handler was edited: only that
// function is bundled, with the same esbuild settings as a full build (its
// CodeSha256 is what a fresh build of the same sources gives), its new code
// answers, the others keep theirs, and a change to what shapes every bundle
// (the lock file, the bundler's options) bundles all of them again. The
// project is a copy, so the repository's own handlers are never edited.

const project = mkdtempSync(join(tmpdir(), "movies-one-function-"));
for (const path of ["handlers", "stacks", "scripts", "package.json", "package-lock.json", "tsconfig.json"]) {
  cpSync(join(REPO_ROOT, path), join(project, path), { recursive: true, filter: (src) => !src.endsWith(".test.ts") });
}
// `movies up` starts the cloud from <project>/bin, which finds its bundle beside its real path in the repository
for (const path of ["node_modules", "bin"]) symlinkSync(join(REPO_ROOT, path), join(project, path), "dir");
const home = tempHome("movies-one-function-home-");
const env = cliEnv(home, { CI: "true" });
const scratch = mkdtempSync(join(tmpdir(), "movies-one-function-fresh-"));
const handler = join(project, "handlers", "get-movie", "handler.ts");
/** the API's URL, from the first test's deploy */
let apiUrl = "";

const movies = async (args: string[]) => {
  const r = await execa(process.execPath, [BIN, ...args], { cwd: project, env, extendEnv: true, reject: false, timeout: 180_000, stdin: "ignore" });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
};

afterAll(async () => {
  await movies(["down"]);
  for (const d of [project, home, scratch]) rmSync(d, { recursive: true, force: true });
});

async function deploy(): Promise<{ stderr: string; outputs: Record<string, string> }> {
  const r = await movies(["deploy", "--json"]);
  if (r.exitCode !== 0) throw new Error(`movies deploy exited ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return { stderr: r.stderr, outputs: (JSON.parse(r.stdout) as { outputs: Record<string, string> }).outputs };
}

/** The functions whose zip this deploy bundled (it prints a size line for each, none for a cached one). */
const bundled = (stderr: string) => [...stderr.matchAll(/^ {2}([a-z-]+)\.zip [\d.]+ KiB/gm)].map((m) => m[1]).sort();

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("base64");

describe("movies deploy --target local with one function changed", { timeout: 600_000 }, () => {
  it("bundles and uploads that function alone, with the bytes of a full build, and rebuilds all when the lock file or the bundler changes", async () => {
    const port = await freePort();
    expect((await movies(["up", "--port", String(port)])).exitCode).toBe(0);
    const first = await deploy();
    expect(first.stderr).toContain("apply to the embedded cloud");
    const names = JSON.parse(first.outputs.function_names!) as Record<string, string>;
    const lambda = new LambdaClient(localClientConfig(`http://127.0.0.1:${port}`));
    const codeOf = async () =>
      Object.fromEntries(await Promise.all(Object.entries(names).map(async ([name, fn]) => [name, (await lambda.send(new GetFunctionCommand({ FunctionName: fn }))).Configuration?.CodeSha256] as const)));
    try {
      const before = await codeOf();

      writeFileSync(handler, readFileSync(handler, "utf8").replace("return movie ? json(200, movie) : notFound();", 'return movie ? json(200, movie) : json(404, { message: "No such movie here" });'));
      const edited = await deploy();
      expect(bundled(edited.stderr)).toEqual(["get-movie"]);
      expect(edited.stderr).not.toContain("apply to the embedded cloud");
      expect(edited.stderr).toContain(`stack unchanged; code updated: ${names["get-movie"]}`);
      apiUrl = edited.outputs.api_url!;
      const res = await fetch(`${apiUrl}/movies/no-such-id`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { message: string }).message).toBe("No such movie here");

      const after = await codeOf();
      const [fresh] = await bundleFunctions({ rootDir: project, outDir: scratch, only: ["get-movie"] });
      expect(after["get-movie"]).toBe(sha256(readFileSync(fresh!.zipPath)));
      expect(after["get-movie"]).not.toBe(before["get-movie"]);
      for (const name of Object.keys(names).filter((n) => n !== "get-movie")) expect(after[name]).toBe(before[name]);

      // the bundler's options shape every zip: all are bundled again (to the same bytes), nothing is uploaded
      appendFileSync(join(project, "scripts", "bundle-functions.ts"), "\n// an edit of the bundler\n");
      const optionsChanged = await deploy();
      expect(bundled(optionsChanged.stderr)).toEqual(Object.keys(names).sort());
      expect(optionsChanged.stderr).toContain("stack and code unchanged");

      // so does the lock file (dependency versions); it is also an input of the stack, which is applied again
      appendFileSync(join(project, "package-lock.json"), "\n");
      const lockChanged = await deploy();
      expect(bundled(lockChanged.stderr)).toEqual(Object.keys(names).sort());
      expect(lockChanged.stderr).toContain("apply to the embedded cloud");
      expect(await codeOf()).toEqual(after);

      // nothing changed since: nothing is bundled
      expect(bundled((await deploy()).stderr)).toEqual([]);
    } finally {
      lambda.destroy();
    }
  });

  it("stops with esbuild's error naming the file and line when the edit does not compile, and the cloud keeps the code it had", async () => {
    const good = readFileSync(handler, "utf8");
    writeFileSync(handler, good.replace("export const handler", "export const handler = ;\nconst unused"));
    const r = await movies(["deploy"]);
    writeFileSync(handler, good);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/handlers\/get-movie\/handler\.ts:\d+:\d+/);
    expect(r.stderr).toContain("✗ stopped during: build functions");
    expect(apiUrl).not.toBe("");
    const res = await fetch(`${apiUrl}/movies/no-such-id`);
    expect(((await res.json()) as { message: string }).message).toBe("No such movie here");
  });
});
