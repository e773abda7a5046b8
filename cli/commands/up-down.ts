import type { Command } from "commander";
import { resolve } from "node:path";
import { cloudHealthy, identifyCloud, spawnCloud, stopProcess } from "../cloud-process.js";
import { reportCloudErrors } from "../dev/cloud-errors.js";
import { parseIamMode, type IamMode } from "../../emulator/iam/iam-mode.js";
import { tracesUrl } from "../../emulator/trace/otlp-exporter.js";
import { CliError, EXIT, usageError } from "../errors.js";
import { clearCloudRecord, clearDeployment, readCloudRecord, writeCloudRecord } from "../records.js";
import { runCommand } from "../run.js";
import { onStopSignal } from "../signals.js";

interface UpFlags {
  port: string;
  host: string;
  stateDir?: string;
  foreground?: boolean;
  json?: boolean;
  iam?: string | false;
  otlpEndpoint?: string;
}

/** `--iam <mode>` / `--no-iam` as the cloud takes them. */
export function iamFlag(value: string | false | undefined): IamMode | undefined {
  if (value === undefined || value === false) return value;
  try {
    return parseIamMode(value);
  } catch (e) {
    throw usageError((e as Error).message);
  }
}

/** `--otlp-endpoint <url>`, checked before anything starts. */
export function otlpFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    tracesUrl(value);
  } catch (e) {
    throw usageError(`--otlp-endpoint: ${(e as Error).message}`);
  }
  return value;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw usageError(`--port must be a port number, got "${value}"`);
  return n;
}

export function registerUpDown(program: Command): void {
  program
    .command("up")
    .description("start the embedded cloud (in the background unless --foreground)")
    .option("--port <port>", "port to listen on", "4566")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--state-dir <dir>", "keep state across restarts in this folder")
    .option("--foreground", "run in this terminal until Ctrl-C")
    .option("--json", "print the cloud record as JSON")
    .option("--iam <mode>", 'access keys the cloud did not issue: "root" (default) or "strict" (refused; the root key is "test")')
    .option("--no-iam", "do not check calls made by functions against their roles")
    .option("--otlp-endpoint <url>", "send the cloud's spans to this OpenTelemetry collector over OTLP/HTTP (e.g. http://127.0.0.1:4318); also MOVIES_OTLP_ENDPOINT")
    .action((flags: UpFlags, cmd: Command) =>
      runCommand(cmd, async ({ io, settings }) => {
        const port = parsePort(flags.port);
        const iam = iamFlag(flags.iam);
        const otlpEndpoint = otlpFlag(flags.otlpEndpoint);
        const stateDir = flags.stateDir ? resolve(flags.stateDir) : undefined;
        const existing = readCloudRecord(settings.root);
        if (existing && (await cloudHealthy(existing.url))) {
          if (flags.foreground) throw usageError(`the embedded cloud already runs at ${existing.url}`, "stop it first with `movies down`");
          if (flags.json) io.data(existing);
          else io.line(`movies cloud already running at ${existing.url} (pid ${existing.pid})`);
          return;
        }
        const { requireFreePort } = await import("../port-check.js");
        await requireFreePort(flags.host, port, "up");
        if (flags.foreground) {
          const { startCloud } = await import("../../emulator/cloud.js");
          const onError = reportCloudErrors(settings.root, (row) => io.warn(`cloud error: ${row.message}`));
          const cloud = await startCloud({ port, host: flags.host, stateDir, onError, iam, otlpEndpoint });
          writeCloudRecord(settings.root, { url: cloud.url, host: flags.host, port: cloud.port, pid: process.pid, stateDir, startedAt: new Date().toISOString() });
          io.line(`movies cloud ready at ${cloud.url}`);
          await new Promise<void>((done) => {
            const release = onStopSignal(() => {
              release();
              done();
            });
          });
          await cloud.stop();
          clearCloudRecord(settings.root);
          if (!stateDir) clearDeployment(settings.root, "local");
          io.line("movies cloud stopped");
          return;
        }
        if (port === 0) throw usageError("--port 0 (any free port) works only with --foreground", "pick a port, e.g. `movies up --port 4567`");
        const started = Date.now();
        const rec = await spawnCloud({ root: settings.root, host: flags.host, port, stateDir, iam, otlpEndpoint });
        writeCloudRecord(settings.root, rec);
        if (flags.json) io.data(rec);
        else io.line(`movies cloud ready at ${rec.url} (pid ${rec.pid}, ${Date.now() - started} ms)`);
      }),
    );

  program
    .command("down")
    .description("stop the embedded cloud (state is saved when it has a state dir)")
    .action((_flags: unknown, cmd: Command) =>
      runCommand(cmd, async ({ io, settings }) => {
        const rec = readCloudRecord(settings.root);
        if (!rec) {
          io.line("the embedded cloud is not running");
          return;
        }
        const who = await identifyCloud(rec);
        if (who.kind === "other") {
          clearCloudRecord(settings.root);
          throw new CliError(
            `pid ${rec.pid} is no longer the embedded cloud (${who.detail}); nothing was stopped and the stale record was removed`,
            EXIT.refused,
            `if a cloud still runs at ${rec.url}, stop it where it was started (or by its own pid)`,
          );
        }
        const how = who.kind === "gone" ? "not-running" : await stopProcess(rec.pid);
        clearCloudRecord(settings.root);
        // without a state dir the stack went with the process; a record of it would only mislead `call`
        if (!rec.stateDir) clearDeployment(settings.root, "local");
        io.line(how === "not-running" ? "the embedded cloud was not running (stale record removed)" : `movies cloud stopped (${rec.url})`);
      }),
    );
}
