/**
 * Start to first answered request: the embedded cloud (`npm run cloud`, a
 * fresh process each time, and startCloud in-process) beside moto_server, in
 * the same run. Prints a markdown table.
 */
import { startCloud } from "../emulator/cloud.js";
import { motoMissingReason } from "../test/support/moto.js";
import { median, spawnCloud, spawnMoto, type ServerProcess } from "./support/server-process.js";

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
const samples: Record<string, number[]> = { "embedded cloud, `npm run cloud` process": [], "embedded cloud, startCloud() in-process": [], moto_server: [] };
// Interleaved rounds, so load from other work on the machine hits every peer alike.
for (let i = 0; i < ROUNDS; i++) {
  samples["embedded cloud, `npm run cloud` process"]!.push(await timeProcess(spawnCloud));
  samples["embedded cloud, startCloud() in-process"]!.push(await timeInProcess());
  if (!motoMissing) samples.moto_server!.push(await timeProcess(spawnMoto));
}

const motoMedian = motoMissing ? undefined : median(samples.moto_server!);
console.log(`Start to first answered request, median of ${ROUNDS} (${new Date().toISOString()})\n`);
console.log("| server | median ms | min ms | max ms | vs moto |");
console.log("|---|---:|---:|---:|---:|");
for (const [name, xs] of Object.entries(samples)) {
  if (xs.length === 0) {
    console.log(`| ${name} | skipped: ${motoMissing} | | | |`);
    continue;
  }
  const m = median(xs);
  const ratio = motoMedian ? `${(m / motoMedian).toFixed(2)}x` : "n/a";
  console.log(`| ${name} | ${m.toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${Math.max(...xs).toFixed(0)} | ${ratio} |`);
}
