import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where every benchmark's latest table lives. Each bench owns one section,
 * `<!-- bench:NAME -->` ... `<!-- /bench:NAME -->`, and replaces it on every
 * run, so the published figures are always the last measured ones, each with
 * its date and the machine's load.
 */
export const BENCHMARKS_DOC = fileURLToPath(new URL("../../docs/benchmarks.md", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const open = (name: string) => `<!-- bench:${name} -->`;
const close = (name: string) => `<!-- /bench:${name} -->`;

/**
 * Returns `doc` with the section `name` holding `content`. A document without
 * that section gets it appended under a heading of its name, so a new bench
 * publishes without a hand edit first.
 */
export function replaceBenchSection(doc: string, name: string, content: string): string {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bench section name '${name}': use lower-case letters, digits and '-'`);
  const block = `${open(name)}\n${content.trim()}\n${close(name)}`;
  const start = doc.indexOf(open(name));
  const end = doc.indexOf(close(name));
  if (start === -1 && end === -1) return `${doc.trimEnd()}\n\n## ${name}\n\n${block}\n`;
  if (start === -1 || end < start) throw new Error(`docs/benchmarks.md: the markers of section '${name}' are broken; fix them by hand`);
  return doc.slice(0, start) + block + doc.slice(end + close(name).length);
}

/** When and where a run was measured: date, Node, cores and load, and the command that reproduces it. */
export function runContext(script: string, now = new Date()): string {
  const load = loadavg().map((l) => l.toFixed(2)).join(" ");
  const command = `npx tsx ${relative(ROOT, script)}`;
  return `Measured ${now.toISOString().slice(0, 16)}Z by \`${command}\`: Node ${process.versions.node}, ${cpus().length} cores, load average at the end ${load} (1, 5, 15 min).`;
}

/**
 * Prints a bench's result and writes it into its section of docs/benchmarks.md,
 * with the run's date and load. `script` is the bench's `import.meta.url`.
 * Set BENCH_DOCS=0 to print only (a trial run that should not be published).
 */
export function publishBench(name: string, script: string, lines: string[]): void {
  const body = `${runContext(fileURLToPath(script))}\n\n${lines.join("\n").trim()}`;
  process.stdout.write(`${body}\n`);
  if (process.env.BENCH_DOCS === "0") return;
  const doc = readFileSync(BENCHMARKS_DOC, "utf8");
  const tmp = `${BENCHMARKS_DOC}.${process.pid}.tmp`;
  writeFileSync(tmp, replaceBenchSection(doc, name, body));
  renameSync(tmp, BENCHMARKS_DOC);
  process.stdout.write(`(written to ${relative(ROOT, BENCHMARKS_DOC)}, section ${name})\n`);
}
