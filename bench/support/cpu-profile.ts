import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) that a summary needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  /** function name and where it is: `name (file:line)` */
  what: string;
  /** self time in ms */
  selfMs: number;
  share: number;
}

/** Where a frame's code lives, short: the package for node_modules, the file name otherwise. */
function place(url: string): string {
  if (url === "") return "";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    const pkg = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    return `${pkg}/${basename(url)}`;
  }
  return url.startsWith("node:") ? url : basename(url);
}

/**
 * Self time per function over every profile in `files`, highest first: the
 * samples' time deltas attributed to the frame on top of the stack.
 */
export function topFunctions(files: string[], n: number): { totalMs: number; top: ProfileEntry[] } {
  const self = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id)!.callFrame;
      const dt = (profile.timeDeltas[i] ?? 0) / 1000;
      total += dt;
      const where = place(frame.url);
      const key = `${frame.functionName || "(anonymous)"}${where ? ` (${where}:${frame.lineNumber + 1})` : ""}`;
      self.set(key, (self.get(key) ?? 0) + dt);
    });
  }
  const busy = [...self.entries()].filter(([k]) => k !== "(idle)" && k !== "(program)");
  const top = busy
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([what, selfMs]) => ({ what, selfMs, share: selfMs / total }));
  return { totalMs: total, top };
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
