/**
 * SQS throughput and long-poll latency: the embedded cloud (`npm run cloud`,
 * its own process) beside moto_server, in the same run on the same machine.
 * - send + receive + delete round trips per second with 16 workers, driven by
 *   a lean wire client (server cost) and by the AWS SDK v3 SQSClient (what an
 *   application sees);
 * - long-poll wake-up: a receiver waits, a message is sent, time until the
 *   receiver has it.
 * Run: npx tsx bench/sqs.ts   (DURATION_S, WAKEUPS to change the run length; prints a markdown table)
 */
import { cpus, loadavg } from "node:os";
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { motoMissingReason } from "../test/support/moto.js";
import { spawnCloud, spawnMoto, type ServerProcess } from "./support/server-process.js";
import { SqsWireClient } from "../test/support/sqs-wire-client.js";

const WORKERS = 16;
const DURATION_MS = Number(process.env.DURATION_S ?? 8) * 1000;
const WAKEUPS = Number(process.env.WAKEUPS ?? 200);

interface Message {
  ReceiptHandle: string;
}

async function wireRoundTrips(url: string, queue: string): Promise<number> {
  const client = new SqsWireClient(url, WORKERS * 2);
  const { QueueUrl } = await client.call<{ QueueUrl: string }>("CreateQueue", { QueueName: queue });
  let done = 0;
  const end = performance.now() + DURATION_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      for (let i = 0; performance.now() < end; i++) {
        await client.call("SendMessage", { QueueUrl, MessageBody: `w${w}-${i}` });
        const got = await client.call<{ Messages?: Message[] }>("ReceiveMessage", { QueueUrl, MaxNumberOfMessages: 1 });
        for (const m of got.Messages ?? []) await client.call("DeleteMessage", { QueueUrl, ReceiptHandle: m.ReceiptHandle });
        done++;
      }
    }),
  );
  const rate = done / ((performance.now() - started) / 1000);
  client.close();
  return rate;
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

const wire: Record<string, number> = {};
const sdk: Record<string, number> = {};
const wake: Record<string, number[]> = {};
try {
  for (const s of servers) wire[s.name] = await wireRoundTrips(s.url, "bench-wire");
  for (const s of servers) sdk[s.name] = await sdkRoundTrips(s.url, "bench-sdk");
  for (const s of servers) wake[s.name] = await wakeups(s.url, "bench-wake", WAKEUPS);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}

const cloudName = servers[0]!.name;
const motoName = servers[1]?.name;
const ratio = (table: Record<string, number>) => (motoName ? `${(table[cloudName]! / table[motoName]!).toFixed(1)}x` : "n/a");

console.log(
  `SQS benchmark, ${new Date().toISOString()}, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}, ${DURATION_MS / 1000} s per run${motoMissing ? ` (moto skipped: ${motoMissing})` : ""}\n`,
);
console.log(`| measure | ${servers.map((s) => s.name).join(" | ")} | embedded vs moto |`);
console.log(`|---|${servers.map(() => "---:").join("|")}|---:|`);
console.log(`| send+receive+delete round trips/s, ${WORKERS} workers, wire client | ${servers.map((s) => wire[s.name]!.toFixed(0)).join(" | ")} | ${ratio(wire)} |`);
console.log(`| send+receive+delete round trips/s, ${WORKERS} workers, SDK v3 client | ${servers.map((s) => sdk[s.name]!.toFixed(0)).join(" | ")} | ${ratio(sdk)} |`);
for (const p of [50, 99]) {
  console.log(`| long-poll wake-up p${p}, ms (${WAKEUPS} samples) | ${servers.map((s) => percentile(wake[s.name]!, p).toFixed(2)).join(" | ")} | |`);
}
