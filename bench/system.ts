/**
 * The whole movies system as a user feels it: the cloud started as a user
 * starts it (`node bin/cloud.mjs`, its own process), the MoviesStack applied
 * over the admin API, and a load generator here, in another process, over
 * HTTP with keep-alive. Measures warm GET /movies/{id} (API Gateway -> Lambda
 * -> DynamoDB) one at a time and 16 in flight, POST /movies 16 in flight, and
 * POST to the email in the SES mailbox (read over `/_aws/ses`), beside
 * dynalite alone in its own process driven by the same client at the same
 * concurrency (its GetItem rate is the floor a DynamoDB-backed GET cannot
 * beat). CPU per request comes from /proc for the cloud process and its
 * execution environments (child processes) and for dynalite. The floors a
 * warm GET cannot go below are measured alone: the AWS SDK's GetItem (what
 * the function runs) against dynalite, and the process hop (an IPC round trip
 * to a child process). A last phase runs a cloud under `--cpu-prof` (its
 * environments too) for GETs, then for POSTs, and prints where the time goes.
 * Prints markdown tables and publishes them.
 *
 * The stack throttles its stage and its usage plan at 10 requests/s (burst
 * 20, 1000 a day), as it should on AWS; the load rows apply it with those
 * limits raised, and the email rows once as shipped (2 s batching window) and
 * once with no window.
 *
 * ROUNDS (3), REQUESTS (1000), EMAILS (10); PROFILE=0 skips the profiles,
 * KEEP_PROFILES=1 keeps the .cpuprofile files. One round with the profiles
 * took about 5 min on 2 cores at load 17-26; the default three, 10-15 min there.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { ensureBuilt } from "../test/support/built-functions.js";
import { moviesStack, type SynthesizedStack } from "../test/support/movies-stack.js";
import { profilesIn, summarizeProfiles } from "./support/cpu-profile.js";
import { median, processCpuMs, spawnCloud, spawnDynalite, treeCpuMs, type ServerProcess } from "./support/server-process.js";
import { publishBench } from "./support/report.js";
import { keepAliveCaller } from "./support/http-call.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const REQUESTS = Number(process.env.REQUESTS ?? 1000);
const IN_FLIGHT = 16;
const EMAILS = Number(process.env.EMAILS ?? 10);
const PROFILE = process.env.PROFILE !== "0";

const startLoad = loadavg().map((l) => l.toFixed(2)).join(" ");
const http = keepAliveCaller(IN_FLIGHT);
const call = http.call;


async function apply(url: string, stack: SynthesizedStack, template: object): Promise<Record<string, { value: any }>> {
  const res = await call("PUT", `${url}/_movies/stacks/movies`, {}, JSON.stringify({ template, assets: stack.assets }));
  if (res.status !== 200) throw new Error(`apply answered ${res.status}: ${res.body}`);
  return (JSON.parse(res.body) as { outputs: Record<string, { value: any }> }).outputs;
}

function variant(stack: SynthesizedStack, change: (t: any) => void): object {
  const t = structuredClone(stack.template);
  change(t);
  return t;
}

interface Load {
  p50: number;
  rps: number;
  /** CPU ms per request of the server process and of its child processes (execution environments) */
  cpuServer: number;
  cpuChildren: number;
  /** child processes (environments, spares) that started during the run: their start-up is in cpuChildren */
  started: number;
}

function cpuSplit(pid: number): { own: number; children: Map<number, number> } {
  const all = treeCpuMs(pid);
  const own = all.get(pid) ?? 0;
  all.delete(pid);
  return { own, children: all };
}

/** Latency of each of `total` calls, `inFlight` at a time, the rate over the whole run and the CPU it cost `server`. */
async function load(server: ServerProcess, total: number, inFlight: number, one: () => Promise<void>): Promise<Load> {
  const latencies: number[] = [];
  let next = 0;
  const before = cpuSplit(server.pid);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < total) {
        const t = performance.now();
        await one();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = performance.now() - started;
  const after = cpuSplit(server.pid);
  let children = 0;
  let spawned = 0;
  for (const [pid, ms] of after.children) {
    children += ms - (before.children.get(pid) ?? 0);
    if (!before.children.has(pid)) spawned++;
  }
  return { p50: median(latencies), rps: total / (elapsed / 1000), cpuServer: (after.own - before.own) / total, cpuChildren: children / total, started: spawned };
}

/** POST /movies, then the email it causes, read from the mailbox over HTTP every 2 ms as a user's script would. */
async function emailLatency(cloud: string, api: string, key: string, n: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    await call("DELETE", `${cloud}/_aws/ses`);
    const title = `Bench ${Date.now()}-${i}`;
    const t = performance.now();
    const res = await call("POST", `${api}/movies`, { "x-api-key": key }, JSON.stringify({ title, rating: 7, genres: ["drama"] }));
    if (res.status !== 201) throw new Error(`POST answered ${res.status}: ${res.body}`);
    const subject = `New Movie Added: ${title}`;
    for (;;) {
      const box = await call("GET", `${cloud}/_aws/ses`);
      if ((JSON.parse(box.body) as { messages: { Subject?: string }[] }).messages.some((m) => m.Subject === subject)) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    samples.push(performance.now() - t);
  }
  return median(samples);
}

// dynalite accepts any signature; one signed-looking header set serves every GetItem.
const DYNAMO_HEADERS = {
  "content-type": "application/x-amz-json-1.0",
  "x-amz-target": "DynamoDB_20120810.GetItem",
  "x-amz-date": "20261202T000000Z",
  authorization: "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20261202/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0",
};

async function dynaliteTable(url: string): Promise<string> {
  const headers = (target: string) => ({ ...DYNAMO_HEADERS, "x-amz-target": `DynamoDB_20120810.${target}` });
  const created = await call("POST", url, headers("CreateTable"), JSON.stringify({ TableName: "Movies", AttributeDefinitions: [{ AttributeName: "ID", AttributeType: "S" }], KeySchema: [{ AttributeName: "ID", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }));
  if (created.status !== 200) throw new Error(`dynalite CreateTable answered ${created.status}: ${created.body}`);
  // CREATING for a moment even with --createTableMs 0
  for (;;) {
    const described = await call("POST", url, headers("DescribeTable"), JSON.stringify({ TableName: "Movies" }));
    if ((JSON.parse(described.body) as { Table?: { TableStatus?: string } }).Table?.TableStatus === "ACTIVE") break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const item = { ID: { S: "0190a6e4-heat" }, Title: { S: "Heat" }, Rating: { N: "8" }, Genres: { L: [{ S: "crime" }] } };
  const put = await call("POST", url, headers("PutItem"), JSON.stringify({ TableName: "Movies", Item: item }));
  if (put.status !== 200) throw new Error(`dynalite PutItem answered ${put.status}: ${put.body}`);
  return JSON.stringify({ TableName: "Movies", Key: { ID: { S: "0190a6e4-heat" } } });
}

/** CPU ms this process spends per call of `one`, `inFlight` at a time: a client's own cost. */
async function clientCpu(total: number, inFlight: number, one: () => Promise<void>): Promise<{ rps: number; cpu: number }> {
  let next = 0;
  const before = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => { while (next++ < total) await one(); }));
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(before);
  return { rps: total / (elapsed / 1000), cpu: (used.user + used.system) / 1000 / total };
}

/**
 * The process hop alone: a child process on an IPC channel, as an execution
 * environment is, answering a message the size of an API Gateway event with a
 * reply the size of a GET's result, one at a time. Round trip p50 and CPU per
 * round trip (this process + the child).
 */
async function ipcHop(total: number, event: string): Promise<{ p50: number; cpu: number }> {
  const echo = "process.on('message', (m) => process.send({ type: 'result', requestId: m.requestId, payload: m.reply, memoryUsedMb: 1 }))";
  const child = spawn(process.execPath, ["-e", echo], { stdio: ["ignore", "ignore", "ignore", "ipc"] });
  await new Promise((r) => child.once("spawn", r));
  const reply = JSON.stringify({ statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ id: "x".repeat(36), title: "Heat", rating: 8, genres: ["crime"] }) });
  const once = () =>
    new Promise<void>((resolve) => {
      child.once("message", () => resolve());
      child.send({ type: "invoke", requestId: randomUUID(), payload: event, deadlineMs: Date.now() + 3000, invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:get-movie", reply });
    });
  for (let i = 0; i < 200; i++) await once();
  const latencies: number[] = [];
  const before = process.cpuUsage();
  const childBefore = processCpuMs(child.pid!);
  for (let i = 0; i < total; i++) {
    const t = performance.now();
    await once();
    latencies.push(performance.now() - t);
  }
  const used = process.cpuUsage(before);
  const childMs = processCpuMs(child.pid!) - childBefore;
  child.kill("SIGKILL");
  return { p50: median(latencies), cpu: ((used.user + used.system) / 1000 + childMs) / total };
}

interface Deployed {
  api: string;
  key: string;
  /** a proxy event of the size API Gateway builds for the GET */
  sampleEvent: string;
  getOne: () => Promise<void>;
  postOne: () => Promise<void>;
}

async function deploy(cloud: ServerProcess, stack: SynthesizedStack, template: object): Promise<Deployed> {
  const outputs = await apply(cloud.url, stack, template);
  const api = String(outputs.api_url!.value);
  const key = String(outputs.api_key!.value);
  const created = await call("POST", `${api}/movies`, { "x-api-key": key }, JSON.stringify({ title: "Heat", rating: 8, genres: ["crime"] }));
  if (created.status !== 201) throw new Error(`POST answered ${created.status}: ${created.body}`);
  const id = (JSON.parse(created.body) as { id: string }).id;
  let n = 0;
  const sampleEvent = JSON.stringify(proxyEventSample(api, id));
  return {
    api,
    key,
    sampleEvent,
    getOne: async () => {
      const r = await call("GET", `${api}/movies/${id}`);
      if (r.status !== 200) throw new Error(`GET answered ${r.status}: ${r.body}`);
    },
    postOne: async () => {
      const r = await call("POST", `${api}/movies`, { "x-api-key": key }, JSON.stringify({ title: `Load ${n++}`, rating: 6, genres: ["drama"] }));
      if (r.status !== 201) throw new Error(`POST answered ${r.status}: ${r.body}`);
    },
  };
}

const functionsDir = await ensureBuilt();
const stack = await moviesStack(functionsDir);
/** The stage throttle, the usage plan's throttle and its daily quota raised for a load test. */
function raiseLimits(t: any): void {
  t.resource.aws_api_gateway_method_settings.live_stage_throttling.settings = { throttling_rate_limit: 100000, throttling_burst_limit: 100000 };
  const plan = t.resource.aws_api_gateway_usage_plan.movies_api_usage_plan;
  plan.throttle_settings = { burst_limit: 100000, rate_limit: 100000 };
  plan.quota_settings = { ...plan.quota_settings, limit: 10_000_000 };
}
const unthrottled = variant(stack, raiseLimits);
const noWindow = variant(stack, (t) => {
  raiseLimits(t);
  t.resource.aws_lambda_event_source_mapping.email_notification_queue_trigger.maximum_batching_window_in_seconds = 0;
});

const getSerial: Load[] = [];
const get: Load[] = [];
const post: Load[] = [];
const dyn: Load[] = [];
const dynSerial: Load[] = [];
const emailShipped: number[] = [];
const emailNoWindow: number[] = [];
const sdkClient: { rps: number; cpu: number }[] = [];
const rawClient: { rps: number; cpu: number }[] = [];
const hops: { p50: number; cpu: number }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const dynalite = await spawnDynalite();
  try {
    const body = await dynaliteTable(dynalite.url);
    const getItem = async () => {
      const r = await call("POST", dynalite.url, DYNAMO_HEADERS, body);
      if (r.status !== 200) throw new Error(`GetItem answered ${r.status}: ${r.body}`);
    };
    await load(dynalite, 200, IN_FLIGHT, getItem);
    dyn.push(await load(dynalite, REQUESTS, IN_FLIGHT, getItem));
    dynSerial.push(await load(dynalite, Math.min(REQUESTS, 500), 1, getItem));
    // what a function's SDK call costs its own process, beside what this bare client costs
    const sdk = new DynamoDBClient({ endpoint: dynalite.url, region: "us-east-1", credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench", sessionToken: "bench" } });
    const sdkGet = async () => void (await sdk.send(new GetItemCommand({ TableName: "Movies", Key: { ID: { S: "0190a6e4-heat" } } })));
    await clientCpu(200, IN_FLIGHT, sdkGet);
    sdkClient.push(await clientCpu(REQUESTS, IN_FLIGHT, sdkGet));
    sdk.destroy();
    rawClient.push(await clientCpu(REQUESTS, IN_FLIGHT, getItem));
  } finally {
    await dynalite.stop();
  }

  const cloud = await spawnCloud();
  try {
    const d = await deploy(cloud, stack, unthrottled);
    await load(cloud, 200, IN_FLIGHT, d.getOne); // warm: every environment started
    get.push(await load(cloud, REQUESTS, IN_FLIGHT, d.getOne));
    hops.push(await ipcHop(Math.min(REQUESTS, 1000), d.sampleEvent));
    getSerial.push(await load(cloud, Math.min(REQUESTS, 500), 1, d.getOne));
    await load(cloud, 100, IN_FLIGHT, d.postOne);
    post.push(await load(cloud, Math.ceil(REQUESTS / 2), IN_FLIGHT, d.postOne));
    // the emails of the POSTs above drain before the email rows start
    await new Promise((r) => setTimeout(r, 3000));
    emailShipped.push(await emailLatency(cloud.url, d.api, d.key, Math.min(EMAILS, 5)));
    await apply(cloud.url, stack, noWindow);
    emailNoWindow.push(await emailLatency(cloud.url, d.api, d.key, EMAILS));
  } finally {
    await cloud.stop();
  }
}

/** A REST proxy event as API Gateway builds it for GET /movies/{id} from this client: its size is what crosses the process hop. */
function proxyEventSample(api: string, id: string): object {
  const headers = { host: new URL(api).host, connection: "keep-alive" };
  return {
    resource: "/movies/{movieID}", path: `/movies/${id}`, httpMethod: "GET", headers, multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: { movieID: id }, stageVariables: null,
    requestContext: { resourceId: "abc123", resourcePath: "/movies/{movieID}", httpMethod: "GET", extendedRequestId: "x".repeat(16), requestTime: new Date().toUTCString(), path: `/live/movies/${id}`, accountId: "000000000000", protocol: "HTTP/1.1", stage: "live", domainPrefix: "x", requestTimeEpoch: Date.now(), requestId: randomUUID(), identity: { sourceIp: "127.0.0.1", userAgent: null, accessKey: null, accountId: null, caller: null, user: null, userArn: null, apiKey: null, apiKeyId: null, cognitoIdentityPoolId: null, cognitoIdentityId: null, cognitoAuthenticationType: null, cognitoAuthenticationProvider: null, principalOrgId: null }, domainName: new URL(api).host, deploymentId: "abc123", apiId: "abc123" },
    body: null, isBase64Encoded: false,
  };
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const med = (xs: Load[], f: (l: Load) => number) => median(xs.map(f));
const cpu = (xs: Load[]) =>
  `${med(xs, (l) => l.cpuServer + l.cpuChildren).toFixed(2)} ms (${med(xs, (l) => l.cpuServer).toFixed(2)} cloud + ${med(xs, (l) => l.cpuChildren).toFixed(2)} functions; ${med(xs, (l) => l.started)} processes started during the run)`;
// The CPU a warm GET cannot shed while the function calls DynamoDB through the AWS SDK from its own process.
const floorCpu = median(sdkClient.map((c) => c.cpu)) + med(dyn, (l) => l.cpuServer) + median(hops.map((h) => h.cpu)) + median(rawClient.map((c) => c.cpu));
const rows: [string, string][] = [
  ["warm GET /movies/{id} through API Gateway + Lambda + DynamoDB, p50 one request at a time", ms(med(getSerial, (l) => l.p50))],
  ["warm GET /movies/{id}, requests/s (16 in flight)", med(get, (l) => l.rps).toFixed(0)],
  ["warm GET /movies/{id}, p50 (16 in flight)", ms(med(get, (l) => l.p50))],
  ["warm GET /movies/{id}, CPU per request (16 in flight)", cpu(get)],
  ["peer: dynalite alone (own process), GetItem requests/s (16 in flight, same client)", med(dyn, (l) => l.rps).toFixed(0)],
  ["peer: dynalite alone, GetItem p50 (16 in flight) / one at a time", `${ms(med(dyn, (l) => l.p50))} / ${ms(med(dynSerial, (l) => l.p50))}`],
  ["peer: dynalite alone, CPU per GetItem", `${med(dyn, (l) => l.cpuServer).toFixed(2)} ms`],
  ["floor: the AWS SDK's GetItem (what a function runs) against dynalite alone, CPU per call in the calling process / this bench's bare HTTP client", `${median(sdkClient.map((c) => c.cpu)).toFixed(2)} ms / ${median(rawClient.map((c) => c.cpu)).toFixed(2)} ms`],
  ["floor: the process hop alone (IPC round trip of a GET-sized event and result, child process), p50 / CPU per round trip", `${median(hops.map((h) => h.p50)).toFixed(2)} ms / ${median(hops.map((h) => h.cpu)).toFixed(2)} ms`],
  [
    `ceiling for the warm GET from those floors alone, ${cpus().length} cores x 1000 / (SDK call + dynalite GetItem + process hop + bare client), requests/s; the target 0.8 x dynalite`,
    `${((cpus().length * 1000) / floorCpu).toFixed(0)}; ${(0.8 * med(dyn, (l) => l.rps)).toFixed(0)}`,
  ],
  ["warm GET rate / dynalite GetItem rate (target >= 0.8)", (med(get, (l) => l.rps) / med(dyn, (l) => l.rps)).toFixed(2)],
  ["POST /movies with the key, requests/s (16 in flight)", med(post, (l) => l.rps).toFixed(0)],
  ["POST /movies, p50 (16 in flight)", ms(med(post, (l) => l.p50))],
  ["POST /movies, CPU per request (16 in flight; the email path it triggers included)", cpu(post)],
  ["POST /movies to email in the mailbox, p50, stack as shipped (2 s batching window)", ms(median(emailShipped))],
  ["POST /movies to email in the mailbox, p50, batching window 0", ms(median(emailNoWindow))],
];
const out: string[] = [];
out.push(`| measure (${ROUNDS} rounds, ${REQUESTS} requests each, cloud and dynalite each in its own process; load average before ${startLoad}) | result |\n|---|---|`);
for (const [k, v] of rows) out.push(`| ${k} | ${v} |`);

if (PROFILE) {
  process.stderr.write(`${out.join("\n")}\n`); // shown even if the profile run fails
  out.push("", ...(await profile("GET")), ...(await profile("POST")));
}
http.close();
publishBench("system", import.meta.url, out);

/**
 * One more cloud per kind of request, under `--cpu-prof` (its execution
 * environments too): after a warm-up, 1000 warm GETs or 500 POSTs (with the
 * email path they cause), 16 in flight; then self time by place and by
 * function in the cloud process and in the environments, start-up left out.
 */
async function profile(kind: "GET" | "POST"): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "movies-prof-"));
  const cloudDir = join(dir, "cloud");
  const fnDir = join(dir, "functions");
  mkdirSync(fnDir);
  // the environments run as uids of their own and write their profiles here
  for (const d of [dir, fnDir]) chmodSync(d, 0o1777);
  const cloud = await spawnCloud({ nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${cloudDir}`], env: { MOVIES_LAMBDA_CPU_PROF_DIR: fnDir } });
  let requests: number;
  try {
    const d = await deploy(cloud, stack, unthrottled);
    if (kind === "GET") {
      await load(cloud, 200, IN_FLIGHT, d.getOne);
      requests = 1000;
      await load(cloud, requests, IN_FLIGHT, d.getOne);
    } else {
      await load(cloud, 100, IN_FLIGHT, d.postOne);
      requests = 500;
      await load(cloud, requests, IN_FLIGHT, d.postOne);
      await new Promise((r) => setTimeout(r, 2500)); // the last batches of emails
    }
  } finally {
    await cloud.stop();
  }
  const lines = [`Profile of warm ${kind}s (\`--cpu-prof\`, ${requests!} requests 16 in flight after a warm-up; self time; idle and process start-up left out):`, ""];
  for (const [who, files] of [["cloud process", profilesIn(cloudDir)], ["execution environments", profilesIn(fnDir)]] as const) {
    const summary = summarizeProfiles(files, 8);
    const warm = summary.busyMs - summary.startupMs;
    lines.push(`| ${who}: ${files.length} profile(s), ${warm.toFixed(0)} ms warm (+${summary.startupMs.toFixed(0)} ms start-up) | self ms | share |`, "|---|---|---|");
    for (const e of summary.topPlaces) lines.push(`| in ${e.what} | ${e.selfMs.toFixed(0)} | ${(e.share * 100).toFixed(1)}% |`);
    for (const e of summary.topFunctions) lines.push(`| \`${e.what}\` | ${e.selfMs.toFixed(0)} | ${(e.share * 100).toFixed(1)}% |`);
    lines.push("");
  }
  if (process.env.KEEP_PROFILES === "1") lines.push(`(profiles kept in ${dir})`);
  else rmSync(dir, { recursive: true, force: true });
  return lines;
}
