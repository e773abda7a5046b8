import { Worker } from "node:worker_threads";

export const BOOTSTRAP_URL = new URL("./bootstrap.mjs", import.meta.url);

/** Options every execution environment's worker is built with. */
export function workerOptions(memorySizeMb: number, env: Record<string, string>, workerData: unknown) {
  return {
    workerData,
    env,
    // The parent may run under a TypeScript loader; the function must not.
    execArgv: [],
    // Output that bypasses the patched console is captured, never printed.
    stdout: true,
    stderr: true,
    resourceLimits: { maxOldGenerationSizeMb: memorySizeMb },
  };
}

/**
 * Worker threads booted ahead of need, one per memory size in use (the heap
 * limit is fixed when a thread starts). A cold start then pays for loading
 * the function's code, not for starting a thread; Lambda's Init Duration
 * likewise excludes creating the sandbox.
 */
export class SpareWorkers {
  private readonly spares = new Map<number, Worker>();
  private closed = false;

  /** Makes sure a spare of this memory size is booting or ready. */
  ensure(memorySizeMb: number): void {
    if (this.closed || this.spares.has(memorySizeMb)) return;
    const worker = new Worker(BOOTSTRAP_URL, workerOptions(memorySizeMb, { TZ: ":UTC" }, { spare: true }));
    worker.unref();
    const drop = () => {
      if (this.spares.get(memorySizeMb) === worker) this.spares.delete(memorySizeMb);
    };
    worker.once("exit", drop);
    worker.once("error", drop);
    this.spares.set(memorySizeMb, worker);
  }

  /** A spare of this memory size, or undefined; the caller owns it from now on. */
  take(memorySizeMb: number): Worker | undefined {
    const worker = this.spares.get(memorySizeMb);
    if (!worker) return undefined;
    this.spares.delete(memorySizeMb);
    worker.removeAllListeners("exit");
    worker.removeAllListeners("error");
    worker.ref();
    return worker;
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.spares.values()];
    this.spares.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
