import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) that a summary needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** ms of samples taken, idle excluded */
  busyMs: number;
  /** ms spent idle (waiting for I/O) in the window */
  idleMs: number;
  /** [module, ms] by time spent in the module's own code, largest first */
  self: [string, number][];
  /** [module, ms] by time with the module anywhere on the stack, largest first */
  total: [string, number][];
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PSEUDO = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);

/** Where a frame's code comes from: an npm package, Node's own internals, or a file of this repository. */
export function moduleOf(url: string, functionName: string): string {
  if (!url) return PSEUDO.has(functionName) ? functionName : "(native code)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return "node: internals (boot, module loader)";
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  return path.startsWith(ROOT) ? relative(ROOT, path) : path;
}

/**
 * Sums a CPU profile by module, over the samples taken before `untilUs` (a
 * monotonic timestamp in µs, the clock of `process.hrtime`, which V8's
 * profile timestamps share on Linux); all samples when absent.
 */
export function summarizeProfile(profile: CpuProfile, untilUs = Infinity, top = 8): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
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

/** Reads the one `.cpuprofile` that `node --cpu-prof --cpu-prof-dir=dir` wrote. */
export function readProfile(dir: string): CpuProfile {
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  return JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
}

/** The summary as markdown: one table, self and total side by side. */
export function profileTable(s: ProfileSummary): string[] {
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
