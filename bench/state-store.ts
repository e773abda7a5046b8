/**
 * Event-loop pauses from persistence: the embedded cloud with 50,000 queued
 * SQS messages, under sustained SendMessage load (SDK v3 over HTTP), with a
 * state dir beside the same run in memory. Prints a markdown table.
 *
 *   npx tsx bench/state-store.ts [--queued 50000] [--seconds 10] [--concurrency 16]
 *
 * The cloud runs in this process and the SDK clients in a child process, so
 * the event-loop delay measured is the cloud's own. The state store also
 * reports its longest commit (the time the event loop waited on SQLite).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { CreateQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startCloud } from "../emulator/cloud.js";
import { publishBench } from "./support/report.js";

const { values } = parseArgs({
  options: { queued: { type: "string", default: "50000" }, seconds: { type: "string", default: "10" }, concurrency: { type: "string", default: "16" }, load: { type: "string" } },
});
const QUEUED = Number(values.queued);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);

/** The load generator (child process): SendMessage at CONCURRENCY in flight for SECONDS; prints the count. */
async function load(queueUrl: string): Promise<void> {
  const sqs = new SQSClient({ endpoint: new URL(queueUrl).origin, region: "us-east-1", credentials: { accessKeyId: "bench", secretAccessKey: "bench" } });
  const until = performance.now() + SECONDS * 1000;
  let sends = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      while (performance.now() < until) {
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `sustained ${w} ${sends} ${"y".repeat(200)}` }));
        sends++;
      }
    }),
  );
  sqs.destroy();
  process.stdout.write(String(sends));
}

async function loadFromChild(queueUrl: string): Promise<number> {
  const child = spawn(process.execPath, ["--import", "tsx", new URL(import.meta.url).pathname, "--load", queueUrl, "--seconds", String(SECONDS), "--concurrency", String(CONCURRENCY)], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  if (code !== 0) throw new Error(`load generator exited ${code}`);
  return Number(out);
}

interface Row {
  mode: string;
  sends: number;
  perSecond: number;
  maxDelayMs: number;
  p99DelayMs: number;
  commits?: string;
  stateBytes?: number;
}

async function run(stateDir: string | undefined): Promise<Row> {
  const cloud = await startCloud({ port: 0, stateDir });
  const sqs = new SQSClient({ endpoint: cloud.url, region: "us-east-1", credentials: { accessKeyId: "bench", secretAccessKey: "bench" } });
  try {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "bench" }));
    // Fill the queue in process, in slices, so the background flush stores them as they come (setup, not measured).
    const queue = cloud.models.sqs.requireQueue("us-east-1", "bench");
    for (let i = 0; i < QUEUED; i += 1000) {
      for (let j = i; j < Math.min(QUEUED, i + 1000); j++) queue.send({ body: `queued message ${j} ${"x".repeat(200)}`, senderId: "bench" });
      await new Promise((r) => setTimeout(r, 110));
    }
    await new Promise((r) => setTimeout(r, 1500));

    type Stats = { commits: number; commitsOver20Ms: number; commitsOver50Ms: number };
    const health = async () => (await (await fetch(`${cloud.url}/_movies/health`)).json()) as { stateStore?: Stats };
    const before = (await health()).stateStore;
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const sends = await loadFromChild(QueueUrl!);
    delay.disable();
    const row: Row = {
      mode: stateDir ? "state dir (SQLite, WAL)" : "in memory",
      sends,
      perSecond: Math.round(sends / SECONDS),
      maxDelayMs: delay.max / 1e6,
      p99DelayMs: delay.percentile(99) / 1e6,
      commits: await (async () => {
        const after = (await health()).stateStore;
        if (!before || !after) return undefined;
        return `${after.commits - before.commits} (${after.commitsOver20Ms - before.commitsOver20Ms} over 20 ms, ${after.commitsOver50Ms - before.commitsOver50Ms} over 50 ms)`;
      })(),
    };
    if (stateDir) {
      const db = join(stateDir, "state.sqlite");
      row.stateBytes = statSync(db).size + (statSync(`${db}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    }
    return row;
  } finally {
    sqs.destroy();
    await cloud.stop();
  }
}

if (values.load) {
  await load(values.load);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "movies-bench-state-"));
try {
  const rows = [await run(undefined), await run(dir)];
  const lines = [
    `${QUEUED} messages queued, then ${SECONDS} s of SendMessage at ${CONCURRENCY} in flight, from a separate process; the in-memory cloud is the peer.`,
    "",
    "| mode | sends | sends/s | max event-loop delay | p99 event-loop delay | commits during the run | state on disk |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    const commit = r.commits ?? "-";
    const disk = r.stateBytes === undefined ? "-" : `${(r.stateBytes / 1e6).toFixed(1)} MB`;
    lines.push(`| ${r.mode} | ${r.sends} | ${r.perSecond} | ${r.maxDelayMs.toFixed(1)} ms | ${r.p99DelayMs.toFixed(1)} ms | ${commit} | ${disk} |`);
  }
  publishBench("state-store", import.meta.url, lines);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
