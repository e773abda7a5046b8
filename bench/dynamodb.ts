/**
 * DynamoDB PutItem / GetItem throughput with 32 requests in flight, through
 * the embedded cloud's router, against dynalite on its own port, and against
 * moto_server, in the same run. Each server is its own process; the client is
 * the real SDK v3 DynamoDBClient. Prints a markdown table.
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { motoMissingReason } from "../test/support/moto.js";
import { median, spawnCloud, spawnDynalite, spawnMoto, type ServerProcess } from "./support/server-process.js";
import { publishBench } from "./support/report.js";
import { runInFlight } from "./support/in-flight.js";

const IN_FLIGHT = 32;
const OPS = Number(process.env.OPS ?? 2000);
const MOTO_OPS = Number(process.env.MOTO_OPS ?? 600);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

function client(url: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" },
    // The SDK's default handler keeps connections alive with up to 50 sockets, more than IN_FLIGHT.
  });
}

async function inFlight(total: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await runInFlight(total, IN_FLIGHT, op);
  return total / ((performance.now() - started) / 1000);
}

interface RoundResult {
  put: number;
  get: number;
  /** server CPU per operation, µs: far less sensitive to other load on the machine than ops/s */
  putCpuUs: number;
  getCpuUs: number;
}

async function round(server: ServerProcess, ops: number, table: string): Promise<RoundResult> {
  const ddb = client(server.url);
  await ddb.send(
    new CreateTableCommand({ TableName: table, BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }] }),
  );
  const item = (i: number) => ({ pk: { S: `movie-${i}` }, title: { S: `Film number ${i}` }, year: { N: String(1900 + (i % 120)) }, rating: { N: "7.5" } });
  // Warm the connections and JIT before timing.
  await inFlight(IN_FLIGHT * 4, (i) => ddb.send(new PutItemCommand({ TableName: table, Item: item(i) })));
  const cpu0 = server.cpuMs();
  const put = await inFlight(ops, (i) => ddb.send(new PutItemCommand({ TableName: table, Item: item(i) })));
  const cpu1 = server.cpuMs();
  const get = await inFlight(ops, (i) => ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: `movie-${i % ops}` } } })));
  const cpu2 = server.cpuMs();
  ddb.destroy();
  return { put, get, putCpuUs: ((cpu1 - cpu0) * 1000) / ops, getCpuUs: ((cpu2 - cpu1) * 1000) / ops };
}

const motoMissing = motoMissingReason();
const servers: { server: ServerProcess; ops: number }[] = [
  { server: await spawnCloud(), ops: OPS },
  { server: await spawnDynalite(), ops: OPS },
];
if (!motoMissing) servers.push({ server: await spawnMoto(), ops: MOTO_OPS });

const results = new Map<string, Record<keyof RoundResult, number[]>>();
try {
  // Interleaved rounds, so load from other work on the machine hits every peer alike.
  for (let r = 0; r < ROUNDS; r++) {
    for (const { server, ops } of servers) {
      const res = await round(server, ops, `Bench${r}`);
      const entry = results.get(server.name) ?? { put: [], get: [], putCpuUs: [], getCpuUs: [] };
      for (const k of Object.keys(res) as (keyof RoundResult)[]) entry[k].push(res[k]);
      results.set(server.name, entry);
    }
  }
} finally {
  await Promise.all(servers.map(({ server }) => server.stop()));
}

const out: string[] = [];
const dynalite = results.get("dynalite alone")!;
const moto = results.get("moto_server");
out.push(`DynamoDB ops/s, ${IN_FLIGHT} in flight, SDK v3 client, median of ${ROUNDS} rounds (${OPS} ops per round; moto ${MOTO_OPS}) (${new Date().toISOString()})\n`);
out.push("| server | PutItem ops/s | GetItem ops/s | ops/s vs dynalite (put / get) | ops/s vs moto (put / get) | server CPU µs per PutItem / GetItem |");
out.push("|---|---:|---:|---:|---:|---:|");
for (const [name, r] of results) {
  const put = median(r.put);
  const get = median(r.get);
  const vsDyn = `${(put / median(dynalite.put)).toFixed(2)} / ${(get / median(dynalite.get)).toFixed(2)}`;
  const vsMoto = moto ? `${(put / median(moto.put)).toFixed(1)}x / ${(get / median(moto.get)).toFixed(1)}x` : "n/a";
  out.push(`| ${name} | ${put.toFixed(0)} | ${get.toFixed(0)} | ${vsDyn} | ${vsMoto} | ${median(r.putCpuUs).toFixed(0)} / ${median(r.getCpuUs).toFixed(0)} |`);
}
if (motoMissing) out.push(`\nmoto skipped: ${motoMissing}`);
publishBench("dynamodb", import.meta.url, out);
