import { Command, InvalidArgumentError } from "commander";
import { startCloud } from "./cloud.js";
import { isStateError } from "./core/state-error.js";

// Entry script for `npm run cloud`: the one place in emulator/ allowed to print.
function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`'${value}' is not a port number (0-65535)`);
  return port;
}

const program = new Command()
  .name("npm run cloud --")
  .description("Runs the embedded cloud (DynamoDB, SQS, SNS, SES, STS, Lambda, API Gateway, stacks applied over /_movies/stacks) on one port, in the foreground")
  .option("--port <port>", "port to listen on (0 picks a free one)", parsePort, 4566)
  .option("--host <host>", "address to listen on", "127.0.0.1")
  .option("--state-dir <dir>", "keep state in this folder across restarts (in memory when absent)")
  .option("--account-id <id>", "account id in ARNs and replies", "000000000000")
  .option("--no-iam", "do not check calls made by functions against their roles")
  .parse();

const opts = program.opts<{ port: number; host: string; stateDir?: string; accountId: string; iam: boolean }>();

async function main(): Promise<void> {
  const cloud = await startCloud({
    port: opts.port,
    host: opts.host,
    stateDir: opts.stateDir,
    accountId: opts.accountId,
    iam: opts.iam,
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
