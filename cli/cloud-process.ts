import { spawn } from "node:child_process";
import { mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { iamModeArgs, type IamMode } from "../emulator/iam/iam-mode.js";
import { unavailable } from "./errors.js";
import { httpGet } from "./http-get.js";
import { recordsDir, type CloudRecord } from "./records.js";

/** True when something answers the embedded cloud's health endpoint at this URL. */
export async function cloudHealthy(url: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const res = await httpGet(`${url}/_movies/health`, timeoutMs);
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}

export async function waitHealthy(url: string, timeoutMs: number, isAlive: () => boolean, logPath: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cloudHealthy(url, 500)) return;
    if (!isAlive()) throw unavailable("the embedded cloud exited during start-up", `see ${logPath} for why`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw unavailable(`the embedded cloud did not answer at ${url} within ${timeoutMs / 1000} s`, `see ${logPath}`);
}

export interface SpawnCloudOptions {
  root: string;
  host: string;
  port: number;
  stateDir?: string;
  /** `--iam strict` / `--no-iam`, passed on to the cloud */
  iam?: IamMode;
  /** `--otlp-endpoint`, passed on to the cloud */
  otlpEndpoint?: string;
}

/** Starts `bin/cloud.mjs` (the cloud from its cached bundle) detached, logging to cloud.log in the records folder, and waits until it answers. */
export async function spawnCloud(opts: SpawnCloudOptions): Promise<CloudRecord> {
  mkdirSync(recordsDir(opts.root), { recursive: true });
  const logPath = join(recordsDir(opts.root), "cloud.log");
  const log = openSync(logPath, "a");
  const args = [join(opts.root, "bin", "cloud.mjs"), "--port", String(opts.port), "--host", opts.host];
  if (opts.stateDir) args.push("--state-dir", opts.stateDir);
  args.push(...iamModeArgs(opts.iam));
  if (opts.otlpEndpoint) args.push("--otlp-endpoint", opts.otlpEndpoint);
  const child = spawn(process.execPath, args, { cwd: opts.root, detached: true, stdio: ["ignore", log, log], env: process.env });
  let alive = true;
  child.once("exit", () => (alive = false));
  const url = `http://${opts.host === "0.0.0.0" ? "127.0.0.1" : opts.host}:${opts.port}`;
  try {
    await waitHealthy(url, 30_000, () => alive, logPath);
  } catch (e) {
    if (alive) child.kill("SIGTERM");
    throw e;
  }
  child.unref();
  return { url, host: opts.host, port: opts.port, pid: child.pid!, stateDir: opts.stateDir, startedAt: new Date().toISOString() };
}

/** Sends SIGTERM and waits until the process is gone (SIGKILL after the grace period). */
export async function stopProcess(pid: number, graceMs = 10_000): Promise<"stopped" | "not-running" | "killed"> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return "not-running";
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!alive()) return "stopped";
    await new Promise((r) => setTimeout(r, 50));
  }
  process.kill(pid, "SIGKILL");
  return "killed";
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: a process of another user holds the pid, which our cloud never is; it is still alive
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The command line of a process, from /proc (Linux); undefined where there is none to read. */
function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return undefined;
  }
}

/** A command line that runs the embedded cloud: `bin/cloud.mjs`, its sources, or the CLI's in-process `up --foreground` / `dev`. */
const CLOUD_COMMAND = /(?:^|[\s/])(?:cloud\.mjs|emulator\/main\.ts)(?:\s|$)|(?:^|[\s/])movies(?:\.mjs)?\s(?:.*\s)?(?:up|dev)(?:\s|$)/;

export type CloudIdentity = { kind: "cloud" } | { kind: "gone" } | { kind: "other"; detail: string };

/**
 * Whether the recorded pid is still the embedded cloud, before anything is
 * killed: a pid is reused once its process ends, and a stale record must not
 * take down whatever got it. The cloud's health endpoint names its pid;
 * when it does not answer (busy, or bound elsewhere), the command line decides.
 */
export async function identifyCloud(rec: Pick<CloudRecord, "pid" | "url">): Promise<CloudIdentity> {
  if (!isAlive(rec.pid)) return { kind: "gone" };
  try {
    const res = await fetch(`${rec.url}/_movies/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { pid?: unknown };
    if (body.pid === rec.pid) return { kind: "cloud" };
  } catch {
    // no answer: fall back to the command line
  }
  const cmd = commandLine(rec.pid);
  if (cmd === undefined) return { kind: "other", detail: `it does not answer at ${rec.url} with that pid, and its command line cannot be read here` };
  if (CLOUD_COMMAND.test(cmd)) return { kind: "cloud" };
  return { kind: "other", detail: `it runs \`${cmd.length > 120 ? `${cmd.slice(0, 117)}...` : cmd}\`` };
}
