/**
 * The whole movies system in the embedded cloud, no Docker: start a cloud and
 * apply the MoviesStack (built zips, synthesized stack) through the admin API;
 * warm GET /movies/{id} through API Gateway, Lambda and DynamoDB (p50 and
 * requests/s with 16 in flight), beside dynalite's GetItem alone on the same
 * table as the floor; POST /movies to the email in the SES mailbox. Prints a
 * markdown table.
 *
 * The stack throttles its stage at 10 requests/s (burst 20), as it should on
 * AWS; the throughput rows apply it with the stage throttle raised, and the
 * email rows once as shipped (2 s batching window) and once with no window.
 */
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { Agent, request } from "node:http";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import { ensureBuilt } from "../test/support/built-functions.js";
import { moviesStack, type SynthesizedStack } from "../test/support/movies-stack.js";
import { median } from "./support/server-process.js";
import { publishBench } from "./support/report.js";

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const REQUESTS = Number(process.env.REQUESTS ?? 2000);
const IN_FLIGHT = 16;
const EMAILS = Number(process.env.EMAILS ?? 20);

const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

function call(method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: body ? { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function apply(cloud: Cloud, stack: SynthesizedStack, template: object): Promise<Record<string, { value: any }>> {
  const res = await call("PUT", `${cloud.url}/_movies/stacks/movies`, {}, JSON.stringify({ template, assets: stack.assets }));
  if (res.status !== 200) throw new Error(`apply answered ${res.status}: ${res.body}`);
  return (JSON.parse(res.body) as { outputs: Record<string, { value: any }> }).outputs;
}

function variant(stack: SynthesizedStack, change: (t: any) => void): object {
  const t = structuredClone(stack.template);
  change(t);
  return t;
}

/** Latency of each of `total` calls, `inFlight` at a time, and the rate over the whole run. */
async function load(total: number, inFlight: number, one: () => Promise<void>): Promise<{ p50: number; rps: number }> {
  const latencies: number[] = [];
  let next = 0;
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
  return { p50: median(latencies), rps: total / ((performance.now() - started) / 1000) };
}

async function emailLatency(cloud: Cloud, api: string, key: string, n: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const title = `Bench ${Date.now()}-${i}`;
    const t = performance.now();
    const res = await call("POST", `${api}/movies`, { "x-api-key": key }, JSON.stringify({ title, rating: 7, genres: ["drama"] }));
    if (res.status !== 201) throw new Error(`POST answered ${res.status}: ${res.body}`);
    const subject = `New Movie Added: ${title}`;
    while (!cloud.models.ses.messages().some((m) => m.Subject === subject)) await new Promise((r) => setImmediate(r));
    samples.push(performance.now() - t);
  }
  return median(samples);
}

const functionsDir = await ensureBuilt();
const stack = await moviesStack(functionsDir);
const unthrottled = variant(stack, (t) => {
  t.resource.aws_api_gateway_method_settings.live_stage_throttling.settings = { throttling_rate_limit: 100000, throttling_burst_limit: 100000 };
});
const noWindow = variant(stack, (t) => {
  t.resource.aws_api_gateway_method_settings.live_stage_throttling.settings = { throttling_rate_limit: 100000, throttling_burst_limit: 100000 };
  t.resource.aws_lambda_event_source_mapping.email_notification_queue_trigger.maximum_batching_window_in_seconds = 0;
});

const startApply: number[] = [];
const get: { p50: number; rps: number }[] = [];
const getSerial: number[] = [];
const floor: { p50: number; rps: number }[] = [];
const emailShipped: number[] = [];
const emailNoWindow: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const t = performance.now();
  const cloud = await startCloud({ port: 0 });
  let outputs = await apply(cloud, stack, stack.template);
  startApply.push(performance.now() - t);
  try {
    outputs = await apply(cloud, stack, unthrottled);
    const api = String(outputs.api_url!.value);
    const key = String(outputs.api_key!.value);
    const created = await call("POST", `${api}/movies`, { "x-api-key": key }, JSON.stringify({ title: "Heat", rating: 8, genres: ["crime"] }));
    const id = (JSON.parse(created.body) as { id: string }).id;
    const getOne = async () => {
      const r = await call("GET", `${api}/movies/${id}`);
      if (r.status !== 200) throw new Error(`GET answered ${r.status}: ${r.body}`);
    };
    await load(200, IN_FLIGHT, getOne); // warm: every environment started
    get.push(await load(REQUESTS, IN_FLIGHT, getOne));
    getSerial.push((await load(Math.min(REQUESTS, 500), 1, getOne)).p50);

    const dynamo = new DynamoDBClient({ endpoint: await cloud.dynaliteUrl(), region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    const getItem = async () => void (await dynamo.send(new GetItemCommand({ TableName: "Movies", Key: { ID: { S: id } } })));
    await load(200, IN_FLIGHT, getItem);
    floor.push(await load(REQUESTS, IN_FLIGHT, getItem));
    dynamo.destroy();

    emailShipped.push(await emailLatency(cloud, api, key, Math.min(EMAILS, 5)));
    await apply(cloud, stack, noWindow);
    emailNoWindow.push(await emailLatency(cloud, api, key, EMAILS));
  } finally {
    await cloud.stop();
  }
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const rows: [string, string][] = [
  ["start the cloud + apply the MoviesStack over the admin API (60 resources, 6 zips), median", ms(median(startApply))],
  ["warm GET /movies/{id} through API Gateway + Lambda + DynamoDB, p50 (16 in flight)", ms(median(get.map((g) => g.p50)))],
  ["warm GET /movies/{id}, requests/s (16 in flight)", median(get.map((g) => g.rps)).toFixed(0)],
  ["warm GET /movies/{id}, p50 one request at a time", ms(median(getSerial))],
  ["peer floor: dynalite GetItem alone on the same table, p50 (16 in flight)", ms(median(floor.map((g) => g.p50)))],
  ["peer floor: dynalite GetItem alone, requests/s (16 in flight)", median(floor.map((g) => g.rps)).toFixed(0)],
  ["POST /movies to email in the mailbox, p50, stack as shipped (2 s batching window)", ms(median(emailShipped))],
  ["POST /movies to email in the mailbox, p50, batching window 0", ms(median(emailNoWindow))],
];
const out: string[] = [];
const load1 = (await import("node:os")).loadavg()[0]!.toFixed(1);
out.push(`| measure (${ROUNDS} rounds, ${REQUESTS} requests each; 1-minute load average at the end ${load1}) | result |\n|---|---|`);
for (const [k, v] of rows) out.push(`| ${k} | ${v} |`);
agent.destroy();
publishBench("system", import.meta.url, out);
