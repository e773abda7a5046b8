import { buildFloorWorker, FloorWorkers, functionNode } from "./support/floors.js";
import { spawnCannedAws, spawnDynalite, median } from "./support/server-process.js";
const H = (t: string) => ({ "content-type": "application/x-amz-json-1.0", "x-amz-target": `DynamoDB_20120810.${t}`, "x-amz-date": "20261202T000000Z", authorization: "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20261202/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0" });
const node = functionNode();
const file = await buildFloorWorker();
const dyn = await spawnDynalite(); const canned = await spawnCannedAws();
for (const [name, key] of [["Movies", "ID"], ["Idempotency", "id"]]) {
  const r = await fetch(dyn.url, { method: "POST", headers: H("CreateTable"), body: JSON.stringify({ TableName: name, AttributeDefinitions: [{ AttributeName: key, AttributeType: "S" }], KeySchema: [{ AttributeName: key, KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }) });
}
await new Promise((r) => setTimeout(r, 200));
const w = await FloorWorkers.start(16, node, file, 128, { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "AKIDBENCH", AWS_SECRET_ACCESS_KEY: "bench", AWS_SESSION_TOKEN: "bench", AWS_ENDPOINT_URL: dyn.url, AWS_ENDPOINT_URL_SNS: canned.url, AWS_ENDPOINT_URL_SES: canned.url, TABLE_NAME: "Movies", MOVIE_ID: "x", IDEMPOTENCY_TABLE_NAME: "Idempotency", TOPIC_ARN: "arn:aws:sns:us-east-1:000000000000:t", SOURCE_EMAIL: "a@example.com", DESTINATION_EMAIL: "b@example.com", AWS_LAMBDA_FUNCTION_NAME: "email-notification" });
try {
  const calls = (process.env.CALLS ?? "get").split(",") as any[];
  for (const call of calls) {
    for (const [n, workers, inflight] of JSON.parse(process.env.PLAN ?? "[]") as [number, number, number][]) {
    const m = await w.run(call, n, inflight, [dyn.pid, canned.pid], workers);
    console.log(call, n, workers, inflight, m.cpuWorkers.toFixed(2), [...m.cpuServers.values()].map((x) => x.toFixed(2)), median(m.latencies).toFixed(2), m.rps.toFixed(0));
    }
  }
} finally { w.stop(); await dyn.stop(); await canned.stop(); }
