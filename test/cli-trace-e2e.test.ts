import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./support/free-port.js";
import { otlpProblems } from "./support/otlp-proto.js";
import { cliEnv, movies, tempHome } from "./support/movies-cli.js";
import { until } from "./support/until.js";

// `movies trace` through the real binary against a cloud it started: deploy,
// a request made with `call --verbose` gives its trace id, and that id reads
// back as JSON, as a waterfall and as an OTLP file.

interface JsonSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  operation: string;
  startTime: number;
  durationMs: number;
  status: string;
  attributes: Record<string, unknown>;
}

let home: string;
let env: Record<string, string | undefined>;
let cloudPid: number | undefined;

async function ok(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await movies(args, env);
  if (r.exitCode !== 0) throw new Error(`movies ${args.join(" ")} exited ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return r;
}

beforeAll(async () => {
  home = tempHome("movies-trace-e2e-");
  env = cliEnv(home);
  const port = await freePort();
  await ok(["up", "--port", String(port)]);
  cloudPid = (JSON.parse(readFileSync(join(home, "cloud.json"), "utf8")) as { pid: number }).pid;
  await ok(["deploy"]);
}, 180_000);

afterAll(async () => {
  if (existsSync(join(home, "cloud.json"))) await movies(["down"], env);
  if (cloudPid) {
    try {
      process.kill(cloudPid, "SIGKILL");
    } catch {
      // already gone, as it should be
    }
  }
  rmSync(home, { recursive: true, force: true });
});

describe("movies trace end to end on the embedded cloud", { timeout: 120_000 }, () => {
  let traceId = "";

  it("call create --verbose prints the trace id of its request and how to open it", async () => {
    const { stdout } = await ok(["call", "create", "--title", "Heat", "--rating", "8.3", "--genre", "Crime", "--verbose"]);
    const m = /^trace ([0-9a-f]{32})  open it: movies trace \1$/m.exec(stdout);
    expect(m, stdout).not.toBeNull();
    traceId = m![1]!;
    // the same id API Gateway's header carries, in X-Ray's form
    expect(stdout.toLowerCase()).toContain(`x-amzn-trace-id: root=1-${traceId.slice(0, 8)}-${traceId.slice(8)}`);
  });

  it("trace <id> --json returns the request's spans: API Gateway, the function, its DynamoDB and SNS calls, and the email path", async () => {
    const spans = await until("the trace's spans down to SES", async () => {
      const r = await movies(["trace", traceId, "--json"], env);
      if (r.exitCode !== 0) return undefined;
      const body = JSON.parse(r.stdout) as { traceId: string; spans: JsonSpan[] };
      expect(body.traceId).toBe(traceId);
      const services = new Set(body.spans.map((s) => s.service));
      // the SES call's span ends before the email function's invocation span does (the function still
      // writes its idempotency record): wait for both, as a trace whose email path has ended
      const email = body.spans.find((s) => s.service === "lambda" && s.name === "email-notification");
      const sent = email && body.spans.some((s) => s.service === "ses" && s.parentSpanId === email.spanId);
      return ["apigateway", "lambda", "dynamodb", "sns", "sqs"].every((s) => services.has(s)) && sent ? body.spans : undefined;
    });
    const root = spans.find((s) => s.service === "apigateway")!;
    expect(root).toMatchObject({ name: "POST /movies", status: "ok" });
    expect(root.parentSpanId).toBeUndefined();
    const invoke = spans.find((s) => s.service === "lambda" && s.parentSpanId === root.spanId)!;
    expect(invoke).toBeDefined();
    const put = spans.find((s) => s.service === "dynamodb")!;
    expect(put).toMatchObject({ operation: "PutItem", status: "ok", parentSpanId: invoke.spanId });
    expect(spans.find((s) => s.service === "sns")).toMatchObject({ operation: "Publish", parentSpanId: invoke.spanId });
    // the email function's SES call belongs to the request that caused it, after it
    const email = spans.find((s) => s.service === "lambda" && s.name === "email-notification")!;
    const ses = spans.find((s) => s.service === "ses")!;
    expect(ses).toMatchObject({ operation: "SendEmail", status: "ok", parentSpanId: email.spanId });
    expect(ses.startTime).toBeGreaterThan(put.startTime);
    // causal order: the function's calls happen inside the request
    expect(put.startTime).toBeGreaterThanOrEqual(root.startTime);
    expect(put.startTime + put.durationMs).toBeLessThanOrEqual(root.startTime + root.durationMs + 1);
    for (const s of spans) {
      expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(Object.keys(s)).toEqual(expect.arrayContaining(["spanId", "name", "service", "operation", "startTime", "durationMs", "status", "attributes"]));
    }
  });

  it("trace --last draws the latest request's waterfall", async () => {
    const { stdout } = await ok(["trace", "--last"]);
    expect(stdout).toMatch(new RegExp(`^trace ${traceId}  POST /movies  [\\d.]+ m?s  \\d+ spans, 0 errors$`, "m"));
    expect(stdout).toMatch(/^\s+OFFSET\s+DURATION\s+SPAN\s+STATUS$/m);
    expect(stdout).toMatch(/apigateway request POST \/movies\s+\|█+ *\|  ok/);
    expect(stdout).toMatch(/^ +[\d.]+ m?s +[\d.]+ m?s {6}dynamodb PutItem +\| *█+ *\|  ok/m);
    expect(stdout).toContain("◀ slowest");
    // piped: no colour codes
    expect(stdout).not.toMatch(/\u001b\[/);
  });

  it("trace <id> --otlp FILE writes OTLP/JSON that decodes with the OpenTelemetry protobuf definitions", async () => {
    const file = join(home, "trace.json");
    const { stderr } = await ok(["trace", traceId, "--otlp", file, "--json"]);
    expect(stderr).toMatch(new RegExp(`wrote \\d+ spans of trace ${traceId} to ${file}`));
    const doc = JSON.parse(readFileSync(file, "utf8")) as { resourceSpans: { scopeSpans: { spans: { traceId: string; spanId: string; parentSpanId?: string; name: string }[] }[] }[] };
    expect(otlpProblems(doc)).toEqual([]);
    const spans = doc.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
    expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(["POST /movies", "DynamoDB.PutItem"]));
    for (const s of spans) expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it("trace lists the recent traces with request, total time, spans and errors", async () => {
    const { stdout } = await ok(["trace"]);
    expect(stdout.split("\n")[0]).toMatch(/^TIME\s+TRACE ID\s+REQUEST\s+TOTAL\s+SPANS\s+ERRORS$/);
    expect(stdout).toMatch(new RegExp(`${traceId}  POST /movies\\s+[\\d.]+ m?s\\s+\\d+\\s+0`));
  });

  it("an unknown id and a malformed one fail with what to do", async () => {
    const unknown = await movies(["trace", "0".repeat(32)], env);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain(`no trace ${"0".repeat(32)} in the cloud`);
    expect(unknown.stderr).toContain("movies trace --last");
    const bad = await movies(["trace", "xyz"], env);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('"xyz" is not a trace id');
  });
});
