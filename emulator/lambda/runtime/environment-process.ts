import { spawn, type ChildProcess } from "node:child_process";
import type { NodeBinary } from "./node-runtimes.js";
import type { ChildIdentity, Sandbox } from "./sandbox.js";

/** A spawned execution environment process, before it knows its function. */
export interface EnvironmentProcess {
  child: ChildProcess;
  identity: ChildIdentity | undefined;
  /** its TMPDIR, removed when the process ends */
  tmpDir: string;
  node: NodeBinary;
  memorySizeMb: number;
  /** resolves when Node.js has started and the bootstrap listens (or the process ended first) */
  booted: Promise<void>;
  /** writes a V8 CPU profile when it exits (MOVIES_LAMBDA_CPU_PROF_DIR), so it is ended by closing its channel, not SIGKILL */
  profiled: boolean;
}

/**
 * A folder where every execution environment writes a V8 CPU profile when it
 * ends (`--cpu-prof`): how bench/system.ts profiles the function side of a
 * request. Off unless set; the folder must be writable by the environments' uids.
 */
export const CPU_PROF_DIR_ENV = "MOVIES_LAMBDA_CPU_PROF_DIR";

/**
 * V8's limits for a function of this memory size, as Lambda's Node.js runtime
 * sets them: the old generation gets most of it, the young generation a slice.
 */
export function heapFlags(memorySizeMb: number): string[] {
  const semiSpace = Math.max(1, Math.min(16, Math.floor(memorySizeMb * 0.05)));
  const oldSpace = Math.max(16, Math.floor(memorySizeMb * 0.9) - semiSpace);
  return [`--max-old-space-size=${oldSpace}`, `--max-semi-space-size=${semiSpace}`];
}

/**
 * Spawns a bare execution environment: the bootstrap on the chosen Node.js,
 * heap limits from the memory size, its own uid when the cloud is root, its
 * own TMPDIR, and an environment built from nothing (the cloud's variables,
 * NODE_OPTIONS included, never reach it). The function's variables arrive
 * with the "assign" message.
 */
export function spawnEnvironmentProcess(sandbox: Sandbox, node: NodeBinary, memorySizeMb: number): EnvironmentProcess {
  const identity = sandbox.nextIdentity();
  const tmpDir = sandbox.makeTempDir(identity);
  const profileDir = process.env[CPU_PROF_DIR_ENV];
  const profileFlags = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(node.path, [...heapFlags(memorySizeMb), ...profileFlags, sandbox.bootstrapPath], {
    cwd: sandbox.runtimeDir,
    env: { PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin", LANG: "en_US.UTF-8", TZ: ":UTC", TMPDIR: tmpDir, HOME: tmpDir },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    uid: identity?.uid,
    gid: identity?.gid,
  });
  // A failed spawn (missing binary) is reported through 'exit'/'error' by the owner; never unhandled.
  child.on("error", () => {});
  child.once("exit", () => sandbox.removeTempDir(tmpDir));
  const booted = new Promise<void>((resolve) => {
    const onMessage = (msg: { type?: string }) => {
      if (msg?.type !== "booted") return;
      child.off("message", onMessage);
      resolve();
    };
    child.on("message", onMessage);
    child.once("exit", () => resolve());
  });
  return { child, identity, tmpDir, node, memorySizeMb, booted, profiled: profileFlags.length > 0 };
}

/** A spare neither keeps the cloud's event loop alive nor holds its exit. */
export function setHeld(proc: EnvironmentProcess, held: boolean): void {
  const { child } = proc;
  const handles = [child, child.channel, child.stdout, child.stderr] as Array<{ ref?: () => void; unref?: () => void } | null | undefined>;
  for (const handle of handles) (held ? handle?.ref : handle?.unref)?.call(handle);
}
