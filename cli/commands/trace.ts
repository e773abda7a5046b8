import type { Command } from "commander";
import { cloudUrl, sdkConfig, type CommandContext } from "../context.js";
import { CliError, EXIT, unavailable, usageError } from "../errors.js";
import { runCommand } from "../run.js";
import { jsonSpan, parseTraceId, type Trace, type TraceSummary } from "../trace/span.js";

export interface TraceFlags {
  last?: boolean;
  json?: boolean;
  otlp?: string;
  limit: string;
  since: string;
}

/** Where traces are read from: the embedded cloud's admin API, or X-Ray. */
export interface TraceSource {
  list(limit: number): Promise<TraceSummary[]>;
  trace(traceId: string): Promise<Trace>;
  latest(): Promise<Trace>;
}

async function sourceFor(ctx: CommandContext, sinceMs: number): Promise<TraceSource> {
  const { settings } = ctx;
  if (settings.target === "localstack") {
    throw unavailable(
      "LocalStack's free edition has no X-Ray, so target localstack keeps no traces to read",
      "trace the same requests on the embedded cloud: `movies deploy` (target local), make a request, then `movies trace --last`",
    );
  }
  if (settings.target === "aws") {
    const [{ XRayClient }, { XrayTraces }] = await Promise.all([import("@aws-sdk/client-xray"), import("../trace/xray-traces.js")]);
    return new XrayTraces(new XRayClient(sdkConfig(settings)), Math.max(1, Math.round(sinceMs / 60_000)));
  }
  const url = cloudUrl(settings);
  if (!url) throw unavailable("the embedded cloud is not running, and it is where local traces live", "start it with `movies up` (or `movies dev`), deploy, make a request, then `movies trace --last`");
  const { CloudTraces } = await import("../trace/cloud-traces.js");
  return new CloudTraces(url);
}

/** The width of the time axis: wider on a wide terminal, a steady 40 when piped (so captured output is stable). */
function axisWidth(ctx: CommandContext): number {
  const columns = ctx.io.interactive ? process.stdout.columns : undefined;
  return columns ? Math.max(20, Math.min(60, columns - 110)) : 40;
}

export async function showTrace(ctx: CommandContext, trace: Trace, flags: TraceFlags): Promise<void> {
  const { io } = ctx;
  if (flags.otlp) {
    const { writeOtlpFile } = await import("../trace/otlp-file.js");
    await writeOtlpFile(flags.otlp, trace, ctx.settings.target);
    io.info(`wrote ${trace.spans.length} spans of trace ${trace.traceId} to ${flags.otlp} (OTLP/JSON: open it in Jaeger, see docs/tracing.md)`);
  }
  if (flags.json) {
    io.data({ traceId: trace.traceId, spans: trace.spans.map(jsonSpan) });
    return;
  }
  const { layoutWaterfall, waterfallLines, waterfallTitle } = await import("../trace/waterfall.js");
  const width = axisWidth(ctx);
  const w = layoutWaterfall(trace.traceId, trace.spans, width);
  io.line(io.paint("bold", waterfallTitle(w)));
  for (const l of waterfallLines(w, (c, t) => io.paint(c, t), { width })) io.line(l);
  if (!flags.otlp) io.info(io.paint("gray", `spans as JSON: movies trace ${trace.traceId} --json · for Jaeger: --otlp trace.json`));
}

async function listTraces(ctx: CommandContext, source: TraceSource, limit: number, json: boolean): Promise<void> {
  const { io } = ctx;
  const traces = await source.list(limit);
  if (json) return io.data({ traces });
  if (traces.length === 0) {
    io.line("no traces yet");
    if (ctx.settings.target === "aws") {
      const { XRAY_EMPTY_HINT } = await import("../trace/xray-traces.js");
      io.info(io.paint("gray", `X-Ray holds none from the --since window. ${XRAY_EMPTY_HINT}`));
    } else io.info(io.paint("gray", "make a request (`movies call get 1`), then `movies trace --last`"));
    return;
  }
  const { traceListLines } = await import("../trace/trace-list.js");
  for (const l of traceListLines(traces, (c, t) => io.paint(c, t))) io.line(l);
  io.info(io.paint("gray", "open one with `movies trace <TRACE ID>`, the newest request with `movies trace --last`"));
}

export async function traceCommand(ctx: CommandContext, id: string | undefined, flags: TraceFlags): Promise<number> {
  if (id !== undefined && flags.last) throw usageError("give a trace id or --last, not both");
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw usageError(`--limit takes a whole number from 1 to 500, got "${flags.limit}"`);
  const traceId = id === undefined ? undefined : parseTraceId(id);
  if (id !== undefined && !traceId) {
    throw usageError(
      `"${id}" is not a trace id`,
      "a trace id is 32 hex digits (or X-Ray's 1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy); `movies call ... --verbose` prints the id of its request, `movies trace` lists recent ones",
    );
  }
  if (flags.otlp && !traceId && !flags.last) throw usageError("--otlp writes one trace: give a trace id or --last");
  const { parseDuration } = await import("../duration.js");
  const source = await sourceFor(ctx, parseDuration(flags.since, "--since"));
  if (!traceId && !flags.last) {
    await listTraces(ctx, source, limit, Boolean(flags.json));
    return EXIT.ok;
  }
  const trace = traceId ? await source.trace(traceId) : await source.latest();
  if (trace.spans.length === 0) throw new CliError(`trace ${trace.traceId} holds no spans`, EXIT.refused);
  await showTrace(ctx, trace, flags);
  return EXIT.ok;
}

export function registerTrace(program: Command): void {
  program
    .command("trace")
    .description("follow one request across API Gateway, Lambda, DynamoDB, SNS, SQS and SES: a waterfall, JSON or OTLP; without an id, the recent traces")
    .argument("[traceId]", "the trace id (32 hex, or X-Ray's 1-xxxxxxxx-yyyy...); `movies call --verbose` prints it")
    .option("--last", "the latest API request")
    .option("--json", "print the trace as JSON ({traceId, spans}); without an id, the list")
    .option("--otlp <file>", "also write the trace as OTLP/JSON (Jaeger, Grafana Tempo, any OpenTelemetry viewer)")
    .option("--limit <n>", "how many recent traces to list", "20")
    .option("--since <duration>", "aws: how far back X-Ray is searched for --last and the list", "1h")
    .action((id: string | undefined, flags: TraceFlags, cmd: Command) => runCommand(cmd, (ctx) => traceCommand(ctx, id, flags)));
}
