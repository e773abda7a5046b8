import { BatchGetTracesCommand, GetTraceSummariesCommand, XRayClient } from "@aws-sdk/client-xray";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { CliError } from "../errors.js";
import { batchTrace, TRACE_HEX, XRAY_TRACE_ID } from "./xray-fixture.js";
import { XrayTraces } from "./xray-traces.js";

const xray = mockClient(XRayClient);
const now = new Date("2025-11-25T18:30:00Z");
const reader = () => new XrayTraces(new XRayClient({ region: "eu-west-1" }), 60, () => now);

beforeEach(() => xray.reset());

describe("XrayTraces.trace", () => {
  it("asks BatchGetTraces for the X-Ray form of the id and converts its segments", async () => {
    xray.on(BatchGetTracesCommand).resolves({ Traces: [batchTrace], UnprocessedTraceIds: [] });
    const trace = await reader().trace(TRACE_HEX);
    expect(xray.commandCalls(BatchGetTracesCommand)[0]!.args[0].input.TraceIds).toEqual([XRAY_TRACE_ID]);
    expect(trace.traceId).toBe(TRACE_HEX);
    expect(trace.spans.map((s) => s.service)).toContain("dynamodb");
  });

  it("says plainly when X-Ray has no such trace, and what to do", async () => {
    xray.on(BatchGetTracesCommand).resolves({ Traces: [], UnprocessedTraceIds: [XRAY_TRACE_ID] });
    const err = await reader().trace(TRACE_HEX).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toBe(`X-Ray has no trace ${XRAY_TRACE_ID} (${TRACE_HEX})`);
    expect((err as CliError).hint).toMatch(/indexes a trace some seconds after/);
  });
});

describe("XrayTraces.list and latest", () => {
  const summary = (id: string, startSec: number, extra = {}) => ({ Id: id, StartTime: new Date(startSec * 1000), Duration: 0.312, HasError: false, HasFault: false, HasThrottle: false, ...extra });

  it("lists the last hour's traces newest first, with span and error counts from their segments", async () => {
    const older = "1-6925f000-000000000000000000000001";
    xray.on(GetTraceSummariesCommand).resolvesOnce({ TraceSummaries: [summary(older, 0x6925f000)], NextToken: "p2" }).resolves({ TraceSummaries: [summary(XRAY_TRACE_ID, 0x6925f0a1, { HasFault: true })] });
    xray.on(BatchGetTracesCommand).resolves({ Traces: [batchTrace] });
    const list = await reader().list(10);
    const input = xray.commandCalls(GetTraceSummariesCommand)[0]!.args[0].input;
    expect(input.EndTime).toEqual(now);
    expect(input.StartTime).toEqual(new Date(now.getTime() - 3600_000));
    expect(xray.commandCalls(GetTraceSummariesCommand)[1]!.args[0].input.NextToken).toBe("p2");
    expect(list.map((s) => s.traceId)).toEqual([TRACE_HEX, "6925f000000000000000000000000001"]);
    expect(list[0]).toMatchObject({ name: "POST /live/movies", spanCount: 8, errorCount: 2, status: "error" });
    // its segments could not be read: the summary alone still lists it
    expect(list[1]).toMatchObject({ spanCount: 0, durationMs: 312 });
  });

  it("takes the newest trace that entered through API Gateway for --last", async () => {
    const queueOnly = "1-6925f0ff-000000000000000000000002";
    xray.on(GetTraceSummariesCommand).resolves({
      TraceSummaries: [summary(queueOnly, 0x6925f0ff, { EntryPoint: { Name: "movies-email-notification", Type: "AWS::Lambda" } }), summary(XRAY_TRACE_ID, 0x6925f0a1, { EntryPoint: { Name: "movies-api/live", Type: "AWS::ApiGateway::Stage" } })],
    });
    xray.on(BatchGetTracesCommand).resolves({ Traces: [batchTrace] });
    const trace = await reader().latest();
    expect(trace.traceId).toBe(TRACE_HEX);
  });

  it("says X-Ray holds nothing in the window when it has no summaries", async () => {
    xray.on(GetTraceSummariesCommand).resolves({ TraceSummaries: [] });
    await expect(reader().latest()).rejects.toThrow("X-Ray holds no trace from the last 60 minutes");
  });
});
