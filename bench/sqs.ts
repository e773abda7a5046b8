/**
 * SQS throughput and long-poll latency: the embedded cloud (`npm run cloud`,
 * its own process) beside moto_server, in the same run on the same machine.
 * - send + receive + delete round trips per second with 16 workers, driven by
 *   a lean wire client (server cost) and by the AWS SDK v3 SQSClient (what an
 *   application sees);
 * - long-poll wake-up: a receiver waits, a message is sent, time until the
 *   receiver has it.
 * Rounds alternate between the servers and the median is reported, so load
 * from other work on the machine hits both alike.
 * Run: npx tsx bench/sqs.ts   (ROUNDS, DURATION_S, WAKEUPS change the run length; prints a markdown table)
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { motoMissingReason } from "../test/support/moto.js";
import { median, spawnCloud, spawnMoto, type ServerProcess } from "./support/server-process.js";
import { SqsWireClient } from "../test/support/sqs-wire-client.js";
import { publishBench } from "./support/report.js";

const WORKERS = 16;
const DURATION_MS = Number(process.env.DURATION_S ?? 4) * 1000;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const WAKEUPS = Number(process.env.WAKEUPS ?? 200);

interface Message {
  ReceiptHandle: string;
}

/** The pid listening on the server's port (for moto and tsx that is the worker process, not the launcher). */
function listeningPid(url: string): number | undefined {
  const port = new URL(url).port;
  const out = execFileSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" });
  const m = /pid=(\d+)/.exec(out);
  return m ? Number(m[1]) : undefined;
}

/** CPU time (user + system) a process has used so far, in ms; Linux /proc. */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

interface Throughput {
  perSecond: number;
  /** server CPU per successful round trip, ms: what the server costs, whatever else loads the machine */
  serverCpuMs: number;
  /** failed round trips (a server answering an error under load); they do not count towards perSecond */
  errors: number;
  firstError?: string;
}

async function wireRoundTrips(url: string, queue: string): Promise<Throughput> {
  const pid = listeningPid(url);
  const client = new SqsWireClient(url, WORKERS * 2);
  const { QueueUrl } = await client.call<{ QueueUrl: string }>("CreateQueue", { QueueName: queue });
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  const end = performance.now() + DURATION_MS;
  const started = performance.now();
  const cpuBefore = cpuMs(pid);
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      for (let i = 0; performance.now() < end; i++) {
        try {
          await client.call("SendMessage", { QueueUrl, MessageBody: `w${w}-${i}` });
          const got = await client.call<{ Messages?: Message[] }>("ReceiveMessage", { QueueUrl, MaxNumberOfMessages: 1 });
          for (const m of got.Messages ?? []) await client.call("DeleteMessage", { QueueUrl, ReceiptHandle: m.ReceiptHandle });
          done++;
        } catch (err) {
          errors++;
          firstError ??= (err as Error).message.slice(0, 200);
        }
      }
    }),
  );
  const perSecond = done / ((performance.now() - started) / 1000);
  const serverCpuMs = (cpuMs(pid) - cpuBefore) / done;
  client.close();
  return { perSecond, serverCpuMs, errors, firstError };
}

async function sdkRoundTrips(url: string, queue: string): Promise<number> {
  const sqs = new SQSClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" } });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queue }));
  let done = 0;
  const end = performance.now() + DURATION_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      for (let i = 0; performance.now() < end; i++) {
        await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `w${w}-${i}` }));
        const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
        for (const m of got.Messages ?? []) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
        done++;
      }
    }),
  );
  const rate = done / ((performance.now() - started) / 1000);
  sqs.destroy();
  return rate;
}

/** Time from the start of a SendMessage to the waiting receiver holding the message, in ms. */
async function wakeups(url: string, queue: string, n: number): Promise<number[]> {
  const client = new SqsWireClient(url, 4);
  const { QueueUrl } = await client.call<{ QueueUrl: string }>("CreateQueue", { QueueName: queue });
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let sentAt = 0;
    const waiting = client.call<{ Messages?: Message[] }>("ReceiveMessage", { QueueUrl, WaitTimeSeconds: 20 }).then((r) => {
      const ms = performance.now() - sentAt;
      if (!r.Messages?.length) throw new Error("long poll ended without the message");
      return { ms, handle: r.Messages[0]!.ReceiptHandle };
    });
    // Let the receive reach the server and start waiting before sending.
    await new Promise((r) => setTimeout(r, 15));
    sentAt = performance.now();
    await client.call("SendMessage", { QueueUrl, MessageBody: `wake-${i}` });
    const { ms, handle } = await waiting;
    out.push(ms);
    await client.call("DeleteMessage", { QueueUrl, ReceiptHandle: handle });
  }
  client.close();
  return out;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

const motoMissing = motoMissingReason();
const servers: ServerProcess[] = [await spawnCloud()];
if (!motoMissing) servers.push(await spawnMoto());

const wire: Record<string, Throughput> = {};
const sdk: Record<string, number> = {};
const wake: Record<string, number[]> = {};
try {
  const wireRuns: Record<string, Throughput[]> = {};
  const sdkRuns: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of servers) (wireRuns[s.name] ??= []).push(await wireRoundTrips(s.url, `bench-wire-${round}`));
    for (const s of servers) (sdkRuns[s.name] ??= []).push(await sdkRoundTrips(s.url, `bench-sdk-${round}`));
  }
  for (const s of servers) {
    const runs = wireRuns[s.name]!;
    wire[s.name] = {
      perSecond: median(runs.map((r) => r.perSecond)),
      serverCpuMs: median(runs.map((r) => r.serverCpuMs)),
      errors: runs.reduce((n, r) => n + r.errors, 0),
      firstError: runs.find((r) => r.firstError)?.firstError,
    };
    sdk[s.name] = median(sdkRuns[s.name]!);
  }
  for (const s of servers) wake[s.name] = await wakeups(s.url, "bench-wake", WAKEUPS);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}

const cloudName = servers[0]!.name;
const motoName = servers[1]?.name;
const ratio = (table: Record<string, number>) => (motoName ? `${(table[cloudName]! / table[motoName]!).toFixed(1)}x` : "n/a");
const wireRate = Object.fromEntries(Object.entries(wire).map(([k, v]) => [k, v.perSecond]));
const wireCell = (name: string) => `${wire[name]!.perSecond.toFixed(0)}${wire[name]!.errors ? ` (${wire[name]!.errors} failed)` : ""}`;

const out: string[] = [];
out.push(
  `SQS benchmark, ${new Date().toISOString()}, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}, median of ${ROUNDS} alternating rounds of ${DURATION_MS / 1000} s${motoMissing ? ` (moto skipped: ${motoMissing})` : ""}\n`,
);
out.push(`| measure | ${servers.map((s) => s.name).join(" | ")} | embedded vs moto |`);
out.push(`|---|${servers.map(() => "---:").join("|")}|---:|`);
out.push(`| send+receive+delete round trips/s, ${WORKERS} workers, wire client | ${servers.map((s) => wireCell(s.name)).join(" | ")} | ${ratio(wireRate)} |`);
const perCpuSecond = Object.fromEntries(Object.entries(wire).map(([k, v]) => [k, 1000 / v.serverCpuMs]));
out.push(`| server CPU ms per round trip, wire client | ${servers.map((s) => wire[s.name]!.serverCpuMs.toFixed(2)).join(" | ")} | |`);
out.push(`| round trips per server CPU-second | ${servers.map((s) => perCpuSecond[s.name]!.toFixed(0)).join(" | ")} | ${ratio(perCpuSecond)} |`);
out.push(`| send+receive+delete round trips/s, ${WORKERS} workers, SDK v3 client | ${servers.map((s) => sdk[s.name]!.toFixed(0)).join(" | ")} | ${ratio(sdk)} |`);
for (const p of [50, 99]) {
  out.push(`| long-poll wake-up p${p}, ms (${WAKEUPS} samples) | ${servers.map((s) => percentile(wake[s.name]!, p).toFixed(2)).join(" | ")} | |`);
}
for (const s of servers) if (wire[s.name]!.firstError) out.push(`\n${s.name}: first failed round trip: ${wire[s.name]!.firstError}`);
publishBench("sqs", import.meta.url, out);
