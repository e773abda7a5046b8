/**
 * Wall times of the `movies` binary as a user runs it (`node bin/movies.mjs`,
 * `npx movies`), each beside a peer measured in the same run, printed as
 * markdown tables and written to docs/benchmarks.md (sections cli-start, cli).
 *
 *   npx tsx bench/cli.ts [--runs 5] [--only start]
 *
 * `--only start` measures the start-up rows alone (`--help`, `npx movies`).
 *
 * Every cloud here is started by the bench on a free port with its own
 * MOVIES_HOME and stopped at the end; handlers/get-movie/handler.ts is changed
 * for the hotswap rows and always restored.
 */
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { execa } from "execa";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writeMovies } from "../cli/seed/batch-writer.js";
import { generateMovies } from "../cli/seed/movie-rows.js";
import { freePort } from "../test/support/free-port.js";
import { publishBench } from "./support/report.js";
import { median, spawnDynalite, spawnMoto, type ServerProcess } from "./support/server-process.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "movies.mjs");
const HANDLER = join(ROOT, "handlers", "get-movie", "handler.ts");
const ORIGINAL_HANDLER = readFileSync(HANDLER, "utf8");
const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, only: { type: "string" } } });
if (values.only !== undefined && values.only !== "start") throw new Error(`--only takes "start", not "${values.only}"`);
const RUNS = Number(values.runs);

process.on("exit", () => {
  if (readFileSync(HANDLER, "utf8") !== ORIGINAL_HANDLER) writeFileSync(HANDLER, ORIGINAL_HANDLER);
});

const homes: string[] = [];
function newHome(): Record<string, string | undefined> {
  const home = mkdtempSync(join(tmpdir(), "movies-bench-"));
  homes.push(home);
  return { MOVIES_HOME: home, MOVIES_TARGET: undefined, MOVIES_ENDPOINT: undefined, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
}

/** Runs the binary and returns its wall time in ms; fails the bench on a non-zero exit. */
async function timed(args: string[], env: Record<string, string | undefined>): Promise<number> {
  const t0 = performance.now();
  const r = await execa(process.execPath, [BIN, ...args], { cwd: ROOT, env, reject: false, stdin: "ignore" });
  const ms = performance.now() - t0;
  if (r.exitCode !== 0) throw new Error(`movies ${args.join(" ")} exited ${r.exitCode}:\n${r.stderr}`);
  return ms;
}

/** Wall time in ms of any command run from the project root, as a user types it; fails the bench on a non-zero exit. */
async function timedCommand(file: string, args: string[]): Promise<number> {
  const t0 = performance.now();
  const r = await execa(file, args, { cwd: ROOT, reject: false, stdin: "ignore" });
  const ms = performance.now() - t0;
  if (r.exitCode !== 0) throw new Error(`${file} ${args.join(" ")} exited ${r.exitCode}:\n${r.stderr}`);
  return ms;
}

/** Runs each measure once per round, round after round, so load from other work hits all of them alike. */
async function interleaved(n: number, fns: (() => Promise<number>)[]): Promise<number[][]> {
  const out: number[][] = fns.map(() => []);
  for (let i = 0; i < n; i++) for (const [k, fn] of fns.entries()) out[k]!.push(await fn());
  return out;
}

async function repeat(n: number, fn: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}

const fmt = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const stats = (xs: number[]) => `${fmt(median(xs))} (${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))}, n=${xs.length})`;

interface Row {
  what: string;
  ours: string;
  target: string;
  peer: string;
}
const rows: Row[] = [];
const table = (rs: Row[]) => [
  `| what | median (min-max) | goal | peer in the same run |`,
  `|---|---|---|---|`,
  ...rs.map((r) => `| ${r.what} | ${r.ours} | ${r.target} | ${r.peer} |`),
];

async function upCloud(env: Record<string, string | undefined>): Promise<string> {
  const port = await freePort();
  await timed(["up", "--port", String(port)], env);
  return `http://127.0.0.1:${port}`;
}

async function seedPeer(server: ServerProcess, n: number): Promise<number> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: "us-east-1", endpoint: server.url, credentials: { accessKeyId: "test", secretAccessKey: "test" } }),
  );
  const table = `bench-${Date.now()}`;
  await client.send(
    new CreateTableCommand({ TableName: table, BillingMode: "PAY_PER_REQUEST", AttributeDefinitions: [{ AttributeName: "ID", AttributeType: "S" }], KeySchema: [{ AttributeName: "ID", KeyType: "HASH" }] }),
  );
  const t0 = performance.now();
  await writeMovies({ client, table, movies: generateMovies(n) });
  const ms = performance.now() - t0;
  client.destroy();
  return ms;
}

/** ms from sending POST /movies to tail-events printing the event, and to its email reaching the mailbox. */
async function eventLatency(env: Record<string, string | undefined>, outputs: Record<string, string>, title: string): Promise<[number, number]> {
  const tail = execa(process.execPath, [BIN, "tail-events", "--json", "--count", "1", "--timeout", "60"], { cwd: ROOT, env, reject: false, stdin: "ignore" });
  await new Promise<void>((resolve, reject) => {
    tail.stderr!.on("data", (c: Buffer) => String(c).includes("following events on") && resolve());
    void tail.then((r) => reject(new Error(`tail-events exited ${r.exitCode}: ${r.stderr}`)));
  });
  let shownAt = 0;
  tail.stdout!.on("data", () => (shownAt ||= performance.now()));
  // from the moment the POST is sent: the handler publishes before it answers, so the event can beat the answer
  const sentAt = performance.now();
  const res = await fetch(`${outputs.api_url}/movies`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": outputs.api_key ?? "" },
    body: JSON.stringify({ title, rating: 5, genres: ["Drama"] }),
  });
  if (res.status !== 201) throw new Error(`POST /movies answered ${res.status}: ${await res.text()}`);
  let mailedAt = 0;
  while (!mailedAt && performance.now() - sentAt < 30_000) {
    const box = (await (await fetch(`${cloudUrlOf(outputs)}/_aws/ses`)).json()) as { messages: { Subject?: string }[] };
    if (box.messages.some((m) => m.Subject === `New Movie Added: ${title}`)) mailedAt = performance.now();
    else await new Promise((r) => setTimeout(r, 10));
  }
  await tail;
  if (!shownAt || !mailedAt) throw new Error("the event or its email never arrived");
  return [shownAt - sentAt, mailedAt - sentAt];
}

const cloudUrlOf = (outputs: Record<string, string>) => new URL(outputs.api_url!).origin;

async function main(): Promise<void> {
  const env = newHome();
  await timed(["--help"], env); // the first start may bundle the CLI

  // start-up: --help directly and through npx, beside a bare `node` start and npm's own start
  await timedCommand("npx", ["movies", "--help"]);
  // npm's floor: npx running a local bin that itself takes a few ms (esbuild's native binary)
  const esbuildBin = join(ROOT, "node_modules", ".bin", "esbuild");
  const [help, bareNode, npxHelp, npxEsbuild, esbuildDirect, npxPackage] = await interleaved(RUNS * 2, [
    () => timed(["--help"], env),
    () => timedCommand(process.execPath, ["-e", ""]),
    () => timedCommand("npx", ["movies", "--help"]),
    () => timedCommand("npx", ["esbuild", "--version"]),
    () => timedCommand(esbuildBin, ["--version"]),
    // npm's path when the project's own package.json declares the bin: it installs the project into its npx cache first
    () => timedCommand("npx", ["--package=.", "movies", "--help"]),
  ]);
  const startRows: Row[] = [
    { what: "`node bin/movies.mjs --help`", ours: stats(help!), target: "< 300 ms", peer: `\`node -e ""\`: ${stats(bareNode!)}` },
    { what: "`npx movies --help`", ours: stats(npxHelp!), target: "< 500 ms", peer: `\`node bin/movies.mjs --help\` (above): ${stats(help!)}` },
    { what: "`npx --package=. movies --help` (npm's path when the project itself declares the bin)", ours: stats(npxPackage!), target: "", peer: `\`npx movies --help\` (above): ${stats(npxHelp!)}` },
    { what: "npm's own cost: `npx esbuild --version`", ours: stats(npxEsbuild!), target: "floor of any `npx` command", peer: `\`node_modules/.bin/esbuild --version\`: ${stats(esbuildDirect!)}` },
  ];
  publishBench("cli-start", import.meta.url, table(startRows));
  if (values.only === "start") return;

  // deploy into a cold cloud: started, nothing deployed; zips already built (build cache warm)
  await timed(["deploy", "--endpoint", await upCloud(env)], env);
  await timed(["down"], env);
  const deploys: number[] = [];
  const ups: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const e = newHome();
    const t0 = performance.now();
    await upCloud(e);
    ups.push(performance.now() - t0);
    deploys.push(await timed(["deploy"], e));
    await timed(["down"], e);
  }
  rows.push({
    what: "`movies deploy --target local` into a cold cloud (zips cached)",
    ours: stats(deploys),
    target: "< 3 s",
    peer: `\`movies up\` (cloud start) before it: ${stats(ups)}`,
  });

  // the shared cloud for the remaining rows
  const cloudEnv = newHome();
  await upCloud(cloudEnv);
  await timed(["deploy"], cloudEnv);
  await timed(["seed"], cloudEnv);

  // --hotswap of one changed function; peer: a hotswap with nothing changed (build check + 6 GetFunction)
  const swaps: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      writeFileSync(HANDLER, ORIGINAL_HANDLER.replace("json(200, movie)", `json(200, movie, { "x-bench": "${Date.now()}-${i}" })`));
      swaps.push(await timed(["deploy", "--hotswap"], cloudEnv));
    }
  } finally {
    writeFileSync(HANDLER, ORIGINAL_HANDLER);
  }
  await timed(["deploy", "--hotswap"], cloudEnv);
  const noChange = await repeat(RUNS, () => timed(["deploy", "--hotswap"], cloudEnv));
  rows.push({ what: "`movies deploy --hotswap`, one function changed", ours: stats(swaps), target: "< 2 s", peer: `same, nothing changed: ${stats(noChange)}` });

  // call get 1; peer: the same GET from a warm process (no CLI start)
  await timed(["call", "get", "1"], cloudEnv);
  const calls = await repeat(RUNS * 2, () => timed(["call", "get", "1"], cloudEnv));
  const apiUrl = (JSON.parse(readFileSync(join(cloudEnv.MOVIES_HOME!, "deployments", "local.json"), "utf8")) as { outputs: { api_url: string } }).outputs.api_url;
  const raw = await repeat(RUNS * 2, async () => {
    const t0 = performance.now();
    const res = await fetch(`${apiUrl}/movies/1`);
    await res.text();
    if (res.status !== 200) throw new Error(`GET /movies/1 answered ${res.status}`);
    // the stage allows 10 requests a second
    const ms = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 120));
    return ms;
  });
  rows.push({ what: "`movies call get 1`", ours: stats(calls), target: "< 500 ms", peer: `\`fetch\` from a warm process: ${stats(raw)}` });

  // tail-events: from sending the POST to the event line; peer: to the email in the mailbox
  const deployment = JSON.parse(readFileSync(join(cloudEnv.MOVIES_HOME!, "deployments", "local.json"), "utf8")) as { outputs: Record<string, string> };
  const tails: number[] = [];
  const mails: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const [tailMs, mailMs] = await eventLatency(cloudEnv, deployment.outputs, `Bench tail ${Date.now()}-${i}`);
    tails.push(tailMs);
    mails.push(mailMs);
    await new Promise((r) => setTimeout(r, 200));
  }
  rows.push({ what: "`movies tail-events`: a created movie shown, from sending the POST", ours: stats(tails), target: "< 1 s", peer: `its email in the mailbox: ${stats(mails)}` });

  // seed 10,000 generated movies; peers: the same batch writer against dynalite alone and moto
  const N = 10_000;
  const seeds = await repeat(Math.min(RUNS, 3), () => timed(["seed", "--generate", String(N)], cloudEnv));
  const dynalite = await spawnDynalite();
  const moto = await spawnMoto();
  let peer: string;
  try {
    const d = await seedPeer(dynalite, N);
    const m = await seedPeer(moto, N);
    peer = `same writer, no CLI start: dynalite alone ${fmt(d)}; moto ${fmt(m)}`;
  } finally {
    await dynalite.stop();
    await moto.stop();
  }
  rows.push({ what: `\`movies seed --generate ${N}\` into the embedded cloud`, ours: stats(seeds), target: "< 10 s", peer });

  await timed(["down"], cloudEnv);

  publishBench("cli", import.meta.url, table(rows));
}

main()
  .catch(async (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const home of homes) {
      await execa(process.execPath, [BIN, "down"], { cwd: ROOT, env: { MOVIES_HOME: home }, reject: false });
      rmSync(home, { recursive: true, force: true });
    }
  });
