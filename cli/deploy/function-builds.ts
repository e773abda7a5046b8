import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { FUNCTION_NAMES, zipPath, type FunctionName } from "../../handlers/functions.js";

export interface BuiltFunction {
  name: FunctionName;
  zipPath: string;
  bytes: number;
  /** hex SHA-256 of the zip */
  sha256: string;
  /** the zip on disk changed in this build */
  changed: boolean;
  /** the sources were unchanged since the zip was built, so it was not bundled again */
  cached: boolean;
}

interface CacheEntry {
  fingerprint: string;
  sha256: string;
  /** the local files the fingerprint was taken over (esbuild's import graph at the time) */
  inputs?: string[];
}

/** Next to the CLI's own bundle (bin/movies.mjs writes dist/cli/), outside dist/functions which the stack reads. */
export const buildCachePath = (root: string) => join(root, "dist", "cli", "function-builds.json");

/** Files outside handlers/ that shape every zip: dependency versions, the bundler's version and options, the zip writer. */
const SHARED_INPUTS = ["package-lock.json", "node_modules/esbuild/package.json", "scripts/bundle-functions.ts", "scripts/reproducible-zip.ts"];

/**
 * Hash of what a function's zip is made from: its local source files (esbuild's
 * own reading of the import graph, packages left out, ~15 ms), the lock file and
 * the bundler script. Undefined when the sources do not even parse; the real
 * build then reports why.
 */
export async function sourceFingerprint(root: string, name: FunctionName, known?: CacheEntry): Promise<{ fingerprint: string; inputs: string[] } | undefined> {
  // The graph only changes when one of its files does: when the files the last
  // fingerprint was taken over hash as they did, nothing changed, and esbuild
  // (~30 ms per function, more on a loaded machine) is not needed to say so.
  if (known?.inputs && (await hashInputs(root, known.inputs)) === known.fingerprint) return { fingerprint: known.fingerprint, inputs: known.inputs };
  return fingerprintWithInputs(root, name);
}

async function hashInputs(root: string, inputs: readonly string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const file of [...inputs, ...SHARED_INPUTS]) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(root, file)).catch(() => Buffer.from("(missing)")));
    hash.update("\0");
  }
  return hash.digest("hex");
}

async function fingerprintWithInputs(root: string, name: FunctionName): Promise<{ fingerprint: string; inputs: string[] } | undefined> {
  const { esbuildApi } = await import("../../scripts/esbuild-api.js");
  const { build } = esbuildApi();
  let inputs: string[];
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: [join("handlers", name, "handler.ts")],
      bundle: true,
      write: false,
      metafile: true,
      packages: "external",
      platform: "node",
      format: "esm",
      logLevel: "silent",
    });
    inputs = Object.keys(result.metafile.inputs).sort();
  } catch {
    return undefined;
  }
  return { fingerprint: await hashInputs(root, inputs), inputs };
}

async function fileSha256(path: string): Promise<{ sha256: string; bytes: number } | undefined> {
  try {
    const data = await readFile(path);
    return { sha256: createHash("sha256").update(data).digest("hex"), bytes: data.length };
  } catch {
    return undefined;
  }
}

async function readCache(path: string): Promise<Record<string, CacheEntry>> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Record<string, CacheEntry>;
  } catch {
    return {};
  }
}

/**
 * Builds the function zips, bundling again only the functions whose sources
 * changed since their zip was made. Bundling one function with the AWS SDK takes
 * about a second, so this is what lets a hotswap of one function, and a deploy
 * with nothing changed, skip most of the build.
 */
export type BuildState = "checking" | "cached" | "building" | "built" | "failed";

export async function buildFunctions(root: string, onProgress?: (name: FunctionName, state: BuildState) => void): Promise<BuiltFunction[]> {
  for (const name of FUNCTION_NAMES) onProgress?.(name, "checking");
  const cachePath = buildCachePath(root);
  const cache = await readCache(cachePath);
  // fingerprints are taken before bundling: an edit during the build makes the next run bundle again, never the reverse
  const taken = await Promise.all(FUNCTION_NAMES.map((name) => sourceFingerprint(root, name, cache[name])));
  const fingerprints = taken.map((t) => t?.fingerprint);
  // entries of an older cache learn their inputs, so the next run skips esbuild
  let learned = false;
  const results = new Map<FunctionName, BuiltFunction>();
  const stale: FunctionName[] = [];
  await Promise.all(
    FUNCTION_NAMES.map(async (name, i) => {
      const entry = cache[name];
      const path = join(root, zipPath(name));
      const onDisk = fingerprints[i] && entry?.fingerprint === fingerprints[i] ? await fileSha256(path) : undefined;
      if (onDisk && onDisk.sha256 === entry!.sha256) {
        if (!entry!.inputs) {
          entry!.inputs = taken[i]!.inputs;
          learned = true;
        }
        results.set(name, { name, zipPath: path, bytes: onDisk.bytes, sha256: onDisk.sha256, changed: false, cached: true });
        onProgress?.(name, "cached");
      } else stale.push(name);
    }),
  );
  if (stale.length > 0) {
    const { bundleFunctions } = await import("../../scripts/bundle-functions.js");
    // one function per call, in order, so progress can name the one being bundled
    for (const name of FUNCTION_NAMES.filter((n) => stale.includes(n))) {
      onProgress?.(name, "building");
      let f;
      try {
        [f] = await bundleFunctions({ rootDir: root, only: [name] });
      } catch (e) {
        onProgress?.(name, "failed");
        throw e;
      }
      results.set(f!.name, { ...f!, cached: false });
      onProgress?.(name, "built");
      const t = taken[FUNCTION_NAMES.indexOf(f!.name)];
      if (t) cache[f!.name] = { fingerprint: t.fingerprint, sha256: f!.sha256, inputs: t.inputs };
    }
  }
  if (stale.length > 0 || learned) {
    await mkdir(dirname(cachePath), { recursive: true });
    const tmp = `${cachePath}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(cache, null, 2)}\n`);
    await rename(tmp, cachePath);
  }
  return FUNCTION_NAMES.map((name) => results.get(name)!);
}
