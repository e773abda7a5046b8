/**
 * Start to first answer, measured from outside as a user feels it: spawn the
 * process, poll, time to the first 200. The embedded cloud as `npm run cloud`
 * runs it (`node bin/cloud.mjs`, a cached bundle compiled with V8's code cache),
 * with two first requests (its health endpoint; a DynamoDB ListTables, which
 * starts dynalite), and once without the code cache (MOVIES_CODE_CACHE=0),
 * beside a bare Node HTTP server (the floor of any Node server) and
 * moto_server, interleaved in the same run. When NODE_EXTRA_CA_CERTS is set
 * (Node 20 reads that file at every start), the cloud and the bare server once
 * more without it; with a Node 22 or 24 found as the cloud finds Lambda
 * runtimes (MOVIES_NODE_22, MOVIES_NODE_24, .movies/runtimes), both on it too.
 * Then one start under `node --cpu-prof`, summed by module up to the first
 * answer: where the start-up time goes.
 *
 *   npx tsx bench/cloud-startup.ts          (ROUNDS=9 by default; ~30 s)
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NodeRuntimes } from "../emulator/lambda/runtime/node-runtimes.js";
import { motoMissingReason } from "../test/support/moto.js";
import { profileTable, readProfile, summarizeProfile } from "./support/cpu-profile.js";
import { answersGet, median, spawnBareNode, spawnCloud, spawnMoto, type ServerProcess } from "./support/server-process.js";
import { publishBench } from "./support/report.js";

const ROUNDS = Number(process.env.ROUNDS ?? 9);
const loadAtStart = loadavg().map((l) => l.toFixed(2)).join(" ");

interface Sample {
  ms: number;
  cpuMs: number;
}

async function timeProcess(start: () => Promise<ServerProcess>): Promise<Sample> {
  const server = await start();
  await server.stop();
  return { ms: server.startMs, cpuMs: server.cpuAtAnswerMs };
}

const health = answersGet("/_movies/health");
const motoMissing = motoMissingReason();
const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS;
const noExtraCerts = { NODE_EXTRA_CA_CERTS: undefined };
const runtimes = new NodeRuntimes();
const otherNodes = ["nodejs22.x", "nodejs24.x"].map((r) => runtimes.forRuntime(r)).filter((n) => !n.note && n.major !== Number(process.versions.node.split(".")[0]));
const peers: { name: string; start: () => Promise<ServerProcess>; goal: string }[] = [
  { name: "embedded cloud `node bin/cloud.mjs`, first answer: `GET /_movies/health`", start: () => spawnCloud({ probe: health }), goal: "<= 150 ms" },
  { name: "embedded cloud without the code cache (`MOVIES_CODE_CACHE=0`), `GET /_movies/health`", start: () => spawnCloud({ probe: health, env: { MOVIES_CODE_CACHE: "0" } }), goal: "before" },
  { name: "embedded cloud `node bin/cloud.mjs`, first answer: DynamoDB `ListTables` (starts dynalite)", start: () => spawnCloud(), goal: "" },
  { name: "bare Node HTTP server (`http.createServer`), first answer: `GET /`", start: () => spawnBareNode(), goal: "floor" },
  ...(extraCaCerts
    ? [
        { name: "embedded cloud, `GET /_movies/health`, NODE_EXTRA_CA_CERTS unset", start: () => spawnCloud({ probe: health, env: noExtraCerts }), goal: "<= 150 ms" },
        { name: "bare Node HTTP server, NODE_EXTRA_CA_CERTS unset", start: () => spawnBareNode({ env: noExtraCerts }), goal: "floor" },
      ]
    : []),
  ...otherNodes.flatMap((n) => [
    { name: `embedded cloud on Node ${n.version}, \`GET /_movies/health\``, start: () => spawnCloud({ probe: health, node: n.path }), goal: "<= 150 ms" },
    { name: `bare Node HTTP server on Node ${n.version}`, start: () => spawnBareNode({ node: n.path }), goal: "floor" },
  ]),
  ...(motoMissing ? [] : [{ name: "moto_server, first answer: DynamoDB `ListTables`", start: () => spawnMoto(), goal: "peer" }]),
];
const samples = new Map<string, Sample[]>(peers.map((p) => [p.name, []]));

// The code cache of each Node version the cloud ran on, by file name, with its time:
// a cache V8 rejected is made again, so a measured start that rewrote one did not use it.
const bundleDir = fileURLToPath(new URL("../dist/cloud/", import.meta.url));
const codeCaches = () => new Map(readdirSync(bundleDir).filter((f) => f.endsWith(".v8cache")).map((f) => [f, statSync(join(bundleDir, f)).mtimeMs]));

// One unmeasured round first: it builds the bundle when a source changed and makes the
// code cache of each Node version (users pay that once), and warms Node 22's compile cache.
for (const p of peers) await timeProcess(p.start);
const cachesBefore = codeCaches();
// Interleaved rounds, so load from other work on the machine hits every peer alike.
for (let i = 0; i < ROUNDS; i++) for (const p of peers) samples.get(p.name)!.push(await timeProcess(p.start));
const cachesAfter = codeCaches();
const cacheKept = [...cachesAfter].every(([f, t]) => cachesBefore.get(f) === t) && cachesAfter.size === cachesBefore.size;

// One more start under the profiler (it slows the start, so it is not among the samples above).
const profileDir = mkdtempSync(join(tmpdir(), "movies-start-profile-"));
const profiled = await spawnCloud({ probe: health, nodeFlags: ["--cpu-prof", "--cpu-prof-dir", profileDir, "--cpu-prof-interval", "200"] });
await profiled.stop();
const summary = summarizeProfile(readProfile(profileDir), profiled.answeredAtUs, 10);
rmSync(profileDir, { recursive: true, force: true });

const fmt = (xs: number[]) => `${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;
const out: string[] = [];
out.push(`Spawn to first 200, ${ROUNDS} interleaved rounds; load average at the start ${loadAtStart}.`);
if (motoMissing) out.push(`moto_server skipped: ${motoMissing}.`);
out.push(`Code cache (\`dist/cloud/*.v8cache\`, made on Node 20; Node 22 and later keep their own compile cache): ${cacheKept ? "used by every measured start (none was made again)" : "made again during the measured starts: V8 rejected it, so those starts compiled the bundle"}.`);
if (extraCaCerts) out.push("NODE_EXTRA_CA_CERTS is set here: Node 20 reads and parses that file at every process start, before any JavaScript runs (Node 22 and later read it when TLS first needs it); the rows marked unset show a start without it.");
if (!otherNodes.length) out.push("No Node 22 or 24 found (MOVIES_NODE_22, MOVIES_NODE_24, .movies/runtimes): their rows are skipped.");
out.push("");
out.push("| server, first request | wall median ms | min-max | CPU median ms (10 ms ticks) | min-max | goal |");
out.push("|---|---:|---|---:|---|---|");
for (const p of peers) {
  const xs = samples.get(p.name)!;
  out.push(`| ${p.name} | ${fmt(xs.map((x) => x.ms))} | ${fmt(xs.map((x) => x.cpuMs))} | ${p.goal} |`);
}
out.push("");
out.push(`Where the cloud's start goes (\`node --cpu-prof\`, one start, samples up to its first answer, summed by module; \`node:\` is Node's own boot and module loader, \`dist/cloud/main.cjs\` our bundle):`);
out.push("");
out.push(...profileTable(summary));
publishBench("cloud-startup", import.meta.url, out);
