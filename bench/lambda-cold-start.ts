/**
 * Cold start and warm invoke latency of the embedded Lambda runtime (one
 * child process per execution environment, a spare process started ahead of
 * need), beside the same runtime without spares and a bare `fork` per
 * environment that skips everything the runtime adds (uid, staged code,
 * memory watch, log capture).
 * Run: npx tsx bench/lambda-cold-start.ts  (prints a markdown table)
 */
import { fork } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { FunctionRegistry } from "../emulator/lambda/functions.js";
import { handlerZip, TEST_ROLE } from "../emulator/lambda/test-support/handler-zip.js";
import { bundleFunctions } from "../scripts/bundle-functions.js";
import { publishBench } from "./support/report.js";
import { runInFlight } from "./support/in-flight.js";

const COLD_RUNS = 10;
const WARM_SEQUENTIAL = 500;
const WARM_CONCURRENT = 2000;
const IN_FLIGHT = 16;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const fmt = (ms: number) => ms.toFixed(1);

/** Cold starts are sparse in real use; every row gets the same quiet gap before each one. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 250));

const TRIVIAL = `export const handler = async (event) => ({ ok: true, n: event.n ?? 0 });`;

/** A handler shaped like the movies handlers: DynamoDB document client bundled in by esbuild. */
async function bundledDynamoHandler(): Promise<string> {
  const out = await build({
    stdin: {
      contents: `
        import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
        import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
        const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
        export const handler = async (event) => ({ ok: typeof client.send === "function", command: typeof GetCommand, n: event.n ?? 0 });
      `,
      resolveDir: process.cwd(),
      loader: "js",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    logLevel: "silent",
    // esbuild's ESM output needs require() for the SDK's CommonJS dependencies.
    banner: { js: `import { createRequire } from "node:module"; const require = createRequire(import.meta.url);` },
  });
  return out.outputFiles[0].text;
}

const SDK_FROM_RUNTIME = `
  import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
  const client = new DynamoDBClient({});
  export const handler = async (event) => ({ ok: typeof client.send === "function", n: event.n ?? 0 });
`;

interface ColdResult {
  label: string;
  firstInvokeMs: number[];
  initDurationMs: number[];
}

/** One way to cold-start a function; `run(i)` measures the i-th cold start (0 is a discarded warm-up). */
interface ColdVariant {
  result: ColdResult;
  run(i: number): Promise<void>;
  close?(): void;
}

function registryVariant(registry: FunctionRegistry, label: string, name: string, source: string): ColdVariant {
  const result: ColdResult = { label, firstInvokeMs: [], initDurationMs: [] };
  registry.create({ FunctionName: name, Role: TEST_ROLE, Handler: "index.handler", Runtime: "nodejs22.x", Code: { ZipFile: handlerZip({ "index.mjs": `${source}\n// 0` }) } });
  return {
    result,
    async run(i) {
      // New code means a new environment: every run is a cold start.
      if (i > 0) registry.updateCode(name, handlerZip({ "index.mjs": `${source}\n// ${i}` }));
      const t0 = performance.now();
      const res = await registry.invoke(name, "{}", { logType: "Tail" });
      const elapsed = performance.now() - t0;
      if (res.functionError) throw new Error(`${label}: ${res.payload}`);
      if (i === 0) return;
      const tail = Buffer.from(res.logResult ?? "", "base64").toString("utf8");
      const init = /Init Duration: ([\d.]+) ms/.exec(tail);
      if (!init) throw new Error(`${label}: no Init Duration in ${tail}`);
      result.firstInvokeMs.push(elapsed);
      result.initDurationMs.push(Number(init[1]));
    },
  };
}

/** The shipped get-movie zip; a configuration change forces each cold start (the code stays the same). */
async function realHandlerVariant(registry: FunctionRegistry): Promise<ColdVariant> {
  const outDir = mkdtempSync(path.join(tmpdir(), "bench-lambda-zip-"));
  const [built] = await bundleFunctions({ rootDir: process.cwd(), outDir, only: ["get-movie"] });
  const zip = readFileSync(built.zipPath);
  rmSync(outDir, { recursive: true, force: true });
  const label = `process environment, shipped get-movie zip (${(zip.length / 1024).toFixed(0)} KB)`;
  const result: ColdResult = { label, firstInvokeMs: [], initDurationMs: [] };
  registry.create({ FunctionName: "get-movie", Role: TEST_ROLE, Handler: "index.handler", Runtime: "nodejs22.x", Code: { ZipFile: zip }, Environment: { Variables: { TABLE_NAME: "Movies", RUN: "0" } } });
  // An API Gateway event without a movie id: the handler answers 400 without calling DynamoDB.
  const event = JSON.stringify({ httpMethod: "GET", path: "/movies/", resource: "/movies/{movieID}", pathParameters: null, headers: {}, queryStringParameters: null, body: null, isBase64Encoded: false });
  return {
    result,
    async run(i) {
      if (i > 0) registry.updateConfiguration("get-movie", { Environment: { Variables: { TABLE_NAME: "Movies", RUN: String(i) } } });
      const t0 = performance.now();
      const res = await registry.invoke("get-movie", event, { logType: "Tail" });
      const elapsed = performance.now() - t0;
      if (res.functionError) throw new Error(`${label}: ${res.payload}`);
      if (i === 0) return;
      const init = /Init Duration: ([\d.]+) ms/.exec(Buffer.from(res.logResult ?? "", "base64").toString("utf8"));
      if (!init) throw new Error(`${label}: no Init Duration`);
      result.firstInvokeMs.push(elapsed);
      result.initDurationMs.push(Number(init[1]));
    },
  };
}

/** The peer: a fresh `node` child process per environment, importing the same handler. */
function childProcessVariant(label: string, source: string): ColdVariant {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-lambda-"));
  const result: ColdResult = { label, firstInvokeMs: [], initDurationMs: [] };
  writeFileSync(path.join(dir, "index.mjs"), source);
  const runner = path.join(dir, "runner.mjs");
  writeFileSync(
    runner,
    `const { handler } = await import("./index.mjs");
     process.send({ ready: true });
     process.on("message", async (event) => { process.send(await handler(event)); process.exit(0); });`,
  );
  return {
    result,
    async run(i) {
      const t0 = performance.now();
      const child = fork(runner, [], { cwd: dir, execArgv: [], stdio: ["ignore", "ignore", "ignore", "ipc"] });
      let readyAt = 0;
      await new Promise<void>((resolve, reject) => {
        child.on("message", (msg: { ready?: boolean }) => {
          if (msg.ready) {
            readyAt = performance.now();
            child.send({ n: i });
          } else resolve();
        });
        child.on("error", reject);
      });
      if (i === 0) return;
      result.firstInvokeMs.push(performance.now() - t0);
      result.initDurationMs.push(readyAt - t0);
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function concurrentRound(registry: FunctionRegistry, total: number): Promise<number[]> {
  return runInFlight(total, IN_FLIGHT, async (i) => {
    const res = await registry.invoke("warm", `{"n":${i}}`);
    if (res.functionError) throw new Error(res.payload);
  });
}

async function main(): Promise<void> {
  const startLoad = loadavg().map((l) => l.toFixed(1)).join(" ");
  const registry = new FunctionRegistry({ endpointUrl: "http://127.0.0.1:4566" });
  const bundled = await bundledDynamoHandler();
  const noSpares = new FunctionRegistry({ endpointUrl: "http://127.0.0.1:4566", spareWorkers: false });
  const variants = [
    registryVariant(registry, "process environment with a spare, trivial handler", "trivial", TRIVIAL),
    registryVariant(registry, "process environment with a spare, esbuild bundle with DynamoDB client", "bundled", bundled),
    registryVariant(registry, "process environment with a spare, SDK imported from the runtime", "sdk-runtime", SDK_FROM_RUNTIME),
    await realHandlerVariant(registry),
    registryVariant(noSpares, "process environment without a spare, trivial handler", "trivial", TRIVIAL),
    registryVariant(noSpares, "process environment without a spare, same bundle", "bundled", bundled),
    childProcessVariant("peer: bare fork per environment, trivial handler", TRIVIAL),
    childProcessVariant("peer: bare fork per environment, same bundle", bundled),
  ];
  // Round robin, so bursts of load from other processes hit every variant alike.
  try {
    for (let i = 0; i <= COLD_RUNS; i++) {
      for (const variant of variants) {
        await pause();
        await variant.run(i);
      }
    }
  } finally {
    for (const variant of variants) variant.close?.();
    await noSpares.close();
  }
  const cold = variants.map((v) => v.result);

  registry.create({ FunctionName: "warm", Role: TEST_ROLE, Handler: "index.handler", Runtime: "nodejs22.x", Code: { ZipFile: handlerZip({ "index.mjs": bundled }) } });
  for (let i = 0; i < 50; i++) await registry.invoke("warm", `{"n":${i}}`);
  const sequential: number[] = [];
  for (let i = 0; i < WARM_SEQUENTIAL; i++) {
    const t0 = performance.now();
    await registry.invoke("warm", `{"n":${i}}`);
    sequential.push(performance.now() - t0);
  }
  // The first concurrent round scales out (cold starts); the measured one runs on warm environments.
  await concurrentRound(registry, 200);
  const t0 = performance.now();
  const concurrentLatencies = await concurrentRound(registry, WARM_CONCURRENT);
  const elapsedS = (performance.now() - t0) / 1000;
  const environments = registry.stats("warm").started;
  await registry.close();

  const lines: string[] = [];
  const load = loadavg().map((l) => l.toFixed(1)).join(" ");
  lines.push(`Lambda runtime, Node ${process.version}, ${cpus().length} cores, load average at start ${startLoad}, at end ${load}; ${COLD_RUNS} cold starts each (ms)`);
  lines.push("");
  lines.push("| environment | first invoke p50 | first invoke max | init p50 |");
  lines.push("|---|---|---|---|");
  for (const r of cold) {
    lines.push(`| ${r.label} | ${fmt(percentile(r.firstInvokeMs, 50))} | ${fmt(Math.max(...r.firstInvokeMs))} | ${fmt(percentile(r.initDurationMs, 50))} |`);
  }
  lines.push("");
  lines.push("| warm invoke (bundled DynamoDB handler) | p50 ms | p99 ms | invokes/s | environments |");
  lines.push("|---|---|---|---|---|");
  lines.push(`| sequential, ${WARM_SEQUENTIAL} invokes | ${fmt(percentile(sequential, 50))} | ${fmt(percentile(sequential, 99))} | ${(WARM_SEQUENTIAL / (sequential.reduce((a, b) => a + b, 0) / 1000)).toFixed(0)} | 1 |`);
  lines.push(
    `| ${IN_FLIGHT} in flight, ${WARM_CONCURRENT} invokes | ${fmt(percentile(concurrentLatencies, 50))} | ${fmt(percentile(concurrentLatencies, 99))} | ${(WARM_CONCURRENT / elapsedS).toFixed(0)} | ${environments} |`,
  );
  publishBench("lambda-cold-start", import.meta.url, lines);
}

await main();
