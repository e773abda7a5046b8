/**
 * CPU an execution environment spends per warm invocation, split up: the
 * AWS SDK's GetItem alone (the one call get-movie must make; also through
 * lib-dynamodb's document client, and on a client with cacheMiddleware),
 * the shipped get-movie handler called in a plain warm Node process (no
 * runtime: handler + SDK), and the same zip invoked through the embedded
 * Lambda runtime (bootstrap, IPC, log capture, memory report). All talk to
 * dynalite in its own process, in rounds that interleave the variants so
 * load from other processes hits them alike. The plain process calls one at
 * a time; the runtime takes IN_FLIGHT (1) at a time, with up to 10
 * environments when above 1 (bench/system.ts's warm GET runs 16).
 * COMPARE=<index.mjs> adds another build of the handler (say, before a
 * change), invoked through the runtime in the same rounds.
 *
 * Run: npx tsx bench/function-cpu.ts   (CALLS=1000 per variant and round, ROUNDS=3)
 * PROFILE_DIR=<dir> writes --cpu-prof profiles of the plain process and the
 * environment; MINIFY=0 bundles without minifying, so profiles name functions.
 * Prints a markdown table and writes it into docs/benchmarks.md (BENCH_DOCS=0: print only).
 */
import { fork } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { FunctionRegistry } from "../emulator/lambda/functions.js";
import { CPU_PROF_DIR_ENV } from "../emulator/lambda/runtime/environment-process.js";
import { TEST_ROLE } from "../emulator/lambda/test-support/handler-zip.js";
import { functionBuildOptions, zipBundle } from "../scripts/bundle-functions.js";
import { keepAliveCaller } from "./support/http-call.js";
import { median, processCpuMs, spawnDynalite } from "./support/server-process.js";
import { runInFlight } from "./support/in-flight.js";
import { publishBench } from "./support/report.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const CALLS = Number(process.env.CALLS ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
/** invocations in flight through the runtime (default 1); above 1 the function scales to up to 10 environments, as in bench/system.ts */
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 1);
const PROFILE_DIR = process.env.PROFILE_DIR ? path.resolve(process.env.PROFILE_DIR) : undefined;
const ROOT = process.cwd();
const ID = "0190a6e4-2f1c-4d3b-9a8e-5c6d7e8f9a0b";

const http = keepAliveCaller(1);
const HEADERS = (target: string) => ({
  "content-type": "application/x-amz-json-1.0",
  "x-amz-target": `DynamoDB_20120810.${target}`,
  "x-amz-date": "20261202T000000Z",
  authorization: "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20261202/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0",
});

async function seed(url: string): Promise<void> {
  const created = await http.call("POST", url, HEADERS("CreateTable"), JSON.stringify({ TableName: "Movies", AttributeDefinitions: [{ AttributeName: "ID", AttributeType: "S" }], KeySchema: [{ AttributeName: "ID", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }));
  if (created.status !== 200) throw new Error(`CreateTable answered ${created.status}: ${created.body}`);
  for (;;) {
    const d = await http.call("POST", url, HEADERS("DescribeTable"), JSON.stringify({ TableName: "Movies" }));
    if ((JSON.parse(d.body) as { Table?: { TableStatus?: string } }).Table?.TableStatus === "ACTIVE") break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const item = { ID: { S: ID }, Title: { S: "Heat" }, Rating: { N: "8.3" }, Genres: { SS: ["Crime", "Drama"] } };
  const put = await http.call("POST", url, HEADERS("PutItem"), JSON.stringify({ TableName: "Movies", Item: item }));
  if (put.status !== 200) throw new Error(`PutItem answered ${put.status}: ${put.body}`);
}

/** An API Gateway REST proxy event for GET /movies/{id}, shaped as the cloud sends it. */
function getEvent(): string {
  const headers = { Accept: "*/*", Host: "abc123.execute-api.localhost", "User-Agent": "bench", "x-api-key": "k".repeat(40), traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
  return JSON.stringify({
    resource: "/movies/{movieID}",
    path: `/movies/${ID}`,
    httpMethod: "GET",
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { movieID: ID },
    stageVariables: null,
    requestContext: {
      resourceId: "abc123", resourcePath: "/movies/{movieID}", httpMethod: "GET", extendedRequestId: "x", requestTime: "02/Dec/2026:05:00:00 +0000",
      path: `/prod/movies/${ID}`, accountId: "000000000000", protocol: "HTTP/1.1", stage: "prod", domainPrefix: "abc123", requestTimeEpoch: 1796187600000,
      requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", identity: { sourceIp: "127.0.0.1", userAgent: "bench", apiKey: "k".repeat(40), apiKeyId: "key1" },
      domainName: "abc123.execute-api.localhost", apiId: "abc123",
    },
    body: null,
    isBase64Encoded: false,
  });
}

/** The plain warm process: imports the bundle and calls its handler, or the SDK alone, CALLS times; reports CPU µs per call. */
const RUNNER = `
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
const { handler } = await import(process.env.BUNDLE);
const event = process.env.EVENT;
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
const sdk = new DynamoDBClient({});
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const cached = new DynamoDBClient({ cacheMiddleware: true });
const context = { awsRequestId: "r", functionName: "get-movie", getRemainingTimeInMillis: () => 3000 };
const ops = {
  handler: async () => { const r = await handler(JSON.parse(event), context); if (r.statusCode !== 200) throw new Error(JSON.stringify(r)); JSON.stringify(r); },
  doc: async () => { const r = await doc.send(new GetCommand({ TableName: "Movies", Key: { ID: "${ID}" } })); if (!r.Item) throw new Error("no item"); },
  cached: async () => { const r = await cached.send(new GetItemCommand({ TableName: "Movies", Key: { ID: { S: "${ID}" } } })); if (!unmarshall(r.Item)) throw new Error("no item"); },
  sdk: async () => { const r = await sdk.send(new GetItemCommand({ TableName: "Movies", Key: { ID: { S: "${ID}" } } })); if (!r.Item) throw new Error("no item"); },
};
process.on("message", async ({ op, n }) => {
  const one = ops[op];
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await one();
  const d = process.cpuUsage(before);
  process.send({ cpuMs: (d.user + d.system) / 1000 / n });
});
process.send({ ready: true });
`;

async function main(): Promise<void> {
  const dynalite = await spawnDynalite();
  const work = mkdtempSync(path.join(tmpdir(), "bench-function-cpu-"));
  try {
    await seed(dynalite.url);
    const options = functionBuildOptions(ROOT, "get-movie");
    if (process.env.MINIFY === "0") options.minify = false;
    const code = (await build(options)).outputFiles[0]!.contents;
    const bundle = path.join(work, "index.mjs");
    writeFileSync(bundle, code);
    // the runner sits in the repository so its own SDK import resolves; the bundle carries its own SDK copy
    const runnerPath = path.join(ROOT, "bench", `.function-cpu-runner-${process.pid}.mjs`);
    writeFileSync(runnerPath, RUNNER);
    // environments run under their own uids when the bench runs as root: the folder must be theirs to write too
    if (PROFILE_DIR) {
      mkdirSync(PROFILE_DIR, { recursive: true });
      chmodSync(PROFILE_DIR, 0o777);
    }
    const event = getEvent();
    const creds = { AWS_ACCESS_KEY_ID: "AKIDBENCH", AWS_SECRET_ACCESS_KEY: "bench", AWS_SESSION_TOKEN: "bench", AWS_REGION: "us-east-1" };
    const plain = fork(runnerPath, [], {
      execArgv: PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [],
      env: { PATH: process.env.PATH, ...creds, AWS_ENDPOINT_URL: dynalite.url, TABLE_NAME: "Movies", BUNDLE: bundle, EVENT: event, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const replies: Array<(m: any) => void> = [];
    plain.on("message", (m) => replies.shift()?.(m));
    const reply = () => new Promise<any>((resolve) => replies.push(resolve));
    await reply();
    const runPlain = async (op: string, n: number) => {
      const r = reply();
      plain.send({ op, n });
      return (await r).cpuMs as number;
    };
    unlinkLater(runnerPath);

    if (PROFILE_DIR) process.env[CPU_PROF_DIR_ENV] = PROFILE_DIR;
    const registry = new FunctionRegistry({ endpointUrl: dynalite.url, maxEnvironmentsPerFunction: IN_FLIGHT > 1 ? 10 : 1, spareWorkers: false });
    registry.create({ FunctionName: "get-movie", Role: TEST_ROLE, Handler: "index.handler", Runtime: "nodejs22.x", MemorySize: 512, Code: { ZipFile: zipBundle(code, 0) }, Environment: { Variables: { TABLE_NAME: "Movies" } } });
    const compare = process.env.COMPARE ? readFileSync(process.env.COMPARE) : undefined;
    if (compare) registry.create({ FunctionName: "compare", Role: TEST_ROLE, Handler: "index.handler", Runtime: "nodejs22.x", MemorySize: 512, Code: { ZipFile: zipBundle(compare, 0) }, Environment: { Variables: { TABLE_NAME: "Movies" } } });
    const invokeOnce = async (name = "get-movie") => {
      const res = await registry.invoke(name, event);
      if (res.functionError || !res.payload.includes('"statusCode":200')) throw new Error(res.payload);
    };
    // one function runs at a time, so the CPU of every environment process over a run is that function's
    const environmentsCpu = () => {
      let total = 0;
      for (const p of childPids(process.pid)) {
        try {
          if (readFileSync(`/proc/${p}/cmdline`, "utf8").includes("bootstrap.mjs")) total += processCpuMs(p);
        } catch {
          // ended meanwhile
        }
      }
      return total;
    };
    const runRuntime = async (n: number, name = "get-movie") => {
      const before = environmentsCpu();
      await runInFlight(n, IN_FLIGHT, () => invokeOnce(name));
      return (environmentsCpu() - before) / n;
    };
    // warm-up: JIT of every path
    await runPlain("sdk", 300);
    await runPlain("handler", 300);
    await runPlain("doc", 300);
    await runPlain("cached", 300);
    await runRuntime(300);
    if (compare) await runRuntime(300, "compare");
    const rows: Record<string, number[]> = { sdk: [], doc: [], cached: [], handler: [], runtime: [], compare: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const op of ["sdk", "doc", "cached"]) rows[op]!.push(await runPlain(op, CALLS));
      rows.handler!.push(await runPlain("handler", CALLS));
      rows.runtime!.push(await runRuntime(CALLS));
      if (compare) rows.compare!.push(await runRuntime(CALLS, "compare"));
    }
    const f = (xs: number[]) => `${median(xs).toFixed(2)} ms (${xs.map((x) => x.toFixed(2)).join(", ")})`;
    const out = [
      `| CPU per warm call against dynalite (${ROUNDS} rounds x ${CALLS}; median (rounds)) | ms |`,
      "|---|---|",
      `| the AWS SDK's GetItem alone, plain warm process | ${f(rows.sdk!)} |`,
      `| the same through lib-dynamodb's document client (GetCommand) | ${f(rows.doc!)} |`,
      `| GetItem on a client with cacheMiddleware, item unmarshalled (what the handlers do now) | ${f(rows.cached!)} |`,
      `| shipped get-movie handler called in a plain warm process (handler + SDK) | ${f(rows.handler!)} |`,
      `| the same zip invoked through the embedded Lambda runtime (environment processes; ${IN_FLIGHT} in flight) | ${f(rows.runtime!)} |`,
    ];
    if (compare) out.push(`| COMPARE (${process.env.COMPARE}) invoked through the runtime | ${f(rows.compare!)} |`);
    publishBench("function-cpu", import.meta.url, out);
    plain.disconnect();
    await registry.close();
  } finally {
    await dynalite.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

const toUnlink: string[] = [];
function unlinkLater(file: string): void {
  toUnlink.push(file);
}
process.on("exit", () => {
  for (const f of toUnlink) rmSync(f, { force: true });
});

function childPids(pid: number): Set<number> {
  const out = new Set<number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/)) if (c) out.add(Number(c));
    } catch {
      // thread ended
    }
  }
  return out;
}

await main();
process.exit(0);
