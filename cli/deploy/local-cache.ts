import { createHash } from "node:crypto";
import { readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { BuiltFunction } from "./function-builds.js";

/**
 * What lets a local deploy skip work, kept beside the CLI's records
 * (`.movies/` or MOVIES_HOME), per cloud URL:
 *
 * - the synthesized stack, reused while its inputs hash the same (cdktf takes
 *   1.5-3 s; the inputs are the stack's sources, the lock file, the settings
 *   and the function zips);
 * - the fingerprint the cloud answered for the last apply, and the stack key
 *   it was applied with. A deploy whose stack key is unchanged and whose cloud
 *   still shows that fingerprint (`GET /_movies/stacks/movies`) has no stack
 *   to apply: only function code can differ, and that is compared with the
 *   CodeSha256 the cloud's Lambda API reports. A restarted or emptied cloud
 *   shows no fingerprint or another one, so the file alone never claims
 *   "up to date".
 */
export interface LocalDeployCache {
  /** hash of the stack's inputs except the function zips */
  stackKey: string;
  /** the cloud's fingerprint after the last full apply with that key */
  fingerprint: string;
}

const cacheFile = (recordsDir: string) => join(recordsDir, "deploy-cache.json");

/** Files the synthesized stack is made from besides the settings and the zips; a change to any of them synthesizes again. */
const STACK_SOURCE_DIRS = ["stacks"];
const STACK_SOURCE_FILES = ["handlers/functions.ts", "package-lock.json"];

async function sourceFiles(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, dir), { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(root, path)));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

/** Hash of the stack's sources, the lock file and the stack settings (target, region, endpoint, names...). */
export async function stackKey(root: string, settings: unknown): Promise<string> {
  const files = [...(await Promise.all(STACK_SOURCE_DIRS.map((d) => sourceFiles(root, d)))).flat(), ...STACK_SOURCE_FILES].sort();
  const hash = createHash("sha256").update(JSON.stringify(settings));
  for (const file of files) {
    hash.update(`\0${relative(root, join(root, file))}\0`);
    hash.update(await readFile(join(root, file)).catch(() => Buffer.from("(missing)")));
  }
  return hash.digest("hex");
}

/** The stack key plus every zip's hash: what a synthesized folder was made from. */
export function synthKey(stack: string, built: readonly BuiltFunction[]): string {
  const hash = createHash("sha256").update(stack);
  for (const f of [...built].sort((a, b) => a.name.localeCompare(b.name))) hash.update(`\0${f.name}\0${f.sha256}`);
  return hash.digest("hex");
}

type CacheFile = Record<string, LocalDeployCache>;

async function readAll(recordsDir: string): Promise<CacheFile> {
  try {
    return JSON.parse(await readFile(cacheFile(recordsDir), "utf8")) as CacheFile;
  } catch {
    return {};
  }
}

export async function readDeployCache(recordsDir: string, cloudUrl: string): Promise<LocalDeployCache | undefined> {
  return (await readAll(recordsDir))[cloudUrl];
}

/** Records (or, with undefined, forgets) what was applied to the cloud at `cloudUrl`; written by rename, never torn. */
export async function writeDeployCache(recordsDir: string, cloudUrl: string, entry: LocalDeployCache | undefined): Promise<void> {
  const all = await readAll(recordsDir);
  if (entry) all[cloudUrl] = entry;
  else delete all[cloudUrl];
  const file = cacheFile(recordsDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(all, null, 2)}\n`);
  await rename(tmp, file);
}

/** The key a synthesized folder was made from, written after the synth completed. */
const synthKeyFile = (outdir: string) => join(outdir, "synth-key");

export async function synthesizedWith(outdir: string): Promise<string | undefined> {
  return (await readFile(synthKeyFile(outdir), "utf8").catch(() => "")).trim() || undefined;
}

/** Forgets the key before a synth (a synth that stops half-way leaves no key) and records it after. */
export async function markSynthesized(outdir: string, key: string | undefined): Promise<void> {
  if (key === undefined) await rm(synthKeyFile(outdir), { force: true });
  else await writeFile(synthKeyFile(outdir), `${key}\n`);
}
