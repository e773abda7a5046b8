import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { BatchGetTracesCommand, GetTraceSummariesCommand, XRayClient } from "@aws-sdk/client-xray";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Settings } from "../config.js";
import type { CommandContext } from "../context.js";
import { CliError, EXIT } from "../errors.js";
import { Io } from "../io.js";
import { summarize } from "../trace/span.js";
import { createMovieSpans, TRACE_ID } from "../trace/trace-fixture.js";
import { batchTrace, TRACE_HEX } from "../trace/xray-fixture.js";
import { traceCommand, type TraceFlags } from "./trace.js";

/** A cloud answering the trace contract's admin endpoints with one recorded trace. */
let server: Server;
let url = "";
beforeAll(async () => {
  server = createServer((req, res) => {
    const send = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const path = new URL(req.url!, "http://x").pathname;
    if (path === "/_movies/traces") return send(200, { traces: [summarize({ traceId: TRACE_ID, spans: createMovieSpans })] });
    if (path === "/_movies/traces/latest" || path === `/_movies/traces/${TRACE_ID}`) return send(200, { traceId: TRACE_ID, spans: createMovieSpans });
    return send(404, { message: "no such trace" });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function run(id: string | undefined, flags: Partial<TraceFlags>, settings: Partial<Settings> = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (c: Buffer) => (stdout += c.toString()));
  err.on("data", (c: Buffer) => (stderr += c.toString()));
  const ctx: CommandContext = {
    io: new Io({ json: flags.json, stdout: out, stderr: err, env: {} }),
    settings: { root: "/nonexistent", target: "local", region: "us-east-1", regionFrom: "default", endpoint: url, namePrefix: "", localstackUrl: "http://127.0.0.1:9", ...settings },
  };
  return traceCommand(ctx, id, { limit: "20", since: "1h", ...flags }).then((code) => ({ code, stdout, stderr }));
}

describe("movies trace against the cloud's admin API", () => {
  it("draws the waterfall of a trace by id", async () => {
    const { code, stdout } = await run(TRACE_ID, {});
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain(`trace ${TRACE_ID}  POST /movies  340.0 ms  7 spans, 1 error`);
    expect(stdout).toMatch(/lambda Invoke create-movie .*◀ slowest/);
    expect(stdout).toContain("error AccessDeniedException");
  });

  it("takes the latest request with --last and prints the contract's JSON with --json", async () => {
    const { stdout } = await run(undefined, { last: true, json: true });
    const body = JSON.parse(stdout) as { traceId: string; spans: Record<string, unknown>[] };
    expect(body.traceId).toBe(TRACE_ID);
    expect(Object.keys(body.spans[0]!)).toEqual(["spanId", "parentSpanId", "name", "service", "operation", "startTime", "durationMs", "status", "attributes"]);
    expect(body.spans.map((s) => s.service)).toEqual(expect.arrayContaining(["apigateway", "lambda", "dynamodb", "sns", "sqs", "ses"]));
  });

  it("accepts the X-Ray form of the id", async () => {
    const { stdout } = await run(`1-${TRACE_ID.slice(0, 8)}-${TRACE_ID.slice(8)}`, { json: true });
    expect(JSON.parse(stdout).traceId).toBe(TRACE_ID);
  });

  it("lists recent traces with request, total time, span count and errors when given no id", async () => {
    const { stdout } = await run(undefined, {});
    const [head, row] = stdout.trim().split("\n");
    expect(head).toMatch(/^TIME\s+TRACE ID\s+REQUEST\s+TOTAL\s+SPANS\s+ERRORS$/);
    expect(row).toMatch(new RegExp(`${TRACE_ID}\\s+POST /movies\\s+340.0 ms\\s+7\\s+1$`));
  });

  it("says an unknown or evicted id is not there, and how to find one", async () => {
    const err = (await run("0".repeat(32), {}).catch((e: unknown) => e)) as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err.message).toMatch(/no trace 0{32} in the cloud .*evicted/);
    expect(err.hint).toContain("movies trace --last");
  });

  it("refuses a malformed id as a usage error, before asking the cloud", async () => {
    const err = (await run("not-a-trace", {}, { endpoint: "http://127.0.0.1:1" }).catch((e: unknown) => e)) as CliError;
    expect(err.exitCode).toBe(EXIT.usage);
    expect(err.message).toBe('"not-a-trace" is not a trace id');
  });

  it("says the cloud is not running when nothing answers", async () => {
    const err = (await run(TRACE_ID, {}, { endpoint: "http://127.0.0.1:1" }).catch((e: unknown) => e)) as CliError;
    expect(err.exitCode).toBe(EXIT.unavailable);
    expect(err.hint).toContain("movies up");
  });

  it("points LocalStack users to the embedded cloud: its free edition has no X-Ray", async () => {
    const err = (await run(undefined, { last: true }, { target: "localstack" }).catch((e: unknown) => e)) as CliError;
    expect(err.message).toContain("LocalStack's free edition has no X-Ray");
    expect(err.hint).toContain("movies deploy");
  });

  it("writes the trace as OTLP/JSON with --otlp, replacing a file that was there whole", async () => {
    const dir = mkdtempSync(join(tmpdir(), "movies-otlp-"));
    const file = join(dir, "trace.json");
    writeFileSync(file, "old");
    const { stdout, stderr } = await run(TRACE_ID, { otlp: file });
    expect(stderr).toContain(`wrote 7 spans of trace ${TRACE_ID} to ${file}`);
    expect(stdout).toContain("◀ slowest");
    const doc = JSON.parse(readFileSync(file, "utf8")) as { resourceSpans: { scopeSpans: { spans: { traceId: string; spanId: string }[] }[] }[] };
    const spans = doc.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(spans).toHaveLength(7);
    expect(spans.every((s) => s.traceId === TRACE_ID && /^[0-9a-f]{16}$/.test(s.spanId))).toBe(true);
  });

  it("says why --otlp cannot write into a folder that does not exist, and writes nothing", async () => {
    const file = join(tmpdir(), "no-such-folder-for-movies", "trace.json");
    await expect(run(TRACE_ID, { otlp: file })).rejects.toThrow(`could not write ${file}: its folder does not exist`);
    expect(existsSync(file)).toBe(false);
  });

  it("refuses --otlp without a trace to write", async () => {
    await expect(run(undefined, { otlp: "x.json" })).rejects.toThrow("--otlp writes one trace: give a trace id or --last");
  });

  it("refuses an id and --last together", async () => {
    await expect(run(TRACE_ID, { last: true })).rejects.toThrow("give a trace id or --last, not both");
  });
});

describe("movies trace --target aws", () => {
  const xray = mockClient(XRayClient);
  afterAll(() => xray.restore());
  const aws = { target: "aws" as const, endpoint: undefined, region: "eu-west-1" };

  it("draws the same waterfall from X-Ray's segments", async () => {
    xray.reset();
    xray.on(BatchGetTracesCommand).resolves({ Traces: [batchTrace] });
    const { stdout } = await run(TRACE_HEX, {}, aws);
    expect(stdout).toContain(`trace ${TRACE_HEX}  POST /live/movies`);
    expect(stdout).toMatch(/dynamodb PutItem\s+\|.*\|  error AccessDeniedException/);
    expect(stdout).toMatch(/lambda Initialization/);
  });

  it("says what to do when X-Ray holds no trace in the window", async () => {
    xray.reset();
    xray.on(GetTraceSummariesCommand).resolves({ TraceSummaries: [] });
    const { stdout, stderr } = await run(undefined, {}, aws);
    expect(stdout).toBe("no traces yet\n");
    expect(stderr).toContain("X-Ray indexes a trace some seconds after the request");
  });
});
