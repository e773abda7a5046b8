import { describe, expect, it } from "vitest";
import { newTraceContext, parseTraceparent, traceContextFrom } from "./traceparent.js";

const VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("traceparent", () => {
  it("accepts a valid W3C traceparent and extracts the trace id", () => {
    expect(parseTraceparent(VALID)).toEqual({ traceparent: VALID, traceId: "4bf92f3577b34da6a3ce929d0e0e4736" });
    expect(parseTraceparent(` ${VALID} `)?.traceparent).toBe(VALID);
  });

  it("accepts a future version with extra fields, keeping the four it understands", () => {
    expect(parseTraceparent(`01-${VALID.slice(3)}-extra`)?.traceparent).toBe(`01-${VALID.slice(3)}`);
  });

  it.each([
    ["upper-case hex", VALID.toUpperCase()],
    ["an all-zero trace id", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"],
    ["an all-zero parent id", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"],
    ["version ff", `ff-${VALID.slice(3)}`],
    ["version 00 with extra fields", `${VALID}-extra`],
    ["a short trace id", "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01"],
    ["garbage", "hello"],
    ["nothing", undefined],
  ])("rejects %s", (_label, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it("starts a new sampled trace when the caller's is unusable", () => {
    const fresh = traceContextFrom("nope");
    expect(fresh.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(parseTraceparent(fresh.traceparent)).toEqual(fresh);
    expect(newTraceContext().traceId).not.toBe(newTraceContext().traceId);
  });
});
