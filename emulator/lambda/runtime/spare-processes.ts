import type { NodeBinary } from "./node-runtimes.js";
import { setHeld, spawnEnvironmentProcess, type EnvironmentProcess } from "./environment-process.js";
import type { Sandbox } from "./sandbox.js";

/**
 * Execution environment processes spawned ahead of need, one per Node.js
 * binary and memory size in use (both are fixed when the process starts). A
 * cold start then pays for loading the function's code, not for starting
 * Node.js; Lambda's Init Duration likewise excludes creating the sandbox.
 */
export class SpareProcesses {
  private readonly spares = new Map<string, EnvironmentProcess>();
  private closed = false;

  constructor(private readonly sandbox: Sandbox) {}

  /** Makes sure a spare for this Node.js and memory size is starting or ready. */
  ensure(node: NodeBinary, memorySizeMb: number): void {
    const key = keyOf(node, memorySizeMb);
    if (this.closed || this.spares.has(key)) return;
    const proc = spawnEnvironmentProcess(this.sandbox, node, memorySizeMb);
    setHeld(proc, false);
    proc.child.once("exit", () => {
      if (this.spares.get(key) === proc) this.spares.delete(key);
    });
    this.spares.set(key, proc);
  }

  /** A spare for this Node.js and memory size, or undefined; the caller owns it from now on. */
  take(node: NodeBinary, memorySizeMb: number): EnvironmentProcess | undefined {
    const key = keyOf(node, memorySizeMb);
    const proc = this.spares.get(key);
    if (!proc) return undefined;
    this.spares.delete(key);
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return undefined;
    setHeld(proc, true);
    return proc;
  }

  async close(): Promise<void> {
    this.closed = true;
    const procs = [...this.spares.values()];
    this.spares.clear();
    await Promise.all(procs.map((p) => endProcess(p)));
  }
}

function keyOf(node: NodeBinary, memorySizeMb: number): string {
  return `${memorySizeMb}\0${node.path}`;
}

/** SIGKILL, resolved when the process is gone (its TMPDIR removed). */
export function endProcess(proc: EnvironmentProcess): Promise<void> {
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    // An unref'd spare would let the cloud's event loop end before its exit is seen.
    setHeld(proc, true);
    if (proc.profiled && child.connected) {
      // The bootstrap exits on its own when its channel closes, and only then writes its profile.
      child.disconnect();
      setTimeout(() => child.kill("SIGKILL"), 2000).unref();
      return;
    }
    child.kill("SIGKILL");
  });
}
