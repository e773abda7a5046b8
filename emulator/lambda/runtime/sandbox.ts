import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The bootstrap every execution environment runs; a bundle copies it beside itself (bin/cloud.mjs). */
export const BOOTSTRAP_URL = new URL("./bootstrap.mjs", import.meta.url);

/** The user and group an execution environment's process runs as. */
export interface ChildIdentity {
  uid: number;
  gid: number;
}

/**
 * Execution environments run as uids of their own, cycling through this range
 * (MOVIES_LAMBDA_UIDS="first-last"): one uid per environment, so one function
 * cannot read another's /proc/<pid>/mem or its temporary directory. The range
 * is meant to own no files on the host.
 */
export const DEFAULT_UID_RANGE = "70000-79999";

function parseRange(text: string): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(text.trim());
  if (!match) throw new Error(`MOVIES_LAMBDA_UIDS must look like 70000-79999, not "${text}"`);
  const [first, last] = [Number(match[1]), Number(match[2])];
  if (first < 1 || last < first) throw new Error(`MOVIES_LAMBDA_UIDS "${text}": the range must be ascending and must not include 0`);
  return [first, last];
}

/** True when every folder on the way is searchable by others and the file has the given permission bits for others. */
export function othersCan(file: string, bits: number): boolean {
  try {
    const real = path.resolve(file);
    let dir = path.dirname(real);
    for (;;) {
      if ((statSync(dir).mode & 0o001) === 0) return false;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    return (statSync(real).mode & bits) === bits;
  } catch {
    return false;
  }
}

/**
 * Where execution environments live on disk, and as whom they run.
 *
 * When the cloud runs as root, each environment's process gets a uid of its
 * own (DEFAULT_UID_RANGE): it cannot read the cloud's memory (/proc/<pid>/mem
 * needs the same uid), its environment or its files, nor another
 * environment's. Function code is then staged under a folder of this sandbox
 * that others may traverse but not list, one unguessable folder per code
 * version, owned by root and read-only for the function; each environment has
 * its own temporary directory (TMPDIR) that only its uid can open.
 *
 * Not as root, the operating system cannot separate the processes of one
 * user: the environment still has its own process, memory limit, temporary
 * directory and environment variables, and the staged code is read-only, but
 * code that chmods it back or reads /proc of its own user is not stopped.
 */
export class Sandbox {
  readonly root: string;
  readonly dropsPrivileges: boolean;
  /** where the bootstrap is loaded from (LAMBDA_RUNTIME_DIR) */
  readonly runtimeDir: string;
  readonly bootstrapPath: string;
  private readonly staged = new Map<string, string>();
  private readonly uidRange: [number, number];
  private nextUid: number;

  constructor(
    sdkDir: string | undefined,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.dropsPrivileges = process.getuid?.() === 0 && env.MOVIES_LAMBDA_RUN_AS_ROOT !== "1";
    this.uidRange = parseRange(env.MOVIES_LAMBDA_UIDS ?? DEFAULT_UID_RANGE);
    this.nextUid = this.uidRange[0] + Math.floor(Math.random() * (this.uidRange[1] - this.uidRange[0] + 1));
    // In the background, off the event loop: a cloud killed with many staged
    // versions leaves folders that take tens of ms to remove, and start-up need not wait.
    void sweepAbandoned();
    this.root = mkdtempSync(path.join(tmpdir(), `${ROOT_PREFIX}${process.pid}-`));
    // Others may pass through to the folders they are told about, never list them.
    chmodSync(this.root, 0o711);
    for (const dir of ["code", "tmp", "runtime"]) mkdirSync(path.join(this.root, dir), { mode: 0o711 });
    chmodSync(path.join(this.root, "code"), 0o711);
    chmodSync(path.join(this.root, "tmp"), 0o711);
    // Same scope rules as /var/task: `.js` is CommonJS unless the zip says otherwise, and the SDK the runtime provides.
    writeFileSync(path.join(this.root, "code", "package.json"), `${JSON.stringify({ name: "lambda-code-root", private: true })}\n`, { mode: 0o644 });
    if (sdkDir) {
      mkdirSync(path.join(this.root, "code", "node_modules"), { mode: 0o755 });
      symlinkSync(sdkDir, path.join(this.root, "code", "node_modules", "@aws-sdk"), "dir");
    }
    const source = fileURLToPath(BOOTSTRAP_URL);
    this.runtimeDir = path.join(this.root, "runtime");
    chmodSync(this.runtimeDir, 0o755);
    this.bootstrapPath = path.join(this.runtimeDir, "bootstrap.mjs");
    copyFileSync(source, this.bootstrapPath);
    chmodSync(this.bootstrapPath, 0o444);
  }

  /** The identity of a new environment's process; undefined when it runs as the cloud's user. */
  nextIdentity(): ChildIdentity | undefined {
    if (!this.dropsPrivileges) return undefined;
    const uid = this.nextUid;
    this.nextUid = uid >= this.uidRange[1] ? this.uidRange[0] : uid + 1;
    return { uid, gid: uid };
  }

  /**
   * The read-only copy of a code version that environments load
   * (LAMBDA_TASK_ROOT), made once per version. The folder name is random:
   * others cannot list its parent, so a function cannot find another's code.
   */
  stageCode(codeDir: string, sha256Hex: string): string {
    const known = this.staged.get(sha256Hex);
    if (known && existsSync(known)) return known;
    const dir = path.join(this.root, "code", randomBytes(16).toString("hex"));
    cpSync(codeDir, dir, { recursive: true, verbatimSymlinks: true });
    makeReadOnly(dir);
    this.staged.set(sha256Hex, dir);
    return dir;
  }

  /** A fresh temporary directory that only this identity can open. */
  makeTempDir(identity: ChildIdentity | undefined): string {
    const dir = path.join(this.root, "tmp", randomBytes(12).toString("hex"));
    mkdirSync(dir, { mode: 0o700 });
    if (identity) chownSync(dir, identity.uid, identity.gid);
    return dir;
  }

  removeTempDir(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
  }

  close(): void {
    // Not as root, the read-only folders must be writable again to be removed.
    for (const dir of this.staged.values()) makeWritable(dir);
    rmSync(this.root, { recursive: true, force: true });
  }
}

function makeWritable(dir: string): void {
  try {
    chmodSync(dir, 0o755);
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) makeWritable(path.join(dir, entry.name));
  } catch {
    // already gone
  }
}

const ROOT_PREFIX = "movies-lambda-";

/** Sandboxes left by clouds that ended without closing them (kill -9): their pid in the name is gone. */
async function sweepAbandoned(): Promise<void> {
  let names: string[];
  try {
    names = await readdir(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const match = new RegExp(`^${ROOT_PREFIX}(\\d+)-[A-Za-z0-9]{6}$`).exec(name);
    if (!match || alive(Number(match[1]))) continue;
    const dir = path.join(tmpdir(), name);
    try {
      for (const entry of readdirSync(path.join(dir, "code"), { withFileTypes: true })) if (entry.isDirectory()) makeWritable(path.join(dir, "code", entry.name));
    } catch {
      // nothing staged
    }
    // another cloud starting at the same time may be removing it too
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Folders 0555, files 0444 (0555 when executable): readable by the function, writable by nobody but root. */
function makeReadOnly(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) makeReadOnly(full);
    else if (entry.isFile()) chmodSync(full, statSync(full).mode & 0o111 ? 0o555 : 0o444);
  }
  chmodSync(dir, 0o555);
}
