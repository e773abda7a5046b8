import { readdirSync, readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) that a summary needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}
type Frame = CpuProfile["nodes"][number]["callFrame"];

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PSEUDO = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);
const IGNORED = new Set(["(idle)", "(program)", "(root)"]);

/** Where a frame's code comes from: an npm package, Node's own internals, or a file of this repository. */
export function moduleOf(url: string, functionName: string): string {
  if (!url) return PSEUDO.has(functionName) ? functionName : "(native code)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return "node: internals (boot, module loader)";
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  return path.startsWith(ROOT) ? relative(ROOT, path) : path;
}

/** Each node's parent, by id: profiles list children, summaries walk up. */
function parents(profile: CpuProfile): Map<number, number> {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  return parent;
}

function readProfileFile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
}

/** The `.cpuprofile` files in a folder. */
export function profilesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(".cpuprofile"))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** Reads the one `.cpuprofile` that `node --cpu-prof --cpu-prof-dir=dir` wrote. */
export function readProfile(dir: string): CpuProfile {
  const [file] = profilesIn(dir);
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  return readProfileFile(file);
}

// ---- start-up: where a process's time goes before its first answer, by module

export interface StartupSummary {
  /** ms of samples taken, idle excluded */
  busyMs: number;
  /** ms spent idle (waiting for I/O) in the window */
  idleMs: number;
  /** [module, ms] by time spent in the module's own code, largest first */
  self: [string, number][];
  /** [module, ms] by time with the module anywhere on the stack, largest first */
  total: [string, number][];
}

/**
 * Sums a CPU profile by module, over the samples taken before `untilUs` (a
 * monotonic timestamp in µs, the clock of `process.hrtime`, which V8's
 * profile timestamps share on Linux); all samples when absent.
 */
export function summarizeProfile(profile: CpuProfile, untilUs = Infinity, top = 8): StartupSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = parents(profile);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let idleUs = 0;
  let busyUs = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at > untilUs) return;
    // a sample stands for the time until the next one
    const us = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === "(idle)") {
      idleUs += us;
      return;
    }
    busyUs += us;
    const own = moduleOf(node.callFrame.url, node.callFrame.functionName);
    self.set(own, (self.get(own) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)!.callFrame;
      if (!frame.url) continue;
      const mod = moduleOf(frame.url, frame.functionName);
      if (seen.has(mod)) continue;
      seen.add(mod);
      total.set(mod, (total.get(mod) ?? 0) + us);
    }
  });
  const ranked = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => [k, us / 1000] as [string, number]);
  return { busyMs: busyUs / 1000, idleMs: idleUs / 1000, self: ranked(self), total: ranked(total) };
}

/** The start-up summary as markdown: one table, self and total side by side. */
export function profileTable(s: StartupSummary): string[] {
  const rows = Math.max(s.self.length, s.total.length);
  const out = [
    `CPU busy ${s.busyMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms before the first answer.`,
    "",
    "| rank | self time (own code) | ms | total time (on the stack) | ms |",
    "|---:|---|---:|---|---:|",
  ];
  for (let i = 0; i < rows; i++) {
    const a = s.self[i];
    const b = s.total[i];
    out.push(`| ${i + 1} | ${a ? `\`${a[0]}\`` : ""} | ${a ? a[1].toFixed(1) : ""} | ${b ? `\`${b[0]}\`` : ""} | ${b ? b[1].toFixed(1) : ""} |`);
  }
  return out;
}

// ---- warm paths: where a loaded process's time goes, start-up left out

export interface ProfileEntry {
  /** a function (`name (file:line)`) or a place (a package, a file, a native call) */
  what: string;
  /** self time in ms */
  selfMs: number;
  /** of the busy time (not idle, not start-up) */
  share: number;
}

export interface WarmSummary {
  /** sampled time that was not idle */
  busyMs: number;
  /** of that, loading Node.js and modules (a process starting), left out of the tables */
  startupMs: number;
  topFunctions: ProfileEntry[];
  /** self time by where the code lives: a package, a file of ours, Node's own module, or a native call by name */
  topPlaces: ProfileEntry[];
}

/** Frames that only run while a process starts: Node's bootstrap and the module loader. */
function isStartup(frame: Frame): boolean {
  return /^node:internal\/(modules\/|bootstrap\/|process\/pre_execution|main\/)/.test(frame.url) || frame.functionName === "compileFunction";
}

/** Where a warm frame's code lives, short: the package, Node's module, a file of ours, or a native call by name. */
function place(frame: Frame): string {
  if (frame.url.startsWith("node:")) return frame.url;
  if (frame.url) return moduleOf(frame.url, frame.functionName);
  return frame.functionName.startsWith("(") ? frame.functionName : `native ${frame.functionName}`;
}

function top(map: Map<string, number>, n: number, busy: number): ProfileEntry[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([what, selfMs]) => ({ what, selfMs, share: selfMs / busy }));
}

/**
 * Self time per function and per place over every profile in `files`,
 * highest first: each sample's time delta goes to the frame on top of its
 * stack. Idle time and samples under Node's start-up and module loading
 * (environments starting) are left out, so the tables show the warm path.
 */
export function summarizeProfiles(files: string[], n: number): WarmSummary {
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let busy = 0;
  let startup = 0;
  for (const file of files) {
    const profile = readProfileFile(file);
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = parents(profile);
    const startupMemo = new Map<number, boolean>();
    const underStartup = (id: number): boolean => {
      const known = startupMemo.get(id);
      if (known !== undefined) return known;
      const up = parent.get(id);
      const result = isStartup(byId.get(id)!.callFrame) || (up !== undefined && underStartup(up));
      startupMemo.set(id, result);
      return result;
    };
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id)!.callFrame;
      if (IGNORED.has(frame.functionName)) return;
      const dt = (profile.timeDeltas[i] ?? 0) / 1000;
      busy += dt;
      if (underStartup(id)) {
        startup += dt;
        return;
      }
      const fn = `${frame.functionName || "(anonymous)"}${frame.url ? ` (${basename(frame.url)}:${frame.lineNumber + 1})` : ""}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
      const at = place(frame);
      byPlace.set(at, (byPlace.get(at) ?? 0) + dt);
    });
  }
  const warm = busy - startup;
  return { busyMs: busy, startupMs: startup, topFunctions: top(byFunction, n, warm), topPlaces: top(byPlace, n, warm) };
}
