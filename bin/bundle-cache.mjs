// Runs a TypeScript entry of this repository from an esbuild bundle kept in
// dist/<name>/ (node modules stay external, dynamic imports stay lazy chunks),
// rebuilt only when one of its source files is newer than the bundle, which
// esbuild's metafile lists. Starting through tsx instead costs ~1 s per start.
import module from "node:module";
import { copyFileSync, mkdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// Node >= 22.1 keeps V8's compiled code of the bundle on disk, so a start skips
// most parsing and compiling; Node 20 has no such cache and goes without.
module.enableCompileCache?.();

// Checked on every start (~150 files): the list is read from a small file of
// its own rather than esbuild's whole metafile, and paths are joined as strings.
function stale(entry, inputsPath, assets) {
  const built = statSync(entry, { throwIfNoEntry: false });
  if (!built) return true;
  try {
    // this file is an input too: a change of the build settings below rebuilds every bundle
    const inputs = [...JSON.parse(readFileSync(inputsPath, "utf8")), ...assets, "bin/bundle-cache.mjs"];
    return inputs.some((file) => {
      const s = statSync(`${root}/${file}`, { throwIfNoEntry: false });
      return !s || s.mtimeMs > built.mtimeMs;
    });
  } catch {
    return true;
  }
}

// Two processes started at once may both rebuild: every file is written under a
// temporary name and renamed, chunks (content-hashed names) before the entry and
// the entry before the metafile, so a reader never loads a torn bundle.
function writeAtomic(path, data) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Imports `source` (e.g. "cli/main.ts") from its bundle in dist/<name>/, building
 * it first when stale. `assets` are files the code opens next to its own module
 * (`new URL("./x.mjs", import.meta.url)`), copied beside the bundle's chunks.
 */
export async function importBundled(name, source, assets = []) {
  const outDir = join(root, "dist", name);
  const entry = join(outDir, "main.mjs");
  const metaPath = join(outDir, "meta.json");
  const inputsPath = join(outDir, "inputs.json");
  if (stale(entry, inputsPath, assets)) {
    const { build } = await import("esbuild");
    // a source saved during the build is newer than this, so the next start rebuilds
    const startedAt = new Date();
    const result = await build({
      absWorkingDir: root,
      entryPoints: { main: source },
      outdir: outDir,
      outExtension: { ".js": ".mjs" },
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      jsx: "automatic",
      // linked, not inline: an inline map is three times the code, parsed on every start
      sourcemap: "linked",
      metafile: true,
      write: false,
      logLevel: "error",
    });
    mkdirSync(outDir, { recursive: true });
    for (const asset of assets) {
      const tmp = join(outDir, `${basename(asset)}.${process.pid}.tmp`);
      copyFileSync(join(root, asset), tmp);
      renameSync(tmp, join(outDir, basename(asset)));
    }
    const files = [...result.outputFiles].sort((a, b) => Number(a.path === entry) - Number(b.path === entry));
    for (const file of files) writeAtomic(file.path, file.contents);
    utimesSync(entry, startedAt, startedAt);
    writeAtomic(metaPath, JSON.stringify(result.metafile));
    // written last: its presence says the bundle beside it is complete
    writeAtomic(inputsPath, JSON.stringify(Object.keys(result.metafile.inputs)));
  }
  return import(pathToFileURL(entry).href);
}
