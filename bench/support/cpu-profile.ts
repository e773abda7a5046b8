import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) that a summary needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  /** a function (`name (file:line)`) or a place (a package, a file, a native call) */
  what: string;
  /** self time in ms */
  selfMs: number;
  /** of the busy time (not idle, not start-up) */
  share: number;
}

export interface ProfileSummary {
  /** sampled time that was not idle */
  busyMs: number;
  /** of that, loading Node.js and modules (a process starting), left out of the tables */
  startupMs: number;
  topFunctions: ProfileEntry[];
  /** self time by where the code lives: a package, a file of ours, Node's own module, or a native call by name */
  topPlaces: ProfileEntry[];
}

/** Where a frame's code lives, short: the package for node_modules, the file name otherwise. */
function place(url: string): string {
  if (url === "") return "";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  return url.startsWith("node:") ? url : basename(url);
}

/** Frames that only run while a process starts: Node's bootstrap and the module loader. */
function isStartup(frame: CpuProfile["nodes"][number]["callFrame"]): boolean {
  return /^node:internal\/(modules\/|bootstrap\/|process\/pre_execution|main\/)/.test(frame.url) || frame.functionName === "compileFunction";
}

const IGNORED = new Set(["(idle)", "(program)", "(root)"]);

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
export function summarizeProfiles(files: string[], n: number): ProfileSummary {
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let busy = 0;
  let startup = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
    const startupMemo = new Map<number, boolean>();
    const underStartup = (id: number): boolean => {
      const known = startupMemo.get(id);
      if (known !== undefined) return known;
      const node = byId.get(id)!;
      const up = parent.get(id);
      const result = isStartup(node.callFrame) || (up !== undefined && underStartup(up));
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
      const where = place(frame.url);
      const fn = `${frame.functionName || "(anonymous)"}${where ? ` (${basename(frame.url)}:${frame.lineNumber + 1})` : ""}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
      const at = where || (frame.functionName.startsWith("(") ? frame.functionName : `native ${frame.functionName}`);
      byPlace.set(at, (byPlace.get(at) ?? 0) + dt);
    });
  }
  const warm = busy - startup;
  return { busyMs: busy, startupMs: startup, topFunctions: top(byFunction, n, warm), topPlaces: top(byPlace, n, warm) };
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
