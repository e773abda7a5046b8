/**
 * Save a handler in `movies dev` -> the next request runs the new code, timed
 * from outside as a developer feels it: the bench starts `movies dev` (its own
 * process, piped, its own MOVIES_HOME, a free port), waits for the deploy, then
 * N times changes a response header of handlers/get-movie/handler.ts and
 * requests GET /movies/1 every 100 ms until the answer carries the new header.
 * The stack's stage throttle (10 requests/s, burst 20) sets that pace; it does
 * not blur the figure, because a request sent while the new code's
 * environment starts waits for it and is answered the moment it is ready.
 * Save -> first new answer is the figure; `movies dev`'s own lines give the
 * split (build, zip, handover, environment start) of each reload.
 *
 *   npx tsx bench/hot-reload.ts [--runs 10] [--root DIR]
 *
 * `--root` runs another checkout's `movies dev` (an older commit, for a before
 * figure); nothing is published then. The handler is always restored.
 */
import { execa } from "execa";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePort } from "../test/support/free-port.js";
import { publishBench } from "./support/report.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "10" }, root: { type: "string" } } });
const RUNS = Number(values.runs);
const ROOT = values.root ? resolve(values.root) : fileURLToPath(new URL("..", import.meta.url));
const HANDLER = join(ROOT, "handlers", "get-movie", "handler.ts");
const ORIGINAL = readFileSync(HANDLER, "utf8");
const ANCHOR = "json(200, movie)";
if (!ORIGINAL.includes(ANCHOR)) throw new Error(`${HANDLER} no longer contains ${ANCHOR}; update the bench`);

const restore = () => {
  if (readFileSync(HANDLER, "utf8") !== ORIGINAL) writeFileSync(HANDLER, ORIGINAL);
};
process.on("exit", restore);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

const load = () => loadavg().map((l) => l.toFixed(1)).join(" ");
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const fmt = (n: number | undefined) => (n === undefined ? "-" : n.toFixed(0));

const home = mkdtempSync(join(tmpdir(), "movies-bench-reload-"));
const port = await freePort();
const dev = execa(process.execPath, [join(ROOT, "bin", "movies.mjs"), "dev", "--port", String(port)], {
  cwd: ROOT,
  env: { MOVIES_HOME: home, MOVIES_TARGET: undefined, MOVIES_ENDPOINT: undefined, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  reject: false,
  stdin: "ignore",
});
const lines: string[] = [];
const waiters: Array<{ re: RegExp; from: number; resolve: (m: RegExpMatchArray) => void }> = [];
let buffered = "";
dev.stdout!.on("data", (chunk: Buffer) => {
  buffered += chunk.toString();
  const parts = buffered.split("\n");
  buffered = parts.pop()!;
  lines.push(...parts);
  if (process.env.BENCH_VERBOSE) for (const p of parts) process.stderr.write(`[dev] ${p}\n`);
  for (const w of [...waiters]) {
    for (let i = w.from; i < lines.length; i++) {
      const m = lines[i]!.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
        break;
      }
    }
  }
});
/** The first line from index `from` on matching `re`. */
function line(re: RegExp, from: number, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  for (let i = from; i < lines.length; i++) {
    const m = lines[i]!.match(re);
    if (m) return Promise.resolve(m);
  }
  return new Promise((resolve, reject) => {
    const w = { re, from, resolve };
    waiters.push(w);
    setTimeout(() => reject(new Error(`no line like ${re} within ${timeoutMs} ms; movies dev said:\n${lines.join("\n")}`)), timeoutMs).unref();
  });
}

interface Run {
  servedMs: number;
  polls: number;
  ready?: number;
  build?: number;
  zip?: number;
  handover?: number;
  envStart?: number;
  devServed?: number;
}
const runs: Run[] = [];
const loadBefore = load();
try {
  const started = performance.now();
  const [, api] = await line(/^movies dev: cloud \S+, api ([^\s,]+)/, 0, 180_000);
  const readyS = (performance.now() - started) / 1000;
  // each function's first (full) build is done: from here a save pays for an incremental rebuild
  // (an older checkout given with --root says nothing of the kind: give it a few seconds)
  if (values.root) await new Promise((r) => setTimeout(r, 5000));
  else await line(/^hot reload ready: /, 0, 180_000);
  const url = `${api!.replace(/\/$/, "")}/movies/1`;
  const POLL_MS = 100;
  const probe = async (): Promise<string | null> => {
    const sent = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    // throttled by the stage: a token comes back every 100 ms
    if (res.status === 429) {
      await new Promise((r) => setTimeout(r, 100));
      return probe();
    }
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
    const value = res.headers.get("x-reload-probe");
    const wait = POLL_MS - (performance.now() - sent);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    return value;
  };
  await probe();
  for (let i = 1; i <= RUNS; i++) {
    const value = `run-${i}-${Date.now()}`;
    const from = lines.length;
    const savedAt = performance.now();
    writeFileSync(HANDLER, ORIGINAL.replace(ANCHOR, `json(200, movie, { "x-reload-probe": "${value}" })`));
    let polls = 0;
    let servedMs = 0;
    for (;;) {
      if (performance.now() - savedAt > 60_000) throw new Error(`the new code never answered within 60 s; movies dev said:\n${lines.slice(from).filter((l) => !l.startsWith("request ")).join("\n")}`);
      const sent = performance.now();
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200 && res.headers.get("x-reload-probe") === value) {
        servedMs = performance.now() - savedAt;
        break;
      }
      polls++;
      if (res.status !== 200 && res.status !== 429) throw new Error(`GET ${url}: ${res.status}`);
      // throttled by the stage: a token comes back every 100 ms
      const wait = (res.status === 429 ? 100 : POLL_MS) - (performance.now() - sent);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const run: Run = { servedMs, polls };
    // movies dev's own account of the same reload (absent in older checkouts)
    const split = await line(/^reloaded get-movie: ready (\d+) ms after save \(build (\d+), zip (\d+), handover (\d+), environment start (\d+) ms\)/, from, 5_000).catch(() => undefined);
    if (split) [run.ready, run.build, run.zip, run.handover, run.envStart] = split.slice(1, 6).map(Number);
    const served = await line(/^first request served by the new get-movie (\d+) ms after save/, from, 5_000).catch(() => undefined);
    if (served) run.devServed = Number(served[1]);
    runs.push(run);
    process.stdout.write(`run ${i}: ${run.servedMs.toFixed(0)} ms (${polls} answers from the old code first)\n`);
    // the drained environment ends and the stage's token bucket refills before the next save
    await new Promise((r) => setTimeout(r, 2500));
  }
  restore();
  const sorted = runs.map((r) => r.servedMs).sort((a, b) => a - b);
  const median = (xs: number[]) => {
    const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    return s.length ? s[Math.floor((s.length - 1) / 2)] : undefined;
  };
  const of = (k: keyof Run) => median(runs.map((r) => r[k] as number).filter((x) => x !== undefined));
  const out = [
    `\`movies dev\` (its own process, piped) on the movies stack, ${RUNS} saves of handlers/get-movie/handler.ts, Node ${process.version}; load average at start ${loadBefore}, at end ${load()}; \`movies dev\` to deployed and seeded: ${readyS.toFixed(1)} s`,
    "",
    "| save -> first answer of the new code (ms) | median | p90 | min | max |",
    "|---|---:|---:|---:|---:|",
    `| GET /movies/1 polled every 100 ms from outside | ${fmt(pct(sorted, 50))} | ${fmt(pct(sorted, 90))} | ${fmt(sorted[0])} | ${fmt(sorted.at(-1))} |`,
    "",
    "| where the time goes, as `movies dev` reports it (median ms; served - ready is the first request in the new environment) | build | zip | handover | environment start | save -> ready | save -> first served |",
    "|---|---:|---:|---:|---:|---:|---:|",
    `| get-movie (esbuild rebuild of its own code, its packages in vendor modules built at start; stored zip; new environment started ahead) | ${fmt(of("build"))} | ${fmt(of("zip"))} | ${fmt(of("handover"))} | ${fmt(of("envStart"))} | ${fmt(of("ready"))} | ${fmt(of("devServed"))} |`,
  ];
  if (values.root) process.stdout.write(`${out.join("\n")}\n(--root given: not published)\n`);
  else publishBench("hot-reload", import.meta.url, out);
} finally {
  restore();
  dev.kill("SIGINT");
  await dev;
  rmSync(home, { recursive: true, force: true });
}
