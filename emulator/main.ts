import { Command, InvalidArgumentError } from "commander";
import { startCloud } from "./cloud.js";
import { parseIamMode, type IamMode } from "./iam/iam-mode.js";
import { isStateError } from "./core/state-error.js";

// Entry script for `npm run cloud`: the one place in emulator/ allowed to print.
function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`'${value}' is not a port number (0-65535)`);
  return port;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`'${value}' is not a whole number of at least 1`);
  return n;
}

function parseTraceLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`'${value}' is not a whole number of traces (0 turns tracing off)`);
  return n;
}

const program = new Command()
  .name("npm run cloud --")
  .description("Runs the embedded cloud (DynamoDB, SQS, SNS, SES, STS, Lambda, API Gateway, stacks applied over /_movies/stacks) on one port, in the foreground")
  .option("--port <port>", "port to listen on (0 picks a free one)", parsePort, 4566)
  .option("--host <host>", "address to listen on", "127.0.0.1")
  .option("--state-dir <dir>", "keep state in this folder across restarts (in memory when absent)")
  .option("--account-id <id>", "account id in ARNs and replies", "000000000000")
  .option("--iam <mode>", 'access keys the cloud did not issue: "root" (default, they act as the account root) or "strict" (refused; the root key is "test")', (v) => {
    try {
      return parseIamMode(v);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  })
  .option("--no-iam", "do not check calls made by functions against their roles")
  .option("--allow-origin <origin...>", "web origins allowed to call the cloud besides loopback ones ('*' for any); also MOVIES_CLOUD_ALLOWED_ORIGINS")
  .option("--allow-host <name...>", "Host names the cloud answers to besides loopback names and IP addresses; also MOVIES_CLOUD_ALLOWED_HOSTS")
  .option("--mailbox-limit <n>", "sent emails kept in the mailbox, oldest dropped first (default 5000; also MOVIES_CLOUD_MAILBOX_LIMIT)", parseCount)
  .option("--log-events-per-function <n>", "log events kept per function (default 10000; also MOVIES_CLOUD_LOG_EVENTS_PER_FUNCTION)", parseCount)
  .option("--api-request-limit <n>", "API requests kept for the dashboard (default 1000; also MOVIES_CLOUD_API_REQUEST_LIMIT)", parseCount)
  .option("--trace-limit <n>", "recent traces kept for /_movies/traces (default 500, 0 records none; also MOVIES_TRACE_LIMIT)", parseTraceLimit)
  .option("--otlp-endpoint <url>", "send spans to this OpenTelemetry collector over OTLP/HTTP JSON (<url>/v1/traces); also MOVIES_OTLP_ENDPOINT")
  .parse();

const opts = program.opts<{ port: number; host: string; stateDir?: string; accountId: string; iam?: IamMode; allowOrigin?: string[]; allowHost?: string[];
  mailboxLimit?: number; logEventsPerFunction?: number; apiRequestLimit?: number; traceLimit?: number; otlpEndpoint?: string;
}>();

async function main(): Promise<void> {
  const cloud = await startCloud({
    port: opts.port,
    host: opts.host,
    stateDir: opts.stateDir,
    accountId: opts.accountId,
    iam: opts.iam,
    allowedOrigins: opts.allowOrigin,
    allowedHosts: opts.allowHost,
    retention: { mailboxMessages: opts.mailboxLimit, logEventsPerFunction: opts.logEventsPerFunction, apiRequests: opts.apiRequestLimit },
    traceLimit: opts.traceLimit,
    otlpEndpoint: opts.otlpEndpoint,
    onError: (err) => console.error("movies cloud:", err instanceof Error ? (err.stack ?? err.message) : err),
  });
  const res = await fetch(`${cloud.url}/_movies/health`);
  if (!res.ok) throw new Error(`health check answered ${res.status}`);
  console.log(`movies cloud ready at ${cloud.url}`);
  if (cloud.stateDir) console.log(`state dir: ${cloud.stateDir}`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`movies cloud: ${signal}, stopping`);
    cloud.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error("movies cloud: stop failed:", err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  if (e.code === "EADDRINUSE") console.error(`movies cloud: port ${opts.port} on ${opts.host} is in use; pick another with --port`);
  else if (isStateError(err)) console.error(`movies cloud: cannot start with this state: ${err.message}`);
  else console.error("movies cloud: failed to start:", e.stack ?? e.message ?? e);
  process.exit(1);
});
