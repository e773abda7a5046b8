import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type Cloud } from "../cloud.js";

const QUEUE_STACK = { resource: { aws_sqs_queue: { q: { name: "admin-queue", visibility_timeout_seconds: 40 } } }, output: { url: { value: "${aws_sqs_queue.q.url}" } } };

/** Reads NDJSON lines from a streaming response until `count` lines came, then hangs up. */
function follow(url: string, count: number): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const lines: Record<string, unknown>[] = [];
    const req = request(url, (res) => {
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          lines.push(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>);
          buffer = buffer.slice(nl + 1);
          if (lines.length === count) {
            req.destroy();
            resolve(lines);
          }
        }
      });
    });
    req.on("error", (e) => (lines.length >= count ? undefined : reject(e)));
    req.end();
  });
}

describe("admin API", () => {
  let cloud: Cloud;
  beforeAll(async () => {
    cloud = await startCloud({ port: 0 });
  });
  afterAll(() => cloud.stop());

  const put = (name: string, body: unknown) => fetch(`${cloud.url}/_movies/stacks/${name}`, { method: "PUT", body: typeof body === "string" ? body : JSON.stringify(body) });

  it("applies a stack and answers with its outputs and changes, then nothing to change", async () => {
    const first = await put("small", { template: QUEUE_STACK, assets: {} });
    expect(first.status).toBe(200);
    const firstBody = (await first.json()) as { fingerprint: string };
    expect(firstBody).toEqual({
      outputs: { url: { sensitive: false, type: "string", value: `${cloud.url}/000000000000/admin-queue` } },
      changes: [{ address: "aws_sqs_queue.q", action: "create" }],
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const again = (await (await put("small", { template: QUEUE_STACK })).json()) as { changes: unknown; fingerprint: string };
    expect(again.changes).toEqual([{ address: "aws_sqs_queue.q", action: "noop" }]);
    // the same template and assets: the same fingerprint, which a deploy compares to skip the apply
    expect(again.fingerprint).toBe(firstBody.fingerprint);
    const got = await fetch(`${cloud.url}/_movies/stacks/small`);
    expect(await got.json()).toEqual({
      outputs: { url: { sensitive: false, type: "string", value: `${cloud.url}/000000000000/admin-queue` } },
      resources: ["aws_sqs_queue.q"],
      fingerprint: firstBody.fingerprint,
      functionCode: {},
    });
    const other = (await (await put("small", { template: QUEUE_STACK, assets: { "assets/x.zip": Buffer.from("x").toString("base64") } })).json()) as { fingerprint: string };
    expect(other.fingerprint).not.toBe(firstBody.fingerprint);
  });

  it("refuses bodies it cannot read with 400 and a hint", async () => {
    const notJson = await put("bad", "{");
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { message: string }).message).toContain('"template"');
    const noTemplate = await put("bad", { assets: {} });
    expect(noTemplate.status).toBe(400);
    const badRef = await put("bad", { template: { resource: { aws_sqs_queue: { q: { name: "${aws_sqs_queue.missing.name}" } } } } });
    expect(badRef.status).toBe(400);
    expect(((await badRef.json()) as { message: string }).message).toContain("aws_sqs_queue.missing");
  });

  it("names unsupported resource types and changes nothing", async () => {
    const res = await put("small", { template: { resource: { ...QUEUE_STACK.resource, aws_kinesis_stream: { s: { name: "x" } }, aws_s3_bucket: { b: {} } } } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { unsupported: string[] }).unsupported).toEqual(["aws_kinesis_stream", "aws_s3_bucket"]);
  });

  it("reports a failing resource with 422 and keeps what was made", async () => {
    const res = await put("half", { template: { resource: { aws_sqs_queue: { ok: { name: "half-ok" }, bad: { name: "bad name!", depends_on: ["aws_sqs_queue.ok"] } } } } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { message: string }).message).toContain("aws_sqs_queue.bad");
    const half = (await (await fetch(`${cloud.url}/_movies/stacks/half`)).json()) as { resources: string[]; fingerprint?: string };
    expect(half.resources).toEqual(["aws_sqs_queue.ok"]);
    // half-applied: no fingerprint, so no deploy takes it for up to date
    expect(half.fingerprint).toBeUndefined();
  });

  it("destroys a stack, and 404s for one it does not know", async () => {
    const res = await fetch(`${cloud.url}/_movies/stacks/small`, { method: "DELETE" });
    expect(await res.json()).toEqual({ changes: [{ address: "aws_sqs_queue.q", action: "delete" }] });
    expect(cloud.models.sqs.getQueue("us-east-1", "admin-queue")).toBeUndefined();
    expect((await fetch(`${cloud.url}/_movies/stacks/small`)).status).toBe(404);
  });

  it("streams function logs as NDJSON, following new events", async () => {
    cloud.lambda.logs.append({ functionName: "f1", logGroupName: "/aws/lambda/f1", logStreamName: "s", timestamp: 1000, message: "old", requestId: "r0" });
    cloud.lambda.logs.append({ functionName: "f1", logGroupName: "/aws/lambda/f1", logStreamName: "s", timestamp: 5000, message: "kept", requestId: "r1" });
    const lines = follow(`${cloud.url}/_movies/logs?function=f1&since=2000&follow=true`, 2);
    await new Promise((r) => setTimeout(r, 100));
    cloud.lambda.logs.append({ functionName: "f1", logGroupName: "/aws/lambda/f1", logStreamName: "s", timestamp: 6000, message: "live" });
    expect(await lines).toEqual([
      { timestamp: 5000, function: "f1", requestId: "r1", message: "kept" },
      { timestamp: 6000, function: "f1", message: "live" },
    ]);
  });

  it("streams API requests as NDJSON", async () => {
    const record = { time: Date.now(), requestId: "q1", apiId: "abc", stage: "live", method: "GET", path: "/x", status: 200, ms: 2 };
    const lines = follow(`${cloud.url}/_movies/api-requests?since=0&follow=true`, 1);
    await new Promise((r) => setTimeout(r, 100));
    cloud.system.requestLog.add(record);
    expect(await lines).toEqual([record]);
    const snapshot = await (await fetch(`${cloud.url}/_movies/api-requests?since=0`)).text();
    expect(snapshot).toBe(`${JSON.stringify(record)}\n`);
  });

  it("reports where the cloud's memory is: RSS, the V8 heap and its spaces, memory outside it", async () => {
    const res = await fetch(`${cloud.url}/_movies/memory`);
    expect(res.status).toBe(200);
    const m = (await res.json()) as { rssMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number; heapSpaces: Record<string, { usedMb: number }> };
    expect(m.rssMb).toBeGreaterThan(m.heapUsedMb);
    expect(m.heapTotalMb).toBeGreaterThanOrEqual(m.heapUsedMb);
    expect(m.externalMb).toBeGreaterThan(0);
    expect(Object.keys(m.heapSpaces)).toContain("old_space");
  });
});
