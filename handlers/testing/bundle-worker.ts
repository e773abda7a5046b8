import { fork, type ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { unzipSync } from "fflate";

// Runs in a plain Node process, so the bundle is imported natively, exactly
// as the Lambda runtime would, with only the function's environment.
const RUNNER = `
const mod = await import(process.argv[2]);
process.on("message", async ({ id, event, context }) => {
  const ctx = { ...context, getRemainingTimeInMillis: () => 30000, done() {}, fail() {}, succeed() {} };
  try {
    process.send({ id, result: await mod.handler(event, ctx) });
  } catch (error) {
    process.send({ id, error: { name: error?.name, message: String(error?.message ?? error) } });
  }
});
process.send({ ready: true });
`;

export interface InvokeContext {
  functionName: string;
  awsRequestId: string;
  invokedFunctionArn?: string;
  memoryLimitInMB?: string;
}

/** A shipped function: its zip extracted and its `index.mjs` loaded in a warm child process. */
export class BundleWorker {
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private output = "";

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.on("message", (raw) => {
      const msg = raw as { id: number; result?: unknown; error?: { name: string; message: string } };
      const waiter = this.pending.get(msg.id);
      if (!waiter) return;
      this.pending.delete(msg.id);
      if (msg.error) waiter.reject(Object.assign(new Error(msg.error.message), { name: msg.error.name }));
      else waiter.resolve(msg.result);
    });
    child.on("exit", (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`function process exited with ${code}: ${this.output}`));
      this.pending.clear();
    });
  }

  /** Extracts `zipBytes` into `dir` and starts the function with `env` as its whole environment. */
  static async start(zipBytes: Uint8Array, dir: string, env: Record<string, string>): Promise<BundleWorker> {
    await mkdir(dir, { recursive: true });
    for (const [name, data] of Object.entries(unzipSync(zipBytes))) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), data);
    }
    const runner = path.join(dir, "..", `runner-${path.basename(dir)}.mjs`);
    await writeFile(runner, RUNNER);
    const child = fork(runner, [pathToFileURL(path.join(dir, "index.mjs")).href], {
      env,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      execArgv: [],
    });
    const worker = new BundleWorker(child);
    await new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`function failed to start (exit ${code}): ${worker.output}`)));
    });
    return worker;
  }

  invoke<T>(event: unknown, context: InvokeContext): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, event, context });
    });
  }

  /** Everything the function wrote to stdout/stderr (its JSON log lines). */
  logs(): string {
    return this.output;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once("exit", () => resolve());
      this.child.kill("SIGTERM");
    });
  }
}
