import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { showTraceId } from "../commands/call.js";
import { Io } from "../io.js";
import { fromXrayId, parseTraceId, toXrayId, traceIdFromHeader } from "./span.js";

const HEX = "5759e988bd862e3fe1be46a994272793";

describe("trace ids", () => {
  it("converts between the 32-hex id and X-Ray's 1-8hex-24hex form", () => {
    expect(toXrayId(HEX)).toBe("1-5759e988-bd862e3fe1be46a994272793");
    expect(fromXrayId("1-5759e988-bd862e3fe1be46a994272793")).toBe(HEX);
    expect(fromXrayId("1-5759e988-bd862e3f")).toBeUndefined();
  });

  it("reads the root id from an X-Amzn-Trace-Id header whatever its other fields", () => {
    expect(traceIdFromHeader("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")).toBe(HEX);
    expect(traceIdFromHeader("Self=1-67891234-12456789abcdef012345678;Root=1-5759e988-bd862e3fe1be46a994272793")).toBe(HEX);
    expect(traceIdFromHeader("Parent=53995c3f42cd8ad8")).toBeUndefined();
    expect(traceIdFromHeader(undefined)).toBeUndefined();
  });

  it("accepts an id as a person pastes it: hex in any case, the X-Ray form, or the whole header", () => {
    expect(parseTraceId(HEX.toUpperCase())).toBe(HEX);
    expect(parseTraceId(" 1-5759e988-bd862e3fe1be46a994272793 ")).toBe(HEX);
    expect(parseTraceId("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")).toBe(HEX);
    expect(parseTraceId("5759e988")).toBeUndefined();
    expect(parseTraceId("g".repeat(32))).toBeUndefined();
  });
});

describe("movies call --verbose", () => {
  const capture = (json: boolean) => {
    const out = new PassThrough();
    const err = new PassThrough();
    const text = { out: "", err: "" };
    out.on("data", (c: Buffer) => (text.out += c.toString()));
    err.on("data", (c: Buffer) => (text.err += c.toString()));
    return { io: new Io({ json, stdout: out, stderr: err, env: {} }), text };
  };
  const res = (headers: Record<string, string>) => ({ status: 201, headers, body: {}, ms: 3, retries: 0 }) as never;

  it("prints the request's trace id and the command that opens it", () => {
    const { io, text } = capture(false);
    showTraceId(io, res({ "x-amzn-trace-id": "Root=1-5759e988-bd862e3fe1be46a994272793" }), { verbose: true });
    expect(text.out).toBe(`trace ${HEX}  open it: movies trace ${HEX}\n`);
  });

  it("keeps stdout for the body under --json and says so when there is no trace header", () => {
    const { io, text } = capture(true);
    showTraceId(io, res({}), { verbose: true, json: true });
    expect(text.out).toBe("");
    expect(text.err).toContain("tracing is off for this API");
  });
});
