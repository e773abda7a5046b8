import { describe, expect, it } from "vitest";
import { otlpProblems } from "../../test/support/otlp-proto.js";
import { toOtlpJson, unixNano } from "./otlp.js";
import { TraceStore } from "./store.js";
import { Tracer } from "./tracer.js";
import type { Span } from "./span.js";

function sampleTrace(): Span[] {
  const store = new TraceStore();
  const tracer = new Tracer(store);
  const root = tracer.begin({ name: "PUT /movies/{movieID}", service: "apigateway", operation: "request", kind: "server", attributes: { "http.status_code": 200, "aws.apigateway.api_key_passed": true } });
  const fn = tracer.begin({ parent: root, name: "update-movie", service: "lambda", operation: "Invoke", kind: "server", attributes: { "faas.coldstart": false, "movies.run_ms": 12.345 } });
  const call = tracer.begin({ parent: fn, name: "DynamoDB.UpdateItem", service: "dynamodb", operation: "UpdateItem", kind: "client", attributes: { "aws.dynamodb.table": "Movies", "aws.error.code": "AccessDeniedException" } });
  tracer.end(call, "error");
  tracer.end(fn);
  const batch = tracer.begin({ traceId: root.traceId, name: "email-notification", service: "lambda", operation: "Invoke", kind: "consumer", links: [{ traceId: root.traceId, spanId: call.spanId }] });
  tracer.end(batch);
  tracer.end(root);
  return store.get(root.traceId)!.spans;
}

describe("the OTLP/JSON encoder", () => {
  it("writes a document the OpenTelemetry protobuf definitions accept, losing nothing", () => {
    const spans = sampleTrace();
    const doc = toOtlpJson(spans, { "service.name": "movies-test" });
    expect(otlpProblems(doc)).toEqual([]);
    const out = doc.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(out).toHaveLength(4);
    const root = out.find((s) => s.name === "PUT /movies/{movieID}")!;
    expect(root.kind).toBe(2); // SPAN_KIND_SERVER
    expect(root.parentSpanId).toBeUndefined();
    expect(root.traceId).toBe(spans[0]!.traceId);
    expect(root.attributes).toContainEqual({ key: "http.status_code", value: { intValue: "200" } });
    expect(root.attributes).toContainEqual({ key: "aws.apigateway.api_key_passed", value: { boolValue: true } });
    expect(root.attributes).toContainEqual({ key: "movies.service", value: { stringValue: "apigateway" } });
    const call = out.find((s) => s.name === "DynamoDB.UpdateItem")!;
    expect(call.kind).toBe(3); // SPAN_KIND_CLIENT
    expect(call.status).toEqual({ code: 2, message: "AccessDeniedException" });
    expect(out.find((s) => s.name === "update-movie")!.attributes).toContainEqual({ key: "movies.run_ms", value: { doubleValue: 12.345 } });
    expect(out.find((s) => s.name === "email-notification")!.links).toEqual([{ traceId: call.traceId, spanId: call.spanId }]);
    expect(BigInt(call.endTimeUnixNano) >= BigInt(call.startTimeUnixNano)).toBe(true);
    expect(doc.resourceSpans[0]!.resource.attributes).toEqual([{ key: "service.name", value: { stringValue: "movies-test" } }]);
  });

  it("turns fractional epoch milliseconds into Unix nanoseconds exactly", () => {
    expect(unixNano(1796176175906.218)).toBe("1796176175906218000");
    expect(unixNano(1700000000000)).toBe("1700000000000000000");
    expect(unixNano(1700000000000.9999999)).toBe("1700000000001000000");
  });

  it("the check fails on malformed documents", () => {
    const good = () => JSON.parse(JSON.stringify(toOtlpJson(sampleTrace()))) as any;
    const span = (d: any) => d.resourceSpans[0].scopeSpans[0].spans[0];
    const broken: [string, (d: any) => void][] = [
      ["a misspelt time field", (d) => { span(d).startTimeUnixNanos = span(d).startTimeUnixNano; delete span(d).startTimeUnixNano; }],
      ["a base64 trace id", (d) => { span(d).traceId = Buffer.from(span(d).traceId, "hex").toString("base64"); }],
      ["a short span id", (d) => { span(d).spanId = "abc"; }],
      ["a time in milliseconds as a float", (d) => { span(d).endTimeUnixNano = 1700000000000.5; }],
      ["a kind given by name", (d) => { span(d).kind = "SERVER"; }],
      ["an attribute value that is not an AnyValue", (d) => { span(d).attributes[0].value = "plain"; }],
      ["spans directly under resourceSpans", (d) => { d.resourceSpans[0].spans = d.resourceSpans[0].scopeSpans[0].spans; delete d.resourceSpans[0].scopeSpans; }],
    ];
    for (const [what, change] of broken) {
      const d = good();
      change(d);
      expect(otlpProblems(d), what).not.toEqual([]);
    }
    expect(otlpProblems({ spans: [] })).not.toEqual([]);
  });
});
