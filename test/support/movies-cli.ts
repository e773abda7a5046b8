import { execa, type ResultPromise } from "execa";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BIN = join(REPO_ROOT, "bin", "movies.mjs");

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A records folder of its own (MOVIES_HOME), so a test never sees the developer's `.movies/`. */
export function tempHome(prefix = "movies-cli-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The environment the real binary gets in tests: its own records folder, no
 * target or endpoint leaking in from the developer's shell, plain output.
 */
export function cliEnv(home: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    MOVIES_HOME: home,
    MOVIES_TARGET: undefined,
    MOVIES_ENDPOINT: undefined,
    AWS_PROFILE: undefined,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...extra,
  };
}

/** Runs `node bin/movies.mjs ...args` in the repo and returns its exit code and output (never throws on a non-zero exit). */
export async function movies(args: string[], env: Record<string, string | undefined>, timeoutMs = 120_000): Promise<CliResult> {
  const r = await execa(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env, extendEnv: true, reject: false, timeout: timeoutMs, stdin: "ignore" });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Starts the binary without waiting for it (tail-events, logs --follow). */
export function spawnMovies(args: string[], env: Record<string, string | undefined>): ResultPromise {
  return execa(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env, extendEnv: true, reject: false, stdin: "ignore", buffer: true });
}

export const ANSI = /\u001b\[/;

/** Waits until a cloud answers its health check at `url`, for `timeoutMs`. */
export async function waitForHealth(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(`${url}/_movies/health`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no cloud answered at ${url} within ${timeoutMs} ms`);
}
