/**
 * The developer loop's waits, from outside as a user feels them, with the
 * floor beside each in the same run:
 *
 * - `npm start` from a warm clone to "ready" (the line `movies dev` prints once
 *   the stack is deployed and seeded), beside `node bin/movies.mjs dev`, the
 *   same without npm's script runner;
 * - `movies deploy --target local` into a running cloud with nothing changed,
 *   and with one function's code changed, beside `node bin/movies.mjs --help`
 *   (the CLI's own start).
 *
 *   npx tsx bench/deploy.ts [--runs 5]          (~1-2 min)
 *
 * Clouds run on free ports with their own MOVIES_HOME and are stopped at the
 * end; handlers/get-movie/handler.ts is changed for the one-function rows and
 * always restored.
 */
import { execa } from "execa";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePort } from "../test/support/free-port.js";
import { stopChild } from "../test/support/stop-child.js";
import { publishBench } from "./support/report.js";
import { median } from "./support/server-process.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "movies.mjs");
const HANDLER = join(ROOT, "handlers", "get-movie", "handler.ts");
const ORIGINAL_HANDLER = readFileSync(HANDLER, "utf8");
const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const RUNS = Number(values.runs);
const loadAtStart = loadavg().map((l) => l.toFixed(2)).join(" ");

process.on("exit", () => {
  if (readFileSync(HANDLER, "utf8") !== ORIGINAL_HANDLER) writeFileSync(HANDLER, ORIGINAL_HANDLER);
});

const homes: string[] = [];
function newHome(): Record<string, string | undefined> {
  const home = mkdtempSync(join(tmpdir(), "movies-bench-deploy-"));
  homes.push(home);
  return { ...process.env, MOVIES_HOME: home, MOVIES_TARGET: undefined, MOVIES_ENDPOINT: undefined, CI: "true", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
}

/** Step durations the CLI printed ("✓ build functions 812 ms"), by step, from the last timed run. */
let lastSteps: Record<string, number> = {};

async function timed(file: string, args: string[], env: Record<string, string | undefined>): Promise<number> {
  const t0 = performance.now();
  const r = await execa(file, args, { cwd: ROOT, env, extendEnv: false, reject: false, stdin: "ignore" });
  const ms = performance.now() - t0;
  if (r.exitCode !== 0) throw new Error(`${file} ${args.join(" ")} exited ${r.exitCode}:\n${r.stdout}\n${r.stderr}`);
  lastSteps = Object.fromEntries([...String(r.stderr).matchAll(/✓ (.+?) (\d+) ms$/gm)].map((m) => [m[1]!, Number(m[2])]));
  return ms;
}

/** ms from spawning `file args` to the line `movies dev` prints when deployed and seeded; stops it after. */
async function untilReady(file: string, args: string[], env: Record<string, string | undefined>): Promise<number> {
  const t0 = performance.now();
  const child = spawn(file, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  try {
    return await new Promise<number>((resolve, reject) => {
      child.stdout!.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.includes("movies dev: cloud")) resolve(performance.now() - t0);
      });
      child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
      child.once("exit", (code) => reject(new Error(`${file} ${args.join(" ")} exited ${code} before ready:\n${out}`)));
    });
  } finally {
    // npm runs the CLI as its child: signal the whole group this bench started,
    // and wait until the port is free (npm may exit before the CLI under it)
    if (child.exitCode === null) process.kill(-child.pid!, "SIGINT");
    await stopChild(child);
    await portFree(Number(args[args.indexOf("--port") + 1]));
  }
}

async function portFree(port: number): Promise<void> {
  const { connect } = await import("node:net");
  for (let i = 0; i < 200; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (!open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} is still in use 10 s after stopping movies dev`);
}

const fmt = (ms: number) => `${Math.round(ms)} ms`;
const stats = (xs: number[]) => `${fmt(median(xs))} (${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))}, n=${xs.length})`;
const rows: string[] = [];
const row = (what: string, xs: number[], goal: string, peer: string) => rows.push(`| ${what} | ${stats(xs)} | ${goal} | ${peer} |`);

async function main(): Promise<void> {
  // npm start, warm: one unmeasured start first (builds dist/cli and the zips if stale, fills the synth cache)
  const devEnv = newHome();
  const devPort = await freePort();
  const devArgs = ["dev", "--port", String(devPort)];
  await untilReady(process.execPath, [BIN, ...devArgs], devEnv);
  const npmStarts: number[] = [];
  const directStarts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    npmStarts.push(await untilReady("npm", ["start", "--silent", "--", "--port", String(devPort)], devEnv));
    directStarts.push(await untilReady(process.execPath, [BIN, ...devArgs], devEnv));
  }
  row("`npm start` to ready (warm clone)", npmStarts, "<= 2 s", `\`node bin/movies.mjs dev\`: ${stats(directStarts)}`);

  // deploys into a running cloud
  const env = newHome();
  const port = await freePort();
  await timed(process.execPath, [BIN, "up", "--port", String(port)], env);
  try {
    await timed(process.execPath, [BIN, "deploy"], env);
    const help: number[] = [];
    const noop: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      help.push(await timed(process.execPath, [BIN, "--help"], env));
      noop.push(await timed(process.execPath, [BIN, "deploy"], env));
    }
    row("`movies deploy --target local`, nothing changed", noop, "<= 0.5 s", `\`node bin/movies.mjs --help\`: ${stats(help)}`);

    const oneChanged: number[] = [];
    const buildSteps: number[] = [];
    const uploadSteps: number[] = [];
    const bundleAlone: number[] = [];
    const { bundleFunctions } = await import("../scripts/bundle-functions.js");
    const scratch = mkdtempSync(join(tmpdir(), "movies-bench-zip-"));
    homes.push(scratch);
    for (let i = 0; i < RUNS; i++) {
      // a change the minifier keeps, so the zip differs and its code is uploaded
      writeFileSync(HANDLER, ORIGINAL_HANDLER.replace("return movie ? json(200, movie) : notFound();", `return movie ? json(200, movie) : json(404, { message: "Movie not found", round: ${i} });`));
      if (readFileSync(HANDLER, "utf8") === ORIGINAL_HANDLER) throw new Error("the bench's edit of get-movie no longer applies; update bench/deploy.ts");
      oneChanged.push(await timed(process.execPath, [BIN, "deploy"], env));
      buildSteps.push(lastSteps["build functions"] ?? NaN);
      uploadSteps.push(lastSteps["compare with the cloud"] ?? NaN);
      // the floor: esbuild bundling that one function (with the AWS SDK it carries) in a warm process
      const t0 = performance.now();
      await bundleFunctions({ rootDir: ROOT, outDir: scratch, only: ["get-movie"] });
      bundleAlone.push(performance.now() - t0);
    }
    writeFileSync(HANDLER, ORIGINAL_HANDLER);
    const restored = await timed(process.execPath, [BIN, "deploy"], env);
    row(
      "`movies deploy --target local`, one function's code changed",
      oneChanged,
      "<= 1 s",
      `its "build functions" step: ${stats(buildSteps)}; its "compare with the cloud" step (with the upload): ${stats(uploadSteps)}; bundling that function alone in a warm process: ${stats(bundleAlone)}; putting the original back: ${fmt(restored)}`,
    );
  } finally {
    await execa(process.execPath, [BIN, "down"], { cwd: ROOT, env, extendEnv: false, reject: false });
  }

  publishBench("deploy-loop", import.meta.url, [
    `Median (min-max) of ${RUNS} runs, from spawn to exit (deploys) or to the ready line (\`movies dev\`); load average at the start ${loadAtStart}.`,
    "",
    "| what | median (min-max) | goal | floor in the same run |",
    "|---|---|---|---|",
    ...rows,
  ]);
}

try {
  await main();
} finally {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
}
