/**
 * Soak: does the cloud's memory level off under sustained load? Starts the
 * cloud from outside (`node bin/cloud.mjs`), applies the MoviesStack (stage
 * throttle raised), then for SOAK_SECONDS (default 180) drives GET and POST
 * load through API Gateway with IN_FLIGHT requests in flight: GET
 * /movies/{id}, GET /movies, and POST /movies followed by DELETE of the same
 * movie (each POST and DELETE also runs SNS -> SQS -> email Lambda -> SES, so
 * the mailbox, logs and request records all fill; the table itself stays the
 * same size, so stored data is not mistaken for a leak). Every SAMPLE_SECONDS
 * it reads VmRSS from /proc of the cloud and of every process under it
 * (function child processes, when there are any).
 *
 * Prints (and writes to SOAK_OUT when set) the series as a markdown table and
 * a verdict: after a warm-up of the first fifth of the run, the mean RSS of
 * the last half must be within 10% of the first half's, the test the issue
 * sets as "levels off instead of climbing".
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { ensureBuilt } from "../test/support/built-functions.js";
import { freePort } from "../test/support/free-port.js";
import { moviesStack } from "../test/support/movies-stack.js";
import { stopChild } from "../test/support/stop-child.js";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 180);
const SAMPLE_SECONDS = Number(process.env.SAMPLE_SECONDS ?? 5);
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 8);
const WARM_UP_FRACTION = 0.2;
const LEVEL_TOLERANCE = 0.1;

const root = fileURLToPath(new URL("../", import.meta.url));
const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT + 2 });

function call(method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const h = body ? { ...headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } : headers;
    const req = request(url, { method, agent, headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

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
  childrenMb: number;
  processes: number;
  requests: number;
  emails: number;
}

const mb = (kb: number) => Math.round(kb / 102.4) / 10;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

const functionsDir = await ensureBuilt();
const stack = await moviesStack(functionsDir);
const template = structuredClone(stack.template);
template.resource.aws_api_gateway_method_settings.live_stage_throttling.settings = { throttling_rate_limit: 100000, throttling_burst_limit: 100000 };
// The usage plan's key limits (10 requests/s, 1,000 a day) would turn most writes into 429s.
const plan = template.resource.aws_api_gateway_usage_plan.movies_api_usage_plan;
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
child.stderr!.on("data", (d: Buffer) => (cloudErrors = (cloudErrors + d.toString("utf8")).slice(-4000)));

const statuses = new Map<number, number>();
const samples: Sample[] = [];
let requests = 0;
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
    const tree = processTree(child.pid!);
    const [cloud, ...rest] = tree.map(rssKb);
    const mailbox = await call("GET", `${cloudUrl}/_aws/ses`).then((r) => (JSON.parse(r.body) as { messages: unknown[] }).messages.length, () => -1);
    samples.push({ second: Math.round((performance.now() - started) / 1000), cloudMb: mb(cloud ?? 0), childrenMb: mb(rest.reduce((a, b) => a + b, 0)), processes: tree.length, requests, emails: mailbox });
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
  agent.destroy();
  await stopChild(child);
}

const total = (s: Sample) => s.cloudMb + s.childrenMb;
const measured = samples.filter((s) => s.second >= SECONDS * WARM_UP_FRACTION);
const half = Math.floor(measured.length / 2);
const first = mean(measured.slice(0, half).map(total));
const last = mean(measured.slice(half).map(total));
const growth = first > 0 ? (last - first) / first : 0;
const levelled = growth <= LEVEL_TOLERANCE;
/** Least-squares slope of RSS over the last half, in MB per minute: what is left of any climb. */
function slopePerMinute(xs: Sample[]): number {
  if (xs.length < 2) return 0;
  const mx = mean(xs.map((s) => s.second));
  const my = mean(xs.map(total));
  const num = xs.reduce((a, s) => a + (s.second - mx) * (total(s) - my), 0);
  const den = xs.reduce((a, s) => a + (s.second - mx) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 60;
}
const slope = slopePerMinute(measured.slice(half));

const lines = [
  `# Soak: ${SECONDS} s of GET and POST load, ${IN_FLIGHT} in flight (Node ${process.version})`,
  "",
  `Retention bounds: ${Object.keys(bounds).length ? Object.entries(bounds).map(([k, v]) => `${k}=${v}`).join(", ") : "the cloud's defaults"}.`,
  "",
  "| s | cloud RSS (MB) | function processes RSS (MB) | processes | requests done | emails in mailbox |",
  "|---:|---:|---:|---:|---:|---:|",
  ...samples.map((s) => `| ${s.second} | ${s.cloudMb} | ${s.childrenMb} | ${s.processes} | ${s.requests} | ${s.emails} |`),
  "",
  `Statuses: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, c]) => `${s === 0 ? "failed" : s}: ${c}`).join(", ")}; ${Math.round(requests / SECONDS)} operations/s.`,
  `RSS after warm-up (first ${WARM_UP_FRACTION * 100}% dropped): first half mean ${first.toFixed(1)} MB, last half mean ${last.toFixed(1)} MB (${(growth * 100).toFixed(1)}%), peak ${Math.max(...samples.map(total)).toFixed(1)} MB; last-half slope ${slope.toFixed(1)} MB/min.`,
  `Verdict: ${levelled ? "LEVELLED OFF" : "STILL CLIMBING"} (levelled means the last half is within ${LEVEL_TOLERANCE * 100}% of the first).`,
];
const report = lines.join("\n") + "\n";
process.stdout.write(report);
if (process.env.SOAK_OUT) writeFileSync(process.env.SOAK_OUT, report);
if (!levelled) process.exitCode = 1;
