import { describe, expect, it } from "vitest";
import { createMovieSpans, TRACE_ID } from "./trace-fixture.js";
import { layoutWaterfall, spanLabel, waterfallLines, waterfallTitle, formatMs } from "./waterfall.js";

describe("layoutWaterfall", () => {
  const w = layoutWaterfall(TRACE_ID, createMovieSpans, 40);

  it("orders spans as a tree, parents before children, and indents by depth", () => {
    expect(w.rows.map((r) => [r.span.spanId.slice(-2), r.depth])).toEqual([
      ["a1", 0],
      ["b1", 1],
      ["b2", 2],
      ["b3", 2],
      ["c1", 3],
      ["c2", 4],
      ["c3", 5],
    ]);
  });

  it("measures offsets from the trace's first span and the total from first start to last end", () => {
    expect(w.durationMs).toBeCloseTo(340, 6);
    expect(w.rows.find((r) => r.span.spanId.endsWith("c2"))!.offsetMs).toBeCloseTo(300, 6);
  });

  it("marks the span that spent most time itself, not the root that only waits on its children", () => {
    // the root covers 80 ms but spends 10 of it itself; create-movie spends 70 - 6.25 - 4 = 59.75 ms
    expect(w.rows.filter((r) => r.slowest).map((r) => r.span.name)).toEqual(["create-movie"]);
  });

  it("keeps a sub-millisecond span visible with at least one cell on the axis", () => {
    const sqs = w.rows.find((r) => r.span.service === "sqs")!;
    expect(sqs.barLength).toBeGreaterThanOrEqual(1);
    expect(sqs.barStart + sqs.barLength).toBeLessThanOrEqual(40);
  });

  it("treats a span whose parent is not in the trace as a root of its own", () => {
    const orphan = { ...createMovieSpans[0]!, spanId: "ffffffffffffffff", parentSpanId: "eeeeeeeeeeeeeeee" };
    const rows = layoutWaterfall(TRACE_ID, [...createMovieSpans, orphan]).rows;
    expect(rows.find((r) => r.span.spanId === "ffffffffffffffff")!.depth).toBe(0);
  });

  it("ends on a parent cycle in bad data instead of looping", () => {
    const a = { ...createMovieSpans[1]!, spanId: "1111111111111111", parentSpanId: "2222222222222222" };
    const b = { ...createMovieSpans[1]!, spanId: "2222222222222222", parentSpanId: "1111111111111111" };
    expect(layoutWaterfall(TRACE_ID, [a, b]).rows).toHaveLength(2);
  });
});

describe("waterfallLines", () => {
  const w = layoutWaterfall(TRACE_ID, createMovieSpans, 20);
  const lines = waterfallLines(w, (c, t) => `<${c}>${t}</${c}>`, { width: 20 });

  it("shows offset, duration, service and operation with the name, bar and status", () => {
    const invoke = lines.find((l) => l.includes("lambda Invoke create-movie"))!;
    expect(invoke).toContain("2.00 ms");
    expect(invoke).toContain("70.0 ms");
    expect(invoke).toContain("<green>ok</green>");
    expect(invoke).toContain("◀ slowest");
  });

  it("paints an error span red with AWS's error code", () => {
    const ses = lines.find((l) => l.includes("ses SendEmail"))!;
    expect(ses).toContain("<red>error AccessDeniedException</red>");
    expect(ses).toMatch(/<red>\s+ses SendEmail/);
  });

  it("draws the root's bar across the part of the axis its time covers", () => {
    const plain = waterfallLines(w, undefined, { width: 20 });
    const root = plain.find((l) => l.includes("apigateway request POST /movies"))!;
    // 80 of 340 ms on 20 cells: the first 5 cells
    expect(root).toContain(`|${"█".repeat(5)}${" ".repeat(15)}|`);
  });

  it("titles the trace with the root request, total time, span and error counts", () => {
    expect(waterfallTitle(w)).toBe(`trace ${TRACE_ID}  POST /movies  340.0 ms  7 spans, 1 error`);
  });

  it("labels a span by service and operation, adding the name without repeating the service", () => {
    const base = createMovieSpans[0]!;
    expect(spanLabel({ ...base, service: "sqs", operation: "ReceiveMessage", name: "SQS wait in movie-updates-queue" })).toBe("sqs ReceiveMessage wait in movie-updates-queue");
    expect(spanLabel({ ...base, service: "lambda", operation: "Invoke", name: "create-movie" })).toBe("lambda Invoke create-movie");
    expect(spanLabel({ ...base, service: "dynamodb", operation: "PutItem", name: "DynamoDB.PutItem" })).toBe("dynamodb PutItem");
  });

  it("formats durations for people", () => {
    expect([formatMs(0.4234), formatMs(12.34), formatMs(1234)]).toEqual(["0.42 ms", "12.3 ms", "1.23 s"]);
  });
});
