/**
 * What recording traces costs a request. Two embedded clouds in one process,
 * the same MoviesStack applied to each, one recording traces (the default)
 * and one with the trace limit 0 (nothing recorded): warm GET /movies/{id}
 * one at a time, p50 and p90, the two clouds taking turns in rounds so load
 * changes hit both. Beside them, the recorder alone: the spans of one warm GET
 * (API Gateway, the invocation, its GetItem) opened, ended and stored, per
 * request, in a loop.
 * Run: npx tsx bench/trace-overhead.ts  (about 40 s; ROUNDS, REQUESTS to change)
 */
import { loadavg } from "node:os";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import { TraceStore } from "../emulator/trace/store.js";
import { Tracer } from "../emulator/trace/tracer.js";
import { ensureBuilt } from "../test/support/built-functions.js";
import { moviesStack, type SynthesizedStack } from "../test/support/movies-stack.js";
import { publishBench } from "./support/report.js";
import { keepAliveCaller } from "./support/http-call.js";

const ROUNDS = Number(process.env.ROUNDS ?? 6);
const REQUESTS = Number(process.env.REQUESTS ?? 300);
const RECORDER_LOOPS = 200_000;

const http = keepAliveCaller(4);
const call = http.call;


function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Target {
  label: string;
  cloud: Cloud;
  url: string;
  samples: number[];
}

async function deploy(label: string, stack: SynthesizedStack, template: object, traceLimit?: number): Promise<Target> {
  const cloud = await startCloud({ port: 0, traceLimit });
  const res = await call("PUT", `${cloud.url}/_movies/stacks/movies`, {}, JSON.stringify({ template, assets: stack.assets }));
  if (res.status !== 200) throw new Error(`apply answered ${res.status}: ${res.body}`);
  const outputs = (JSON.parse(res.body) as { outputs: Record<string, { value: string }> }).outputs;
  const created = await call("POST", `${outputs.api_url!.value}/movies`, { "x-api-key": outputs.api_key!.value }, JSON.stringify({ title: "Heat", rating: 8.3, genres: ["crime"] }));
  if (created.status !== 201) throw new Error(`POST /movies answered ${created.status}: ${created.body}`);
  const url = `${outputs.api_url!.value}/movies/${(JSON.parse(created.body) as { id: string }).id}`;
  // warm: the environment, the connection, dynalite's table
  for (let i = 0; i < 50; i++) await call("GET", url);
  return { label, cloud, url, samples: [] };
}

/** Opening, ending and storing the spans of one warm GET, as the cloud does: µs per request. */
function recorderCost(): number {
  const tracer = new Tracer(new TraceStore(500));
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      const root = tracer.begin({ name: "GET /movies/{movieID}", service: "apigateway", operation: "request", kind: "server", attributes: { "http.method": "GET", "http.target": "/movies/1" } });
      root.attributes["http.route"] = "/movies/{movieID}";
      root.attributes["http.status_code"] = 200;
      const fn = tracer.begin({ parent: root, name: "get-movie", service: "lambda", operation: "Invoke", kind: "server", attributes: { "movies.function": "get-movie" } });
      tracer.bind("AKIA", fn);
      const call = tracer.begin({ parent: tracer.invocationOf("AKIA"), name: "DynamoDB.GetItem", service: "dynamodb", operation: "GetItem", kind: "client", attributes: { "rpc.system": "aws-api" } });
      call.attributes["aws.dynamodb.table"] = "Movies";
      tracer.end(call);
      tracer.unbind("AKIA", fn);
      tracer.end(fn);
      tracer.end(root);
    }
  };
  run(20_000);
  const started = performance.now();
  run(RECORDER_LOOPS);
  return ((performance.now() - started) * 1000) / RECORDER_LOOPS;
}

const functionsDir = await ensureBuilt();
const stack = await moviesStack(functionsDir);
const template = structuredClone(stack.template) as any;
// the stack throttles its stage at 10 requests/s, as it should on AWS; a latency run needs it out of the way
template.resource.aws_api_gateway_method_settings.live_stage_throttling.settings = { throttling_rate_limit: 100000, throttling_burst_limit: 100000 };

const on = await deploy("traces recorded (default)", stack, template);
const off = await deploy("trace limit 0 (nothing recorded)", stack, template, 0);
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of round % 2 === 0 ? [on, off] : [off, on]) {
      for (let i = 0; i < REQUESTS; i++) {
        const started = performance.now();
        const res = await call("GET", t.url);
        t.samples.push(performance.now() - started);
        if (res.status !== 200) throw new Error(`GET answered ${res.status}: ${res.body}`);
      }
    }
  }
} finally {
  await on.cloud.stop();
  await off.cloud.stop();
  http.close();
}

const perRequestUs = recorderCost();
const fmt = (ms: number) => ms.toFixed(2);
const lines = [
  `Warm GET /movies/{id} through API Gateway, get-movie and DynamoDB, one request at a time, ${ROUNDS} rounds of ${REQUESTS} per cloud, the two clouds taking turns.`,
  "",
  "| cloud | p50 ms | p90 ms | requests |",
  "|---|---|---|---|",
  ...[on, off].map((t) => `| ${t.label} | ${fmt(percentile(t.samples, 50))} | ${fmt(percentile(t.samples, 90))} | ${t.samples.length} |`),
  "",
  `The recorder alone (3 spans opened, ended and stored per request, ${RECORDER_LOOPS.toLocaleString("en-US")} requests in a loop): ${perRequestUs.toFixed(2)} µs per request. Load average during the run: ${loadavg()[0]!.toFixed(2)}.`,
];
publishBench("trace-overhead", import.meta.url, lines);
console.log(lines.join("\n"));
