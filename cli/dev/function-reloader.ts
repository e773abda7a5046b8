import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { BuildContext, BuildOptions } from "esbuild";
import { buildVendor, vendorImports, type VendorBuild } from "./vendor-split.js";

/**
 * The Lambda side of the cloud running in this process (the cloud's
 * FunctionRegistry): the same operations the Lambda API serves for
 * UpdateFunctionCode, without the HTTP round trip and base64 of a client.
 */
export interface ReloadTarget {
  prepareCode(zip: Uint8Array): Promise<void>;
  updateCode(ref: string, zip: Uint8Array): { CodeSha256: string; LastUpdateStatus: string };
  prewarm(ref: string, initializationType?: "provisioned-concurrency" | "on-demand"): Promise<void>;
  firstAnswer(ref: string): Promise<number>;
}

export interface ReloadableFunction {
  /** folder under handlers/ (its entry is handlers/<name>/handler.ts) */
  name: string;
  /** the deployed Lambda function */
  functionName: string;
}

export interface ReloadedFunction {
  name: string;
  functionName: string;
  /** UpdateFunctionCode's answer */
  codeSha256: string;
  lastUpdateStatus: string;
  /** esbuild's incremental rebuild */
  buildMs: number;
  /** the zip, in memory */
  zipMs: number;
  /** unpacking and switching the function to the new code (old environments start draining) */
  handoverMs: number;
  /** the environment of the new code started ahead of the next request: spawn to handler loaded */
  envStartMs: number;
  /** epoch ms: an environment of the new code is warm */
  readyAt: number;
  /** epoch ms at which the first request was answered by the new code */
  served: Promise<number>;
}

export interface ReloadOutcome {
  /** epoch ms of the save: the changed file's mtime, or the first watch event if that is earlier */
  savedAt: number;
  reloaded: ReloadedFunction[];
  /** rebuilt, but their bundle is byte for byte the running one: not touched */
  unchanged: string[];
  /** functions whose build failed: their last good code keeps serving */
  failures: Array<{ name: string; error: unknown }>;
}

export type ReloadProgress = "building" | "built" | "failed";

interface Watched {
  fn: ReloadableFunction;
  /** the function's own code with its packages in vendor modules (split), or the whole bundle as the deploy builds it */
  context: BuildContext;
  split: boolean;
  /** packages the function's own code imported in its last build */
  used: Set<string>;
  vendor?: VendorBuild;
  /** files the bundle is made of, relative to the root, from esbuild's metafile */
  inputs: Set<string>;
  /** sha256 of the bundle the function runs */
  codeHash?: string;
  failed: boolean;
}

/**
 * `movies dev`'s hot reload: one incremental esbuild context per function,
 * kept warm. A save rebuilds only the functions whose bundle reads the saved
 * file (a change to handlers/shared/ reaches every function importing it),
 * hands a changed bundle to the in-process cloud as UpdateFunctionCode does
 * (the old environments drain: invocations under way finish on the old code)
 * and starts an environment of the new code before the next request needs it.
 * A build that fails leaves the function on its last good code.
 */
export class FunctionReloader {
  private readonly watched: Watched[] = [];
  private warming?: Promise<void>;
  private closed = false;

  constructor(
    private readonly root: string,
    private readonly functions: ReloadableFunction[],
    private readonly target: ReloadTarget,
    private readonly onProgress: (name: string, state: ReloadProgress) => void = () => undefined,
  ) {}

  /**
   * Creates the contexts and builds each function once, one after the other
   * (esbuild uses every core for each): a save then pays for an incremental
   * rebuild of the function's own code only. What is built here is not what
   * the deploy shipped (that is one bundle), so the first save that reaches a
   * function always hands its code over, and so does a save made during the
   * deploy or this warm-up.
   */
  start(): Promise<void> {
    this.warming ??= (async () => {
      for (const fn of this.functions) {
        if (this.closed) return;
        const used = new Set<string>();
        const w: Watched = { fn, context: await this.splitContext(fn.name, used), split: true, used, inputs: new Set(), failed: false };
        this.watched.push(w);
        try {
          await this.build(w);
        } catch {
          // the first save rebuilds it and reports why
          w.failed = true;
        }
      }
    })();
    return this.warming;
  }

  /** Rebuilds what the saved files reach and reloads the functions whose bundle changed. */
  async changed(paths: string[], firstEventAt = Date.now()): Promise<ReloadOutcome> {
    await this.start();
    const absolute = paths.map((p) => resolve(this.root, p));
    const savedAt = saveTime(absolute, firstEventAt);
    const files = absolute.map((p) => relative(this.root, p).split("\\").join("/"));
    const affected = this.watched.filter((w) => w.failed || files.some((f) => w.inputs.has(f)));
    const outcome: ReloadOutcome = { savedAt, reloaded: [], unchanged: [], failures: [] };
    await Promise.all(affected.map((w) => this.reload(w, outcome)));
    return outcome;
  }

  /** Disposes the contexts; a reload under way hands nothing over after this. */
  async close(): Promise<void> {
    this.closed = true;
    await this.warming?.catch(() => undefined);
    await Promise.all(this.watched.map((w) => w.context.dispose()));
    this.watched.length = 0;
  }

  private async reload(w: Watched, outcome: ReloadOutcome): Promise<void> {
    const { name, functionName } = w.fn;
    this.onProgress(name, "building");
    const t0 = performance.now();
    let built: { files: Record<string, Uint8Array>; hash: string };
    try {
      built = await this.build(w);
      w.failed = false;
    } catch (error) {
      w.failed = true;
      this.onProgress(name, "failed");
      outcome.failures.push({ name, error });
      return;
    }
    const t1 = performance.now();
    if (this.closed) return;
    const hash = built.hash;
    if (hash === w.codeHash) {
      this.onProgress(name, "built");
      outcome.unchanged.push(name);
      return;
    }
    const { zipBundle } = await import("../../scripts/bundle-functions.js");
    const zip = zipBundle(built.files, 0);
    const t2 = performance.now();
    await this.target.prepareCode(zip);
    const config = this.target.updateCode(functionName, zip);
    // asked at once, before any invocation of the new code can have finished
    const served = this.target.firstAnswer(functionName);
    w.codeHash = hash;
    const t3 = performance.now();
    // proactive initialization, as Lambda does for on-demand functions: the handler sees "on-demand"
    await this.target.prewarm(functionName, "on-demand");
    const t4 = performance.now();
    this.onProgress(name, "built");
    outcome.reloaded.push({
      name,
      functionName,
      codeSha256: config.CodeSha256,
      lastUpdateStatus: config.LastUpdateStatus,
      buildMs: t1 - t0,
      zipMs: t2 - t1,
      handoverMs: t3 - t2,
      envStartMs: t4 - t3,
      readyAt: Date.now(),
      served,
    });
  }

  private async options(name: string): Promise<BuildOptions & { write: false }> {
    const { functionBuildOptions } = await import("../../scripts/bundle-functions.js");
    return { ...functionBuildOptions(this.root, name), metafile: true };
  }

  private async splitContext(name: string, used: Set<string>): Promise<BuildContext> {
    const { context } = await import("esbuild");
    const options = await this.options(name);
    return context({ ...options, plugins: [vendorImports(used)] });
  }

  /**
   * Rebuilds the function: its own code, and its packages when it imports one
   * the vendor modules do not hold yet. A package whose exports are only known
   * at run time (CommonJS), or that does not bundle on its own, makes this
   * function build whole from then on.
   */
  private async build(w: Watched): Promise<{ files: Record<string, Uint8Array>; hash: string }> {
    const { BUNDLE_ENTRY } = await import("../../scripts/bundle-functions.js");
    let r = await w.context.rebuild();
    if (w.split && (!w.vendor || ![...w.used].every((s) => w.vendor!.specs.has(s)))) {
      // a package that does not bundle on its own: the whole bundle (as deployed) reports it, or builds
      const vendor = await buildVendor(await this.options(w.fn.name), new Set(w.used)).catch(() => undefined);
      if (vendor) w.vendor = vendor;
      else {
        const { context } = await import("esbuild");
        await w.context.dispose();
        w.context = await context(await this.options(w.fn.name));
        w.split = false;
        w.vendor = undefined;
        r = await w.context.rebuild();
      }
    }
    w.inputs = new Set(Object.keys(r.metafile?.inputs ?? {}));
    const code = r.outputFiles![0]!.contents;
    if (!w.split) return { files: { [BUNDLE_ENTRY]: code }, hash: hashOf(code) };
    return { files: { [BUNDLE_ENTRY]: code, ...w.vendor!.files }, hash: `${hashOf(code)}:${w.vendor!.hash}` };
  }
}

function hashOf(code: Uint8Array): string {
  return createHash("sha256").update(code).digest("hex");
}

/**
 * The moment of the save: the newest mtime among the saved files when it is
 * close to the watch event (an editor's rename-save keeps the temp file's
 * slightly earlier mtime), else the event itself (a file copied in with an
 * old mtime says nothing about when it was saved).
 */
function saveTime(paths: string[], firstEventAt: number): number {
  let newest = 0;
  for (const p of paths) {
    try {
      newest = Math.max(newest, statSync(p).mtimeMs);
    } catch {
      // removed since
    }
  }
  return newest > firstEventAt - 1000 && newest < firstEventAt ? newest : firstEventAt;
}
