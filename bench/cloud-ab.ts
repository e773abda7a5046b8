/**
 * The cloud process's own cost per request, two builds side by side: a
 * baseline bundle (BASE, a copy of an earlier dist/cloud, e.g.
 * `cp -r dist/cloud dist/cloud-base` before a change) and this tree's
 * (`bin/cloud.mjs`). Both run at once on the same machine, each with the
 * MoviesStack applied (limits raised), and are measured in turns, so a busy
 * machine weighs on both alike. Per build: CPU of the cloud process (not its
 * execution environments) per warm GET one at a time and 16 in flight, per
 * POST 16 in flight (its email path included: CPU is read after the emails
 * drained), and POST to the email in the mailbox with the stack's 2 s window
 * and with none.
 *
 *     BASE=dist/cloud-base ROUNDS=3 npx tsx bench/cloud-ab.ts
 *
 * WARM (2000) GETs and WARM/5 POSTs 16 in flight warm each cloud first: the
 * JIT's warm-up costs more CPU per request than the differences looked for.
 *
 * Prints a markdown table and writes it into docs/benchmarks.md (BENCH_DOCS=0:
 * print only); BASE_LABEL says in it what the baseline is (default: its folder).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt } from "../test/support/built-functions.js";
import { freePort } from "../test/support/free-port.js";
import { moviesStack, type SynthesizedStack } from "../test/support/movies-stack.js";
import { stopChild } from "../test/support/stop-child.js";
import { keepAliveCaller } from "./support/http-call.js";
import { median, processCpuMs } from "./support/server-process.js";
import { runInFlight } from "./support/in-flight.js";
import { publishBench } from "./support/report.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const root = fileURLToPath(new URL("../", import.meta.url));
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const GETS = Number(process.env.GETS ?? 500);
const POSTS = Number(process.env.POSTS ?? 200);
const EMAILS = Number(process.env.EMAILS ?? 5);
const WARM = Number(process.env.WARM ?? 2000);
const BASE = process.env.BASE ?? "dist/cloud-base";
const http = keepAliveCaller(16);
const call = http.call;

interface Cloud {
  name: string;
  child: ChildProcess;
  url: string;
  api: string;
  key: string;
  id: string;
}

async function startCloud(name: string, script: string): Promise<ChildProcess & { url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [script, "--port", String(port)], { cwd: root, stdio: "ignore", env: { ...process.env } });
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      if ((await call("GET", `${url}/_movies/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 30_000) throw new Error(`${name} did not answer within 30 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Object.assign(child, { url });
}

async function apply(url: string, stack: SynthesizedStack, template: object): Promise<Record<string, { value: any }>> {
  const res = await call("PUT", `${url}/_movies/stacks/movies`, {}, JSON.stringify({ template, assets: stack.assets }));
  if (res.status !== 200) throw new Error(`apply answered ${res.status}: ${res.body}`);
  return (JSON.parse(res.body) as { outputs: Record<string, { value: any }> }).outputs;
}

function template(stack: SynthesizedStack, windowSeconds: number): object {
  const t = structuredClone(stack.template) as any;
  t.resource.aws_api_gateway_method_settings.live_stage_throttling.settings = { throttling_rate_limit: 100000, throttling_burst_limit: 100000 };
  const plan = t.resource.aws_api_gateway_usage_plan.movies_api_usage_plan;
  plan.throttle_settings = { burst_limit: 100000, rate_limit: 100000 };
  plan.quota_settings = { ...plan.quota_settings, limit: 10_000_000 };
  t.resource.aws_lambda_event_source_mapping.email_notification_queue_trigger.maximum_batching_window_in_seconds = windowSeconds;
  return t;
}

async function deploy(name: string, script: string, stack: SynthesizedStack): Promise<Cloud> {
  const child = await startCloud(name, script);
  const outputs = await apply(child.url, stack, template(stack, 2));
  const api = String(outputs.api_url!.value);
  const key = String(outputs.api_key!.value);
  const created = await call("POST", `${api}/movies`, { "x-api-key": key }, JSON.stringify({ title: "Heat", rating: 8, genres: ["crime"] }));
  if (created.status !== 201) throw new Error(`POST answered ${created.status}: ${created.body}`);
  return { name, child, url: child.url, api, key, id: (JSON.parse(created.body) as { id: string }).id };
}

const get = (c: Cloud) => async () => {
  const r = await call("GET", `${c.api}/movies/${c.id}`);
  if (r.status !== 200) throw new Error(`GET answered ${r.status}: ${r.body}`);
};
let n = 0;
const post = (c: Cloud) => async () => {
  const r = await call("POST", `${c.api}/movies`, { "x-api-key": c.key }, JSON.stringify({ title: `Load ${n++}`, rating: 6, genres: ["drama"] }));
  if (r.status !== 201) throw new Error(`POST answered ${r.status}: ${r.body}`);
};

/** CPU ms of the cloud process (its environments left out) per call, `inFlight` at a time; `settle` ms waited before the CPU is read. */
async function cloudCpu(c: Cloud, total: number, inFlight: number, one: () => Promise<void>, settle = 0): Promise<{ cpu: number; p50: number }> {
  const before = processCpuMs(c.child.pid!);
  const latencies = await runInFlight(total, inFlight, one);
  if (settle > 0) await new Promise((r) => setTimeout(r, settle));
  return { cpu: (processCpuMs(c.child.pid!) - before) / total, p50: median(latencies) };
}

async function emailLatency(c: Cloud, count: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    await call("DELETE", `${c.url}/_aws/ses`);
    const title = `AB ${Date.now()}-${i}`;
    const t = performance.now();
    const res = await call("POST", `${c.api}/movies`, { "x-api-key": c.key }, JSON.stringify({ title, rating: 7, genres: ["drama"] }));
    if (res.status !== 201) throw new Error(`POST answered ${res.status}: ${res.body}`);
    const subject = `New Movie Added: ${title}`;
    for (;;) {
      const box = await call("GET", `${c.url}/_aws/ses`);
      if ((JSON.parse(box.body) as { messages: { Subject?: string }[] }).messages.some((m) => m.Subject === subject)) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    samples.push(performance.now() - t);
  }
  return median(samples);
}

const stack = await moviesStack(await ensureBuilt());
const clouds = [await deploy("before", resolve(root, BASE, "main.mjs"), stack), await deploy("after", resolve(root, "bin/cloud.mjs"), stack)];
type Row = "getSerial" | "getSerialP50" | "get16" | "post16" | "email2s" | "email0";
const results = new Map<string, Record<Row, number[]>>(clouds.map((c) => [c.name, { getSerial: [], getSerialP50: [], get16: [], post16: [], email2s: [], email0: [] }]));
try {
  for (const c of clouds) {
    // past the JIT's warm-up: what is compared is the steady state
    await cloudCpu(c, WARM, 16, get(c));
    await cloudCpu(c, Math.ceil(WARM / 5), 16, post(c), 2500);
  }
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? clouds : [...clouds].reverse();
    for (const c of order) {
      const r = results.get(c.name)!;
      const serial = await cloudCpu(c, GETS, 1, get(c));
      r.getSerial.push(serial.cpu);
      r.getSerialP50.push(serial.p50);
      r.get16.push((await cloudCpu(c, GETS, 16, get(c))).cpu);
      r.post16.push((await cloudCpu(c, POSTS, 16, post(c), 2500)).cpu);
    }
  }
  for (const [window, row] of [[2, "email2s"], [0, "email0"]] as const) {
    for (const c of clouds) if (window === 0) await apply(c.url, stack, template(stack, 0));
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of round % 2 === 0 ? clouds : [...clouds].reverse()) results.get(c.name)![row].push(await emailLatency(c, window === 0 ? EMAILS * 2 : EMAILS));
    }
  }
} finally {
  await Promise.all(clouds.map((c) => stopChild(c.child)));
  http.close();
}

const f = (xs: number[], digits = 2) => `${median(xs).toFixed(digits)} (${xs.map((x) => x.toFixed(digits)).join(", ")})`;
const labels: [Row, string, number][] = [
  ["getSerial", "cloud CPU ms per warm GET, one at a time", 2],
  ["getSerialP50", "warm GET p50 ms, one at a time", 2],
  ["get16", "cloud CPU ms per warm GET, 16 in flight", 2],
  ["post16", "cloud CPU ms per POST, 16 in flight, its emails included", 2],
  ["email2s", "POST to email in the mailbox, p50 ms, 2 s window", 1],
  ["email0", "POST to email in the mailbox, p50 ms, no window", 1],
];
const lines = [
  `Before: ${process.env.BASE_LABEL ?? BASE}; after: this tree's \`bin/cloud.mjs\`. Both warmed with ${WARM} GETs and ${Math.ceil(WARM / 5)} POSTs, then measured in turns.`,
  "",
  `| measure (median of ${ROUNDS} turns; each turn's value in brackets) | before | after |`,
  "|---|---|---|",
];
for (const [row, label, digits] of labels) lines.push(`| ${label} | ${f(results.get("before")![row], digits)} | ${f(results.get("after")![row], digits)} |`);
publishBench("cloud-ab", import.meta.url, lines);
