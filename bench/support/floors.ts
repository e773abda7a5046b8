import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { functionBuildOptions } from "../../scripts/bundle-functions.js";
import { heapFlags } from "../../emulator/lambda/runtime/environment-process.js";
import { NodeRuntimes, type NodeBinary } from "../../emulator/lambda/runtime/node-runtimes.js";
import type { FloorCall, FloorDone, FloorOrder } from "./floor-worker.js";
import { processCpuMs } from "./server-process.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The Node the cloud runs a nodejs22.x function on when started from the
 * project folder (its runtimes cache, PATH, or its own node), so the floor's
 * SDK runs on the same V8 as the functions' SDK.
 */
export function functionNode(runtime = "nodejs22.x"): NodeBinary {
  const cacheDir = process.env.MOVIES_HOME ? undefined : join(ROOT, ".movies", "runtimes");
  return new NodeRuntimes({ cacheDir }).forRuntime(runtime);
}

/** floor-worker.ts bundled with the functions' own esbuild options, into a fresh folder; returns the file. */
export async function buildFloorWorker(): Promise<string> {
  const options = functionBuildOptions(ROOT, "floor-worker");
  const out = await build({ ...options, entryPoints: [join(ROOT, "bench", "support", "floor-worker.ts")] });
  const file = join(mkdtempSync(join(tmpdir(), "movies-floor-")), "index.mjs");
  writeFileSync(file, out.outputFiles[0]!.contents);
  return file;
}

export interface FloorMeasure {
  /** CPU ms per call summed over the worker processes (the SDK's side: its middleware, signing, HTTP client, parsing) */
  cpuWorkers: number;
  /** CPU ms per call of each server process named by pid (dynalite, the bare server) */
  cpuServers: Map<number, number>;
  latencies: number[];
  /** calls per second over the run, all workers together */
  rps: number;
}

/**
 * `count` stand-in execution environments (floor-worker.ts), each its own
 * process on `node` with the heap limits a function of `memorySizeMb` gets,
 * each with its own warm SDK clients: Lambda's model of concurrency, where
 * 16 requests in flight are 16 environments each running one at a time.
 */
export class FloorWorkers {
  private constructor(private readonly children: ChildProcess[]) {}

  static async start(count: number, node: NodeBinary, workerFile: string, memorySizeMb: number, env: Record<string, string>): Promise<FloorWorkers> {
    const children = Array.from({ length: count }, () =>
      spawn(node.path, [...heapFlags(memorySizeMb), workerFile], {
        stdio: ["ignore", "ignore", "inherit", "ipc"],
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env },
      }),
    );
    const workers = new FloorWorkers(children);
    await Promise.all(children.map((c) => workers.next(c)));
    return workers;
  }

  private next(child: ChildProcess): Promise<FloorDone> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`floor worker exited with ${code} before answering`));
      child.once("exit", onExit);
      child.once("message", (m: FloorDone) => {
        child.off("exit", onExit);
        if (m.error) reject(new Error(`floor worker: ${m.error}`));
        else resolve(m);
      });
    });
  }

  /**
   * Each of the first `workers` processes makes `perWorker` calls of `call`,
   * `inFlight` at a time, all processes at once; CPU per call from /proc for
   * the workers and for each of `serverPids`.
   */
  async run(call: FloorCall, perWorker: number, inFlight: number, serverPids: number[], workers = this.children.length): Promise<FloorMeasure> {
    const used = this.children.slice(0, workers);
    const cpu = () => used.reduce((sum, c) => sum + processCpuMs(c.pid!), 0);
    const before = cpu();
    const serversBefore = serverPids.map((p) => processCpuMs(p));
    const started = performance.now();
    const done = await Promise.all(
      used.map((c) => {
        const answer = this.next(c);
        c.send({ call, n: perWorker, inFlight } satisfies FloorOrder);
        return answer;
      }),
    );
    const elapsed = performance.now() - started;
    const total = perWorker * used.length;
    const cpuServers = new Map(serverPids.map((p, i) => [p, (processCpuMs(p) - serversBefore[i]!) / total]));
    return { cpuWorkers: (cpu() - before) / total, cpuServers, latencies: done.flatMap((d) => d.latencies), rps: total / (elapsed / 1000) };
  }

  stop(): void {
    for (const c of this.children) c.kill("SIGKILL");
  }
}
