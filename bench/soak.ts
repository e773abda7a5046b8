/**
 * Soak: does the cloud's memory level off under sustained load? Starts the
 * cloud from outside (`node bin/cloud.mjs`), applies the MoviesStack (stage
 * throttle raised), then for SOAK_SECONDS (default 900) drives GET and POST
 * load through API Gateway with IN_FLIGHT requests in flight: GET
 * /movies/{id}, GET /movies, and POST /movies followed by DELETE of the same
 * movie (each POST and DELETE also runs SNS -> SQS -> email Lambda -> SES, so
 * the mailbox, logs and request records all fill; the movies table itself
 * stays the same size, so stored data is not mistaken for a leak). Each
 * email also leaves an idempotency record that the table's TTL deletes when
 * it expires; the soak sets the email function's
 * IDEMPOTENCY_EXPIRES_AFTER_SECONDS to 120 (SOAK_IDEMPOTENCY_EXPIRY; an hour
 * by default), so that table reaches its steady state (emails/s x expiry
 * records) within the warm-up instead of growing for an hour. The items of
 * every table are reported beside RSS. Every SAMPLE_SECONDS
 * it reads VmRSS from /proc of the cloud and of every process under it:
 * Lambda execution environments (child processes running the runtime's
 * bootstrap) and the cloud's helpers (esbuild's service), reported apart,
 * and asks the cloud where its own memory is (GET /_movies/memory: V8 heap
 * used and committed per space, memory outside the heap, anonymous pages),
 * so growth can be told apart: live objects (heap used after collections),
 * V8's sizing (committed heap), Buffers (external) or the allocator (RSS
 * minus committed heap minus external).
 *
 * The verdict is judged per component on the floor of its RSS. Under a
 * garbage-collected runtime RSS is a sawtooth: the heap fills for a minute
 * or two and a major collection brings it back down (the cloud swings by
 * 60 MB at 150-250 operations/s), so the slope of any stretch shorter than a
 * few cycles says where in a cycle it ended, not whether memory leaks. A
 * leak raises the floor, what is left after each collection. So the last
 * two thirds of the run are cut into three windows (200 s each from 300 s on
 * in the default fifteen-minute run, each longer than a collection cycle), the lowest
 * sample of each window is its floor, and a component has levelled off when
 * the least-squares line through the three floors rises by at most 5% of
 * their mean across those two thirds. The first third is warm-up: the pool
 * of environments starts as load needs them and each heap grows toward its
 * `--max-old-space-size` cap. (An earlier rule, "the mean of the last half
 * within 10% of the first half after a 20% warm-up", measured that warm-up
 * instead, and a slow leak could hide behind it.) Judged: the cloud's own
 * RSS, the environments' mean RSS per process (is one environment
 * leaking?) and all environments together (does the pool keep growing?).
 * Runs much shorter than the default leave windows shorter than a
 * collection cycle, and their verdict is not conclusive.
 *
 * Prints the series and verdict, writes them to docs/benchmarks.md (section
 * soak, through bench/support/report.ts; BENCH_DOCS=0 prints only) and to
 * SOAK_OUT when set. Exits 1 when a component is still climbing.
 */
import { DescribeTimeToLiveCommand, DynamoDBClient, ListTablesCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ensureBuilt } from "../test/support/built-functions.js";
import { localClientConfig } from "../test/support/cloud-client-config.js";
import { freePort } from "../test/support/free-port.js";
import { moviesStack } from "../test/support/movies-stack.js";
import { stopChild } from "../test/support/stop-child.js";
import { publishBench } from "./support/report.js";
import { keepAliveCaller } from "./support/http-call.js";

// The soak counts items with the SDK; its notice about Node 20 is noise in the report.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const SECONDS = Number(process.env.SOAK_SECONDS ?? 900);
const SAMPLE_SECONDS = Number(process.env.SAMPLE_SECONDS ?? 5);
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 8);
/** a component has levelled off when the line through its window floors rises by at most this share of their mean */
const LEVEL_TOLERANCE = 0.05;
/** windows over the last two thirds of the run, each judged by its lowest sample */
const FLOOR_WINDOWS = 3;

const root = fileURLToPath(new URL("../", import.meta.url));
const http = keepAliveCaller(IN_FLIGHT + 2);
const call = http.call;


/** The process and its descendants, from /proc (ppid is the 4th field of /proc/<pid>/stat, after the parenthesised name). */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended between the listing and the read
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** Lambda execution environments run the runtime's bootstrap; anything else under the cloud is a helper (esbuild's service). */
function isEnvironment(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("bootstrap.mjs");
  } catch {
    return false;
  }
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

interface Sample {
  second: number;
  cloudMb: number;
  /** all execution environments together */
  environmentsMb: number;
  environments: number;
  /** smallest and largest environment */
  environmentMinMb: number;
  environmentMaxMb: number;
  helpersMb: number;
  requests: number;
  emails: number;
  /** items in all DynamoDB tables: stored data, which may grow (one idempotency record per email), not a leak */
  items: number;
  /** items per table, and for a table with TTL how many are past their expiry and not yet deleted */
  itemsByTable: string;
  /** the cloud's own view of its memory (GET /_movies/memory): V8 heap used and committed, memory outside the heap (Buffers), anonymous resident pages */
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  rssAnonMb: number;
  /** committed MB of V8's new, old, code and large-object spaces */
  spaces: string;
  /** messages in each SQS queue (visible + in flight): stored data too, and a backlog when consumers fall behind */
  queued: string;
}

const mb = (kb: number) => Math.round(kb / 102.4) / 10;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

const functionsDir = await ensureBuilt();
const stack = await moviesStack(functionsDir);
const template = structuredClone(stack.template);
template.resource.aws_api_gateway_method_settings.live_stage_throttling.settings = { throttling_rate_limit: 100000, throttling_burst_limit: 100000 };
// The usage plan's key limits (10 requests/s, 1,000 a day) would turn most writes into 429s.
const plan = template.resource.aws_api_gateway_usage_plan.movies_api_usage_plan;
// Every email leaves an idempotency record that lives IDEMPOTENCY_EXPIRES_AFTER_SECONDS (an hour by
// default) before the table's TTL deletes it, so that table holds (emails/s x expiry) records in steady
// state: real data, growing for the whole first hour of a sustained load. A shorter expiry lets the
// soak reach that steady state in its warm-up, so what it judges is memory at constant stored data.
const email = template.resource.aws_lambda_function.email_notification_function;
email.environment.variables.IDEMPOTENCY_EXPIRES_AFTER_SECONDS = process.env.SOAK_IDEMPOTENCY_EXPIRY ?? "120";
plan.throttle_settings = { burst_limit: 100000, rate_limit: 100000 };
plan.quota_settings = { ...plan.quota_settings, limit: 100_000_000 };

// Bounds low enough to be reached within minutes, so the run shows memory once every record is full;
// SOAK_DEFAULT_BOUNDS=1 runs with the cloud's shipped bounds instead.
const bounds: NodeJS.ProcessEnv =
  process.env.SOAK_DEFAULT_BOUNDS === "1"
    ? {}
    : {
        MOVIES_CLOUD_MAILBOX_LIMIT: process.env.MOVIES_CLOUD_MAILBOX_LIMIT ?? "200",
        MOVIES_CLOUD_LOG_EVENTS_PER_FUNCTION: process.env.MOVIES_CLOUD_LOG_EVENTS_PER_FUNCTION ?? "1000",
        MOVIES_CLOUD_API_REQUEST_LIMIT: process.env.MOVIES_CLOUD_API_REQUEST_LIMIT ?? "200",
      };

const port = await freePort();
const cloudUrl = `http://127.0.0.1:${port}`;
const child = spawn(process.execPath, ["bin/cloud.mjs", "--port", String(port)], { cwd: root, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...bounds, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } });
let cloudErrors = "";
// Errors the cloud reports while it runs (a failing TTL sweep, a failing poller) go to its stderr; the soak counts them.
let cloudErrorCount = 0;
let firstCloudError = "";
child.stderr!.on("data", (d: Buffer) => {
  const text = d.toString("utf8");
  cloudErrors = (cloudErrors + text).slice(-4000);
  for (const line of text.split("\n").filter((l) => l.startsWith("movies cloud:"))) {
    cloudErrorCount++;
    firstCloudError ||= line.slice(0, 300);
  }
});

const statuses = new Map<number, number>();
const samples: Sample[] = [];
let requests = 0;
let countItems: () => Promise<number> = async () => -1;
let itemsByTable = "?";
let dynamodb: DynamoDBClient | undefined;
let sqs: SQSClient | undefined;
let queueDepths: () => Promise<string> = async () => "?";
try {
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`the cloud exited with ${child.exitCode}: ${cloudErrors}`);
    if (await call("GET", `${cloudUrl}/_movies/health`).then((r) => r.status === 200, () => false)) break;
    if (waited > 60_000) throw new Error("the cloud did not answer within 60 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  const applied = await call("PUT", `${cloudUrl}/_movies/stacks/movies`, {}, JSON.stringify({ template, assets: stack.assets }));
  if (applied.status !== 200) throw new Error(`apply answered ${applied.status}: ${applied.body}`);
  const outputs = (JSON.parse(applied.body) as { outputs: Record<string, { value: unknown }> }).outputs;
  const api = String(outputs.api_url!.value);
  const key = String(outputs.api_key!.value);
  const seeded = await call("POST", `${api}/movies`, { "x-api-key": key }, JSON.stringify({ title: "Heat", rating: 8, genres: ["Crime"] }));
  const seededId = (JSON.parse(seeded.body) as { id: string }).id;

  dynamodb = new DynamoDBClient(localClientConfig(cloudUrl));
  countItems = async () => {
    let n = 0;
    const now = Math.floor(Date.now() / 1000);
    const parts: string[] = [];
    for (const table of (await dynamodb!.send(new ListTablesCommand({}))).TableNames ?? []) {
      const ttl = (await dynamodb!.send(new DescribeTimeToLiveCommand({ TableName: table }))).TimeToLiveDescription;
      const ttlAttribute = ttl?.TimeToLiveStatus === "ENABLED" ? ttl.AttributeName : undefined;
      let items = 0;
      let expired = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await dynamodb!.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start as never, ...(ttlAttribute ? { ProjectionExpression: "#t", ExpressionAttributeNames: { "#t": ttlAttribute } } : { Select: "COUNT" }) }));
        items += page.Count ?? 0;
        if (ttlAttribute) expired += (page.Items ?? []).filter((i) => Number(i[ttlAttribute]?.N ?? Infinity) < now).length;
        start = page.LastEvaluatedKey;
      } while (start);
      n += items;
      parts.push(`${table.replace(/^movies-?/i, "") || table}: ${items}${ttlAttribute ? ` (${expired} past TTL)` : ""}`);
    }
    itemsByTable = parts.join(", ");
    return n;
  };
  sqs = new SQSClient(localClientConfig(cloudUrl));
  queueDepths = async () => {
    const out: string[] = [];
    for (const url of (await sqs!.send(new ListQueuesCommand({}))).QueueUrls ?? []) {
      const a = (await sqs!.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }))).Attributes ?? {};
      out.push(`${url.slice(url.lastIndexOf("/") + 1)}: ${Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0)}`);
    }
    return out.join(", ");
  };
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  let n = 0;
  const one = async () => {
    const i = n++;
    if (i % 10 < 6) count((await call("GET", `${api}/movies/${seededId}`)).status);
    else if (i % 10 < 8) count((await call("GET", `${api}/movies?limit=10`)).status);
    else {
      const created = await call("POST", `${api}/movies`, { "x-api-key": key }, JSON.stringify({ title: `Soak ${i}`, rating: 7, genres: ["Drama"] }));
      count(created.status);
      if (created.status === 201) count((await call("DELETE", `${api}/movies/${(JSON.parse(created.body) as { id: string }).id}`, { "x-api-key": key })).status);
    }
    requests++;
  };

  const started = performance.now();
  const end = started + SECONDS * 1000;
  const sample = async () => {
    const [cloudPid, ...rest] = processTree(child.pid!);
    const envs = rest.filter(isEnvironment).map(rssKb).filter((kb) => kb > 0);
    const helpers = rest.filter((p) => !isEnvironment(p)).map(rssKb);
    const items = await countItems().catch(() => -1);
    const queued = await queueDepths().catch(() => "?");
    const memory = await call("GET", `${cloudUrl}/_movies/memory`).then((r) => JSON.parse(r.body) as Record<string, number> & { heapSpaces?: Record<string, { committedMb: number }> }, () => ({}) as Record<string, number> & { heapSpaces?: Record<string, { committedMb: number }> });
    const mailbox = await call("GET", `${cloudUrl}/_aws/ses`).then((r) => (JSON.parse(r.body) as { messages: unknown[] }).messages.length, () => -1);
    samples.push({
      second: Math.round((performance.now() - started) / 1000),
      cloudMb: mb(rssKb(cloudPid!)),
      environmentsMb: mb(envs.reduce((a, b) => a + b, 0)),
      environments: envs.length,
      environmentMinMb: envs.length ? mb(Math.min(...envs)) : 0,
      environmentMaxMb: envs.length ? mb(Math.max(...envs)) : 0,
      helpersMb: mb(helpers.reduce((a, b) => a + b, 0)),
      requests,
      emails: mailbox,
      items,
      itemsByTable,
      heapUsedMb: memory.heapUsedMb ?? -1,
      heapTotalMb: memory.heapTotalMb ?? -1,
      externalMb: memory.externalMb ?? -1,
      rssAnonMb: memory.rssAnonMb ?? -1,
      spaces: ["new_space", "old_space", "code_space", "large_object_space"].map((name) => memory.heapSpaces?.[name]?.committedMb ?? "?").join(" / "),
      queued,
    });
  };
  await sample();
  const sampler = setInterval(() => void sample(), SAMPLE_SECONDS * 1000);
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) await one().catch(() => count(0));
    }),
  );
  clearInterval(sampler);
  await sample();
} finally {
  http.close();
  dynamodb?.destroy();
  sqs?.destroy();
  await stopChild(child);
}

/** Least-squares slope of points (second, MB), in MB per minute. */
function slopePerMinute(points: [number, number][]): number {
  if (points.length < 2) return 0;
  const mx = mean(points.map((p) => p[0]));
  const my = mean(points.map((p) => p[1]));
  const num = points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0);
  const den = points.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 60;
}

const judgedFrom = SECONDS / 3;
const windowSeconds = (SECONDS - judgedFrom) / FLOOR_WINDOWS;
const windows = Array.from({ length: FLOOR_WINDOWS }, (_, w) => {
  const from = judgedFrom + w * windowSeconds;
  return samples.filter((s) => s.second >= from && (w === FLOOR_WINDOWS - 1 ? true : s.second < from + windowSeconds));
}).filter((w) => w.length > 0);
const components: { name: string; value: (s: Sample) => number }[] = [
  { name: "cloud process", value: (s) => s.cloudMb },
  { name: "function environments, mean per process", value: (s) => (s.environments ? s.environmentsMb / s.environments : 0) },
  { name: "function environments, all", value: (s) => s.environmentsMb },
];
const judged = components.map((c) => {
  // Each window's floor, placed at the window's middle.
  const floors = windows.map((w): [number, number] => [mean([w[0]!.second, w[w.length - 1]!.second]), Math.min(...w.map(c.value))]);
  const slope = slopePerMinute(floors);
  const m = mean(floors.map((f) => f[1]));
  const span = floors.length > 1 ? (floors[floors.length - 1]![0] - floors[0]![0]) / 60 : 0;
  const rise = m > 0 ? (slope * span) / m : 0;
  const peak = Math.max(...windows.flat().map(c.value));
  return { ...c, floors: floors.map((f) => f[1]), slope, peak, rise, levelled: rise <= LEVEL_TOLERANCE };
});
const levelled = judged.every((j) => j.levelled);
const range = (xs: number[]) => `${Math.min(...xs)}-${Math.max(...xs)}`;
const measured = samples.filter((s) => s.environments > 0);

const lines = [
  `Soak: ${SECONDS} s of GET and POST load, ${IN_FLIGHT} in flight. Retention bounds: ${Object.keys(bounds).length ? Object.entries(bounds).map(([k, v]) => `${k}=${v}`).join(", ") : "the cloud's defaults"}; idempotency records expire after ${email.environment.variables.IDEMPOTENCY_EXPIRES_AFTER_SECONDS} s.`,
  "",
  "| s | cloud RSS (MB) | cloud heap used / committed (MB) | cloud external (MB) | cloud heap new / old / code / large-object committed (MB) | cloud anonymous RSS (MB) | environments | environments RSS (MB) | per environment min-max (MB) | helpers RSS (MB) | requests done | emails in mailbox | DynamoDB items per table | SQS messages |",
  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ...samples.map((s) => `| ${s.second} | ${s.cloudMb} | ${s.heapUsedMb} / ${s.heapTotalMb} | ${s.externalMb} | ${s.spaces} | ${s.rssAnonMb} | ${s.environments} | ${s.environmentsMb} | ${s.environmentMinMb}-${s.environmentMaxMb} | ${s.helpersMb} | ${s.requests} | ${s.emails} | ${s.itemsByTable} | ${s.queued} |`),
  "",
  `Statuses: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, c]) => `${s === 0 ? "failed" : s}: ${c}`).join(", ")}; ${Math.round(requests / SECONDS)} operations/s.`,
  `Errors the cloud reported during the run: ${cloudErrorCount}${firstCloudError ? ` (the first: ${firstCloudError})` : ""}.`,
  `Cloud RSS ${range(samples.map((s) => s.cloudMb))} MB; environments ${range(measured.map((s) => s.environments))} at once, each ${Math.min(...measured.map((s) => s.environmentMinMb))}-${Math.max(...measured.map((s) => s.environmentMaxMb))} MB.`,
  "",
  `Floors (lowest sample) of ${windows.length} windows of ${Math.round(windowSeconds)} s from ${Math.round(judgedFrom)} s on; a component has levelled off when the line through its floors rises by at most ${LEVEL_TOLERANCE * 100}% of their mean:`,
  "",
  "| component | floors (MB) | floor slope (MB/min) | rise | peak after warm-up (MB) | verdict |",
  "|---|---|---:|---:|---:|---|",
  ...judged.map((j) => `| ${j.name} | ${j.floors.map((f) => f.toFixed(1)).join(", ")} | ${j.slope.toFixed(2)} | ${(j.rise * 100).toFixed(1)}% | ${j.peak.toFixed(1)} | ${j.levelled ? "levelled off" : "STILL CLIMBING"} |`),
  "",
  `Verdict: ${levelled ? "LEVELLED OFF" : "STILL CLIMBING"}.`,
];
publishBench("soak", import.meta.url, lines);
if (process.env.SOAK_OUT) writeFileSync(process.env.SOAK_OUT, lines.join("\n") + "\n");
if (!levelled) process.exitCode = 1;
