import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import type { Span } from "../emulator/trace/span.js";
import type { TraceSummary } from "../emulator/trace/store.js";
import { ensureBuilt } from "./support/built-functions.js";
import { moviesStack, type SynthesizedStack } from "./support/movies-stack.js";
import { otlpProblems } from "./support/otlp-proto.js";
import { until } from "./support/until.js";

type Outputs = Record<string, { value: any; sensitive: boolean }>;
const TRACE_LIMIT = 40;
/** clocks of parent and child are read at different moments of the same process: allow a little slack */
const SLACK_MS = 2;

describe("traces of the MoviesStack's requests", () => {
  let cloud: Cloud;
  let stack: SynthesizedStack;
  let api: string;
  let key: string;
  let receiver: Server;
  const received: { contentType?: string; body: any }[] = [];

  const apply = async (template: object) => {
    const res = await fetch(`${cloud.url}/_movies/stacks/movies`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ template, assets: stack.assets }) });
    const body = (await res.json()) as { outputs: Outputs; message?: string };
    if (res.status !== 200) throw new Error(`apply answered ${res.status}: ${body.message}`);
    return body;
  };
  const write = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api}${path}`, { method, headers: { "x-api-key": key, "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const traceIdOf = (res: Response) => {
    const header = res.headers.get("x-amzn-trace-id") ?? "";
    const m = /^Root=1-([0-9a-f]{8})-([0-9a-f]{24})$/.exec(header);
    expect(m, `X-Amzn-Trace-Id ${header}`).not.toBeNull();
    return m![1]! + m![2]!;
  };
  const trace = async (id: string) => {
    const res = await fetch(`${cloud.url}/_movies/traces/${id}`);
    return { status: res.status, body: (await res.json()) as { traceId: string; spans: Span[]; message?: string } };
  };
  /** the trace once its email path has ended (SES answered and the email function finished) */
  const completeTrace = (id: string) =>
    until(`trace ${id} down to SES`, async () => {
      const t = await trace(id);
      const spans = t.body.spans ?? [];
      const email = spans.find((s) => s.name === "email-notification");
      return email && spans.some((s) => s.service === "ses" && s.parentSpanId === email.spanId) ? spans : undefined;
    });

  /** Every span in one trace, one root, parents known and started first; synchronous children inside their parents. */
  const expectCausal = (spans: Span[], traceId: string) => {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
    const roots = spans.filter((s) => s.parentSpanId === undefined);
    expect(roots.map((s) => s.service)).toEqual(["apigateway"]);
    for (const s of spans) {
      expect(s.durationMs).toBeGreaterThanOrEqual(0);
      expect(s.durationMs).toBeLessThan(60_000);
      if (s.parentSpanId === undefined) continue;
      const parent = byId.get(s.parentSpanId);
      expect(parent, `parent of ${s.name}`).toBeDefined();
      expect(s.startTime, `${s.name} starts after ${parent!.name}`).toBeGreaterThanOrEqual(parent!.startTime - SLACK_MS);
      // a request waits for its function and a function for its calls; messages outlive their producers
      if (s.kind === "client" || (s.service === "lambda" && parent!.service === "apigateway")) {
        expect(s.startTime + s.durationMs, `${s.name} ends within ${parent!.name}`).toBeLessThanOrEqual(parent!.startTime + parent!.durationMs + SLACK_MS);
      }
    }
  };

  /** The path of one write: API Gateway -> handler -> DynamoDB + SNS -> fan-out -> SQS -> wait -> window -> email function -> SES. */
  const expectWritePath = (spans: Span[], route: string, handler: string, status: number) => {
    const names = spans.map((s) => `${s.service}:${s.name}`);
    const root = spans.find((s) => s.service === "apigateway")!;
    expect(root.name).toBe(route);
    expect(root.attributes["http.status_code"]).toBe(status);
    expect(root.attributes["aws.apigateway.api_key_passed"]).toBe(true);
    expect(root.attributes["aws.apigateway.throttle_passed"]).toBe(true);
    const fn = spans.find((s) => s.name === handler)!;
    expect(fn.parentSpanId).toBe(root.spanId);
    expect(typeof fn.attributes["faas.coldstart"]).toBe("boolean");
    expect(fn.attributes["movies.run_ms"]).toBeGreaterThan(0);
    const children = spans.filter((s) => s.parentSpanId === fn.spanId);
    const write = children.find((s) => s.service === "dynamodb" && s.attributes["aws.dynamodb.table"] === "Movies")!;
    expect(write.status).toBe("ok");
    const publish = children.find((s) => s.name === "SNS.Publish")!;
    expect(publish.attributes["messaging.destination.name"]).toBe("movie-updates-topic");
    const fanOut = spans.find((s) => s.parentSpanId === publish.spanId && s.name === "SNS fan-out to sqs movie-updates-queue")!;
    const enqueue = spans.find((s) => s.parentSpanId === fanOut.spanId && s.operation === "SendMessage")!;
    const wait = spans.find((s) => s.parentSpanId === enqueue.spanId && s.name === "SQS wait in movie-updates-queue")!;
    const window = spans.find((s) => s.parentSpanId === wait.spanId && s.operation === "BatchingWindow")!;
    const email = spans.find((s) => s.parentSpanId === window.spanId && s.name === "email-notification")!;
    const ses = spans.find((s) => s.parentSpanId === email.spanId && s.service === "ses")!;
    expect(ses.operation).toBe("SendEmail");
    expect(ses.status).toBe("ok");
    expect(names).toEqual(expect.arrayContaining(["apigateway:" + route, `lambda:${handler}`, "sns:SNS.Publish", "lambda:email-notification", "ses:SES.SendEmail"]));
    // the batching window of the stack is 2 s: the message waited in it
    expect(window.durationMs).toBeGreaterThan(500);
  };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (req.url === "/v1/traces" && req.method === "POST") received.push({ contentType: req.headers["content-type"], body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{}");
      });
    });
    await new Promise<void>((ok) => receiver.listen(0, "127.0.0.1", ok));
    const functionsDir = await ensureBuilt();
    stack = await moviesStack(functionsDir);
    cloud = await startCloud({ port: 0, traceLimit: TRACE_LIMIT, otlpEndpoint: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}` });
    const outputs = (await apply(stack.template)).outputs;
    api = outputs.api_url.value;
    key = outputs.api_key.value;
  }, 180_000);

  afterAll(async () => {
    await cloud?.stop();
    await new Promise<void>((ok) => (receiver ? receiver.close(() => ok()) : ok()));
  });

  let createdTrace = "";

  it("follows a create, an update and a delete from API Gateway to the email, each under one trace id", async () => {
    const created = await write("POST", "/movies", { title: "Heat", rating: 8.3, genres: ["crime"] });
    expect(created.status).toBe(201);
    const movie = (await created.json()) as { id: string };
    createdTrace = traceIdOf(created);
    const create = await completeTrace(createdTrace);
    expectCausal(create, createdTrace);
    expectWritePath(create, "POST /movies", "create-movie", 201);

    // a caller's W3C traceparent names the trace
    const callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const updated = await write("PUT", `/movies/${movie.id}`, { title: "Heat (1995)", rating: 9, genres: ["crime"] }, { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` });
    expect(updated.status).toBe(200);
    expect(traceIdOf(updated)).toBe(callerTrace);
    const update = await completeTrace(callerTrace);
    expectCausal(update, callerTrace);
    expectWritePath(update, "PUT /movies/{movieID}", "update-movie", 200);
    expect(update.find((s) => s.service === "apigateway")!.attributes["w3c.caller_span_id"]).toBe("00f067aa0ba902b7");

    const deleted = await write("DELETE", `/movies/${movie.id}`);
    expect(deleted.status).toBe(204);
    const deleteTrace = traceIdOf(deleted);
    const del = await completeTrace(deleteTrace);
    expectCausal(del, deleteTrace);
    expectWritePath(del, "DELETE /movies/{movieID}", "delete-movie", 204);

    // three different traces, listed newest first with their roots' names
    expect(new Set([createdTrace, callerTrace, deleteTrace]).size).toBe(3);
    const list = (await (await fetch(`${cloud.url}/_movies/traces?limit=3`)).json()) as { traces: TraceSummary[] };
    expect(list.traces.map((t) => t.name)).toEqual(["DELETE /movies/{movieID}", "PUT /movies/{movieID}", "POST /movies"]);
    expect(list.traces[0]).toMatchObject({ traceId: deleteTrace, spanCount: del.length, errorCount: 0, status: "ok" });
    const latest = (await (await fetch(`${cloud.url}/_movies/traces/latest`)).json()) as { traceId: string };
    expect(latest.traceId).toBe(deleteTrace);
  }, 90_000);

  it("shows a call the function's role does not allow as an error span with AWS's code", async () => {
    const created = (await (await write("POST", "/movies", { title: "Alien", rating: 8.5, genres: ["horror"] })).json()) as { id: string };
    const variant = structuredClone(stack.template);
    variant.data.aws_iam_policy_document.get_movie_policy.statement[0].actions = ["dynamodb:Query"];
    await apply(variant);
    try {
      const res = await fetch(`${api}/movies/${created.id}`);
      expect(res.status).toBe(500);
      const id = traceIdOf(res);
      const spans = (await trace(id)).body.spans;
      const getItem = spans.find((s) => s.name === "DynamoDB.GetItem")!;
      expect(getItem).toMatchObject({ service: "dynamodb", operation: "GetItem", status: "error" });
      expect(getItem.attributes["aws.error.code"]).toBe("AccessDeniedException");
      expect(getItem.attributes["http.status_code"]).toBe(400);
      expect(getItem.parentSpanId).toBe(spans.find((s) => s.name === "get-movie")!.spanId);
      const root = spans.find((s) => s.service === "apigateway")!;
      expect(root.attributes["http.status_code"]).toBe(500);
      expect(root.status).toBe("error");
      const summary = ((await (await fetch(`${cloud.url}/_movies/traces?limit=5`)).json()) as { traces: TraceSummary[] }).traces.find((t) => t.traceId === id)!;
      expect(summary.errorCount).toBeGreaterThanOrEqual(2);
      expect(summary.status).toBe("error");
    } finally {
      await apply(stack.template);
    }
  }, 60_000);

  it("shows SNS's AuthorizationError when the create-movie role may not publish, and no fan-out", async () => {
    const variant = structuredClone(stack.template);
    variant.data.aws_iam_policy_document.create_movie_policy.statement[1].actions = ["sns:GetTopicAttributes"];
    await apply(variant);
    try {
      // the handler logs a failed publish and still answers 201: the movie is stored
      const res = await write("POST", "/movies", { title: "Ronin", rating: 7.2, genres: ["action"] });
      expect(res.status).toBe(201);
      const spans = (await trace(traceIdOf(res))).body.spans;
      const publish = spans.find((s) => s.name === "SNS.Publish")!;
      expect(publish).toMatchObject({ service: "sns", operation: "Publish", status: "error" });
      expect(publish.attributes["aws.error.code"]).toBe("AuthorizationError");
      expect(publish.attributes["http.status_code"]).toBe(403);
      expect(spans.some((s) => s.operation === "Deliver")).toBe(false);
      expect(spans.find((s) => s.name === "DynamoDB.PutItem")!.status).toBe("ok");
    } finally {
      await apply(stack.template);
    }
  }, 60_000);

  it("shows each redelivery of a failing message and its move to the dead-letter queue as spans of its trace", async () => {
    // AWS's 180 s visibility timeout would make five receives take 15 minutes
    const quick = structuredClone(stack.template);
    quick.resource.aws_sqs_queue.movie_updates_queue.visibility_timeout_seconds = 1;
    quick.resource.aws_lambda_event_source_mapping.email_notification_queue_trigger.maximum_batching_window_in_seconds = 0;
    const outputs = (await apply(quick)).outputs;
    try {
      const traceId = "0af7651916cd43dd8448eb211c80319c";
      const sqs = new SQSClient({ endpoint: cloud.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
      await sqs.send(new SendMessageCommand({
        QueueUrl: outputs.queue_url.value,
        MessageBody: JSON.stringify({ id: "x" }),
        MessageAttributes: { Type: { DataType: "String", StringValue: "MovieRenamed" }, traceparent: { DataType: "String", StringValue: `00-${traceId}-b7ad6b7169203331-01` } },
      }));
      const spans = await until("the dead-letter span", async () => {
        const t = await trace(traceId);
        return t.body.spans?.some((s) => s.operation === "DeadLetter") ? t.body.spans : undefined;
      }, 30_000);
      const waits = spans.filter((s) => s.operation === "ReceiveMessage").sort((a, b) => a.startTime - b.startTime);
      expect(waits.map((s) => s.attributes["messaging.aws_sqs.receive_count"])).toEqual([1, 2, 3, 4, 5]);
      expect(waits.slice(1).every((s) => s.name.startsWith("SQS redelivery movie-updates-queue"))).toBe(true);
      // each redelivery waits from the previous receive, about the visibility timeout
      for (let i = 1; i < waits.length; i++) expect(waits[i]!.startTime).toBeGreaterThanOrEqual(waits[i - 1]!.startTime + waits[i - 1]!.durationMs - SLACK_MS);
      const invocations = spans.filter((s) => s.name === "email-notification");
      expect(invocations).toHaveLength(5);
      expect(invocations.every((s) => waits.some((w) => w.spanId === s.parentSpanId))).toBe(true);
      expect(spans.filter((s) => s.operation === "ChangeMessageVisibility" && s.status === "error")).toHaveLength(5);
      const dead = spans.find((s) => s.operation === "DeadLetter")!;
      expect(dead).toMatchObject({ service: "sqs", status: "error", name: "SQS dead-letter movie-updates-queue to movie-updates-dlq" });
      expect(dead.startTime).toBeGreaterThanOrEqual(waits[4]!.startTime);
    } finally {
      await apply(stack.template);
    }
  }, 60_000);

  it("joins a Lambda Invoke to the trace its caller's traceparent names", async () => {
    const traceId = "5b8aa5a2d2c872e8321cf37308d69df2";
    const lambda = new LambdaClient({ endpoint: cloud.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    lambda.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers.traceparent = `00-${traceId}-051581bf3cb55c13-01`;
        return next(args);
      },
      { step: "build", name: "traceparent" },
    );
    const out = await lambda.send(new InvokeCommand({ FunctionName: "list-movies", Payload: JSON.stringify({ httpMethod: "GET", path: "/movies", resource: "/movies", headers: {}, queryStringParameters: null, requestContext: { requestId: "r" } }) }));
    expect(out.StatusCode).toBe(200);
    const spans = (await trace(traceId)).body.spans;
    const fn = spans.find((s) => s.name === "list-movies")!;
    expect(fn).toMatchObject({ traceId, service: "lambda" });
    expect(fn.parentSpanId).toBeUndefined();
    expect(spans.some((s) => s.service === "dynamodb" && s.parentSpanId === fn.spanId)).toBe(true);
  }, 30_000);

  it("sends the spans to an OTLP/HTTP receiver as they finish, in valid OTLP/JSON", async () => {
    const spans = await until("the create request's spans at the receiver", async () => {
      const got = received.flatMap((r) => r.body.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans))).filter((s: any) => s.traceId === createdTrace);
      return got.some((s: any) => s.name === "SES.SendEmail") && got.some((s: any) => s.name === "POST /movies") ? got : undefined;
    });
    expect(received.every((r) => r.contentType === "application/json")).toBe(true);
    for (const r of received) expect(otlpProblems(r.body)).toEqual([]);
    const root = spans.find((s: any) => s.name === "POST /movies");
    expect(root.kind).toBe(2);
    expect(root.parentSpanId).toBeUndefined();
    expect(spans.find((s: any) => s.name === "DynamoDB.PutItem").kind).toBe(3);
    const health = (await (await fetch(`${cloud.url}/_movies/health`)).json()) as any;
    expect(health.services.traces.otlp).toMatchObject({ dropped: 0, failed: 0 });
    expect(health.services.traces.otlp.sent).toBeGreaterThan(0);
  }, 30_000);

  it("keeps no more than its limit of traces, dropping the oldest", async () => {
    // the stage's throttle may answer some with 429: those are traced too
    for (let i = 0; i < TRACE_LIMIT + 5; i++) expect([404, 429]).toContain((await fetch(`${api}/movies/missing-${i}`)).status);
    const list = (await (await fetch(`${cloud.url}/_movies/traces?limit=1000`)).json()) as { traces: TraceSummary[] };
    expect(list.traces).toHaveLength(TRACE_LIMIT);
    expect(list.traces[0]!.name).toBe("GET /movies/{movieID}");
    const evicted = await trace(createdTrace);
    expect(evicted.status).toBe(404);
    expect(evicted.body.message).toMatch(/evicted/);
  }, 60_000);
});
