/**
 * Start to first answered request (a DynamoDB ListTables): the embedded cloud
 * as `npm run cloud` runs it (`bin/cloud.mjs`, a cached bundle) and startCloud()
 * in-process, beside moto_server, in the same run. Prints a markdown table.
 */
import { startCloud } from "../emulator/cloud.js";
import { motoMissingReason } from "../test/support/moto.js";
import { median, spawnCloud, spawnMoto, type ServerProcess } from "./support/server-process.js";
import { publishBench } from "./support/report.js";

const ROUNDS = Number(process.env.ROUNDS ?? 5);

async function timeProcess(start: () => Promise<ServerProcess>): Promise<number> {
  const server = await start();
  await server.stop();
  return server.startMs;
}

async function timeInProcess(): Promise<number> {
  const started = performance.now();
  const cloud = await startCloud({ port: 0 });
  const res = await fetch(`${cloud.url}/_movies/health`);
  await res.arrayBuffer();
  const ms = performance.now() - started;
  await cloud.stop();
  return ms;
}

const motoMissing = motoMissingReason();
const PROCESS = "embedded cloud, `npm run cloud` process";
const IN_PROCESS = "embedded cloud, startCloud() in a process that has its modules loaded";
const samples: Record<string, number[]> = { [PROCESS]: [], [IN_PROCESS]: [], moto_server: [] };
// the first start builds the bundle; users pay that once, so it is not measured
await timeProcess(spawnCloud);
// Interleaved rounds, so load from other work on the machine hits every peer alike.
for (let i = 0; i < ROUNDS; i++) {
  samples[PROCESS]!.push(await timeProcess(spawnCloud));
  samples[IN_PROCESS]!.push(await timeInProcess());
  if (!motoMissing) samples.moto_server!.push(await timeProcess(spawnMoto));
}

const out: string[] = [];
const motoMedian = motoMissing ? undefined : median(samples.moto_server!);
out.push(`Start to first answered request, median of ${ROUNDS} (${new Date().toISOString()})\n`);
out.push("| server | median ms | min ms | max ms | vs moto |");
out.push("|---|---:|---:|---:|---:|");
for (const [name, xs] of Object.entries(samples)) {
  if (xs.length === 0) {
    out.push(`| ${name} | skipped: ${motoMissing} | | | |`);
    continue;
  }
  const m = median(xs);
  const ratio = motoMedian ? `${(m / motoMedian).toFixed(2)}x` : "n/a";
  out.push(`| ${name} | ${m.toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${Math.max(...xs).toFixed(0)} | ${ratio} |`);
}
publishBench("cloud-startup", import.meta.url, out);
