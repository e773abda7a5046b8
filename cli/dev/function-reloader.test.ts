import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FunctionRegistry } from "../../emulator/lambda/functions.js";
import { handlerZip, TEST_ROLE } from "../../emulator/lambda/test-support/handler-zip.js";
import { REPO_ROOT } from "../../test/support/movies-cli.js";
import { until } from "../../test/support/until.js";
import { buildErrorLines } from "../build-errors.js";
import { FunctionReloader } from "./function-reloader.js";
import { watchDebounced, type ChangeBurst } from "./watch.js";

// A project of two functions in a temp folder, deployed to a Lambda registry
// in this process as `movies dev` runs it: "greeter" imports a shared module,
// "counter" does not and keeps a count in its module state, so a restart of
// its environment would show as the count starting over.

let root: string;
let registry: FunctionRegistry;
let reloader: FunctionReloader;

// greeter also imports a package (fflate): it goes to the zip's vendor modules, built once
const GREETER = (word: string) =>
  `import { strToU8 } from "fflate";\nimport { punctuation } from "../shared/style.js";\nexport const handler = async () => "${word}" + punctuation + (strToU8("").length ? "?" : "");\n`;
const file = (...parts: string[]) => join(root, "handlers", ...parts);

async function invoke(name: string): Promise<unknown> {
  const r = await registry.invoke(name, "{}");
  return JSON.parse(r.payload);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "movies-reload-"));
  for (const dir of ["greeter", "counter", "versioner", "shared"]) mkdirSync(file(dir), { recursive: true });
  symlinkSync(join(REPO_ROOT, "node_modules"), join(root, "node_modules"), "dir");
  writeFileSync(file("shared", "style.ts"), `export const punctuation: string = "!";\n`);
  writeFileSync(file("greeter", "handler.ts"), GREETER("hello"));
  writeFileSync(file("counter", "handler.ts"), `let count = 0;\nexport const handler = async () => ++count;\n`);
  // a CommonJS package (semver): its names are known only at run time, so this function is built whole
  writeFileSync(file("versioner", "handler.ts"), `import semver from "semver";\nexport const handler = async () => semver.valid("v1.2.3");\n`);
  registry = new FunctionRegistry({ endpointUrl: () => "http://127.0.0.1:9" });
  // what the deploy shipped: the same behaviour, built by hand
  registry.create({ FunctionName: "dev-greeter", Role: TEST_ROLE, Handler: "index.handler", Runtime: "nodejs22.x", Code: { ZipFile: handlerZip({ "index.mjs": `export const handler = async () => "hello!";` }) } });
  registry.create({ FunctionName: "dev-versioner", Role: TEST_ROLE, Handler: "index.handler", Runtime: "nodejs22.x", Code: { ZipFile: handlerZip({ "index.mjs": `export const handler = async () => "none";` }) } });
  registry.create({ FunctionName: "dev-counter", Role: TEST_ROLE, Handler: "index.handler", Runtime: "nodejs22.x", Code: { ZipFile: handlerZip({ "index.mjs": `let count = 0; export const handler = async () => ++count;` }) } });
  reloader = new FunctionReloader(
    root,
    [
      { name: "greeter", functionName: "dev-greeter" },
      { name: "counter", functionName: "dev-counter" },
      { name: "versioner", functionName: "dev-versioner" },
    ],
    registry,
  );
  await reloader.start();
});

afterAll(async () => {
  await reloader?.close();
  await registry?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("hot reload in movies dev", { timeout: 60_000 }, () => {
  it("serves a saved handler's new code from the next request; another function's environment keeps running", async () => {
    expect(await invoke("dev-greeter")).toBe("hello!");
    expect(await invoke("dev-counter")).toBe(1);

    writeFileSync(file("greeter", "handler.ts"), GREETER("howdy"));
    const outcome = await reloader.changed([file("greeter", "handler.ts")]);

    expect(outcome.failures).toEqual([]);
    expect(outcome.reloaded.map((r) => r.name)).toEqual(["greeter"]);
    const [reloaded] = outcome.reloaded;
    expect(reloaded!.codeSha256).toBe(registry.get("dev-greeter").CodeSha256);
    expect(reloaded!.lastUpdateStatus).toBe("Successful");
    expect(await invoke("dev-greeter")).toBe("howdy!");
    // the first answer of the new code is what the dashboard's save-to-served time waits for
    expect(await reloaded!.served).toBeGreaterThanOrEqual(outcome.savedAt);
    // counter's environment was not restarted: its module state carries on
    expect(await invoke("dev-counter")).toBe(2);
    expect(registry.stats("dev-counter").started).toBe(1);
  });

  it("reaches every function importing a saved shared file, and only those", async () => {
    writeFileSync(file("shared", "style.ts"), `export const punctuation: string = "?";\n`);
    const outcome = await reloader.changed([file("shared", "style.ts")]);
    expect(outcome.reloaded.map((r) => r.name)).toEqual(["greeter"]);
    expect(await invoke("dev-greeter")).toBe("howdy?");
    expect(await invoke("dev-counter")).toBe(3);
  });

  it("leaves a function alone when the save does not change its bundle", async () => {
    const before = registry.get("dev-greeter").CodeSha256;
    writeFileSync(file("greeter", "handler.ts"), `// a comment only\n${GREETER("howdy")}`);
    const outcome = await reloader.changed([file("greeter", "handler.ts")]);
    expect(outcome.unchanged).toEqual(["greeter"]);
    expect(outcome.reloaded).toEqual([]);
    expect(registry.get("dev-greeter").CodeSha256).toBe(before);
  });

  it("keeps the last good code serving when a save does not build, and reports where", async () => {
    writeFileSync(file("greeter", "handler.ts"), `${GREETER("broken")}export const oops = (;\n`);
    const outcome = await reloader.changed([file("greeter", "handler.ts")]);
    expect(outcome.reloaded).toEqual([]);
    expect(outcome.failures.map((f) => f.name)).toEqual(["greeter"]);
    expect(buildErrorLines(outcome.failures[0]!.error).join("\n")).toMatch(/handlers\/greeter\/handler\.ts:4:\d+: /);
    expect(await invoke("dev-greeter")).toBe("howdy?");

    // fixed: the next save serves it
    writeFileSync(file("greeter", "handler.ts"), GREETER("fixed"));
    const fixed = await reloader.changed([file("greeter", "handler.ts")]);
    expect(fixed.reloaded.map((r) => r.name)).toEqual(["greeter"]);
    expect(await invoke("dev-greeter")).toBe("fixed?");
    expect(registry.stats("dev-counter").started).toBe(1);
  });
});

describe("a function importing a CommonJS package", { timeout: 60_000 }, () => {
  it("is reloaded too (the package's names are known only at run time: the function is built whole)", async () => {
    writeFileSync(file("versioner", "handler.ts"), `import semver from "semver";\nexport const handler = async () => semver.valid("v2.0.0");\n`);
    const outcome = await reloader.changed([file("versioner", "handler.ts")]);
    expect(outcome.failures).toEqual([]);
    expect(outcome.reloaded.map((r) => r.name)).toEqual(["versioner"]);
    expect(await invoke("dev-versioner")).toBe("2.0.0");
  });
});

describe("watching for saves", { timeout: 30_000 }, () => {
  it("sees a save by rename (write a temp file, move it over the original) and names the saved file", async () => {
    const bursts: ChangeBurst[] = [];
    const stop = watchDebounced(join(root, "handlers"), async (b) => {
      bursts.push(b);
    });
    try {
      const target = file("counter", "handler.ts");
      writeFileSync(`${target}.tmp`, `let count = 100;\nexport const handler = async () => ++count;\n`);
      renameSync(`${target}.tmp`, target);
      const seen = await until("the rename-save seen", async () => (bursts.some((b) => b.paths.includes(target)) ? true : undefined), 10_000, 20);
      expect(seen).toBe(true);
      expect(bursts.every((b) => b.firstEventAt > 0)).toBe(true);
    } finally {
      stop();
    }
  });
});
