/**
 * Start to first answer, measured from outside as a user feels it: spawn the
 * process, poll, time to the first 200. The embedded cloud as `npm run cloud`
 * runs it (`node bin/cloud.mjs`, a cached bundle), with two first requests (its
 * health endpoint; a DynamoDB ListTables, which starts dynalite), beside a bare
 * Node HTTP server (the floor of any Node server) and moto_server, interleaved
 * in the same run. Then one start under `node --cpu-prof`, summed by module up
 * to the first answer: where the start-up time goes.
 *
 *   npx tsx bench/cloud-startup.ts          (ROUNDS=9 by default; ~30 s)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
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
const peers: { name: string; start: () => Promise<ServerProcess>; goal: string }[] = [
  { name: "embedded cloud `node bin/cloud.mjs`, first answer: `GET /_movies/health`", start: () => spawnCloud({ probe: health }), goal: "<= 150 ms" },
  { name: "embedded cloud `node bin/cloud.mjs`, first answer: DynamoDB `ListTables` (starts dynalite)", start: () => spawnCloud(), goal: "" },
  { name: "bare Node HTTP server (`http.createServer`), first answer: `GET /`", start: spawnBareNode, goal: "floor" },
  ...(motoMissing ? [] : [{ name: "moto_server, first answer: DynamoDB `ListTables`", start: () => spawnMoto(), goal: "peer" }]),
];
const samples = new Map<string, Sample[]>(peers.map((p) => [p.name, []]));

// the first start builds the bundle when a source changed; users pay that once, so it is not measured
await timeProcess(() => spawnCloud({ probe: health }));
// Interleaved rounds, so load from other work on the machine hits every peer alike.
for (let i = 0; i < ROUNDS; i++) for (const p of peers) samples.get(p.name)!.push(await timeProcess(p.start));

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
out.push("");
out.push("| server, first request | wall median ms | min-max | CPU median ms (10 ms ticks) | min-max | goal |");
out.push("|---|---:|---|---:|---|---|");
for (const p of peers) {
  const xs = samples.get(p.name)!;
  out.push(`| ${p.name} | ${fmt(xs.map((x) => x.ms))} | ${fmt(xs.map((x) => x.cpuMs))} | ${p.goal} |`);
}
out.push("");
out.push(`Where the cloud's start goes (\`node --cpu-prof\`, one start, samples up to its first answer, summed by module; \`node:\` is Node's own boot and module loader, \`dist/cloud/*.mjs\` our bundle):`);
out.push("");
out.push(...profileTable(summary));
publishBench("cloud-startup", import.meta.url, out);
