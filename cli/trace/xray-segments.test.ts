import { describe, expect, it } from "vitest";
import { layoutWaterfall } from "./waterfall.js";
import { batchTrace, TRACE_HEX } from "./xray-fixture.js";
import { spansFromSegments } from "./xray-segments.js";

const docs = batchTrace.Segments.map((s) => s.Document);
const spans = spansFromSegments(TRACE_HEX, docs);
const byName = (name: string) => spans.find((s) => s.name === name)!;

describe("spansFromSegments", () => {
  it("turns every segment and nested subsegment into a span of the one trace, the inferred copy left out", () => {
    expect(spans.map((s) => s.name)).toEqual([
      "POST /live/movies",
      "Lambda.Invoke",
      "movies-create-movie",
      "movies-create-movie",
      "Initialization",
      "Invocation",
      "DynamoDB.PutItem",
      "Overhead",
    ]);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([TRACE_HEX]));
  });

  it("maps origins and AWS subsegments to the contract's services and operations", () => {
    const pairs = spans.map((s) => `${s.service} ${s.operation}`);
    expect(pairs).toEqual([
      "apigateway request",
      "lambda Invoke",
      "lambda Invoke",
      "lambda Function",
      "lambda Initialization",
      "lambda Invocation",
      "dynamodb PutItem",
      "lambda Overhead",
    ]);
  });

  it("parents spans as X-Ray does: subsegments under their segment, segments under their parent_id", () => {
    const api = byName("POST /live/movies");
    const invokeSub = byName("Lambda.Invoke");
    const [service, fn] = spans.filter((s) => s.name === "movies-create-movie");
    expect(api.parentSpanId).toBeUndefined();
    expect(invokeSub.parentSpanId).toBe(api.spanId);
    expect(service!.parentSpanId).toBe(invokeSub.spanId);
    expect(fn!.parentSpanId).toBe(service!.spanId);
    expect(byName("DynamoDB.PutItem").parentSpanId).toBe(byName("Invocation").spanId);
    // one tree: nothing left as a second root
    expect(layoutWaterfall(TRACE_HEX, spans).rows.filter((r) => r.depth === 0)).toHaveLength(1);
  });

  it("converts epoch seconds to milliseconds and durations from end_time", () => {
    const ddb = byName("DynamoDB.PutItem");
    expect(ddb.startTime).toBeCloseTo((1764094113 + 0.301) * 1000, 3);
    expect(ddb.durationMs).toBeCloseTo(28, 3);
  });

  it("reads error, fault and cause into status and AWS's error code", () => {
    const ddb = byName("DynamoDB.PutItem");
    expect(ddb.status).toBe("error");
    expect(ddb.attributes["aws.error.code"]).toBe("AccessDeniedException");
    expect(ddb.attributes["exception.message"]).toContain("not authorized to perform: dynamodb:PutItem");
    expect(ddb.attributes["aws.dynamodb.table"]).toBe("movies-movies");
    const api = byName("POST /live/movies");
    expect(api.status).toBe("error");
    expect(api.attributes["xray.fault"]).toBe(true);
    expect(api.attributes["http.status_code"]).toBe(500);
    expect(byName("Lambda.Invoke").status).toBe("ok");
  });

  it("marks the function segment cold when it has an Initialization subsegment", () => {
    const fn = spans.find((s) => s.operation === "Function")!;
    expect(fn.attributes["faas.coldstart"]).toBe(true);
  });

  it("keeps an inferred segment whose subsegment is missing, and skips documents that are not JSON", () => {
    const inferredOnly = batchTrace.Segments.filter((s) => JSON.parse(s.Document).inferred).map((s) => s.Document);
    const out = spansFromSegments(TRACE_HEX, ["{not json", ...inferredOnly]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ service: "dynamodb", operation: "PutItem", status: "error" });
  });

  it("draws an in-progress segment as an instant and says so", () => {
    const open = JSON.stringify({ id: "aaaaaaaaaaaaaaaa", name: "movies-api/live", start_time: 1764094113.5, in_progress: true, origin: "AWS::ApiGateway::Stage", trace_id: "1-6925f0a1-5f2b8c0d9e3a4b1c2d3e4f50" });
    const [span] = spansFromSegments(TRACE_HEX, [open]);
    expect(span!.durationMs).toBe(0);
    expect(span!.attributes["xray.in_progress"]).toBe(true);
  });
});
