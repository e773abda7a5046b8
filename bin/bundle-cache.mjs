// Runs a TypeScript entry of this repository from an esbuild bundle kept in
// dist/<name>/, rebuilt only when one of its source files is newer than the
// bundle, which esbuild's metafile lists: as ES modules (importBundled: node
// modules stay external, dynamic imports stay lazy chunks) or as one CommonJS
// script compiled from a code cache (runBundled, the cloud's quick start).
// Starting through tsx instead costs ~1 s per start.
import module from "node:module";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { Script } from "node:vm";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// Node >= 22.1 keeps V8's compiled code of the bundle on disk, so a start skips
// most parsing and compiling; Node 20 has no such cache (see runBundled).
const compileCache = module.enableCompileCache?.();
const nodeCompileCache = compileCache !== undefined && [module.constants.compileCacheStatus.ENABLED, module.constants.compileCacheStatus.ALREADY_ENABLED].includes(compileCache.status);

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
  await buildIfStale(outDir, entry, source, assets, {
    outExtension: { ".js": ".mjs" },
    splitting: true,
    format: "esm",
    packages: "external",
  });
  return import(pathToFileURL(entry).href);
}

async function buildIfStale(outDir, entry, source, assets, options) {
  const metaPath = join(outDir, "meta.json");
  const inputsPath = join(outDir, "inputs.json");
  if (!stale(entry, inputsPath, assets)) return false;
  const { build } = await import("esbuild");
  // a source saved during the build is newer than this, so the next start rebuilds
  const startedAt = new Date();
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: source },
    outdir: outDir,
    bundle: true,
    platform: "node",
    target: "node20",
    jsx: "automatic",
    // linked, not inline: an inline map is three times the code, parsed on every start
    sourcemap: "linked",
    metafile: true,
    write: false,
    logLevel: "error",
    ...options,
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
  return true;
}

// Package imports the CommonJS bundle keeps as `require`s; the rest are bundled
// (commander: loaded on every start, so its code is in the code cache too).
const BUNDLED_PACKAGES = new Set(["commander"]);
const externalPackages = {
  name: "external-packages",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED_PACKAGES.has(args.path) ? undefined : { path: args.path, external: true }));
  },
};

/**
 * Runs `source` as one CommonJS script built in dist/<name>/main.cjs (one
 * script: no ES module loader work per start). Where Node keeps a compile cache
 * (>= 22.1) it is required, and Node's cache does the rest. Node 20 has none,
 * and parsing and compiling the bundle was most of a start's own cost there:
 * it is compiled with V8's code cache, made after the first start has run (so
 * it holds the functions start-up compiled lazily too) and kept per Node
 * version beside the bundle. V8 rejects a cache made by another V8 or under
 * other flags, and a new one is made then. A cache that cannot be read or
 * written only costs the compile it would have saved.
 */
export async function runBundled(name, source, assets = [], { v8Flags = [] } = {}) {
  // V8 accepts a code cache only under the flags it was made with, and the cache
  // is made after start-up: flags the code sets at start are set before it compiles
  // too (a flag the user gave node, in its arguments or NODE_OPTIONS, is left alone)
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ").replaceAll("_", "-");
  for (const flag of v8Flags) if (!given.includes(flag.split("=")[0])) setFlagsFromString(flag);
  const outDir = join(root, "dist", name);
  const entry = join(outDir, "main.cjs");
  const rebuilt = await buildIfStale(outDir, entry, source, assets, {
    outExtension: { ".js": ".cjs" },
    format: "cjs",
    plugins: [externalPackages],
    // dynamic import() of a package becomes require(): one copy of each package
    // (an import() would load its ES build beside the CommonJS one a static import requires)
    supported: { "dynamic-import": false },
    define: { "import.meta.url": "__bundleUrl" },
    banner: { js: 'var __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  // code caches of the bundle before are of no use (any Node version)
  if (rebuilt) for (const f of readdirSync(outDir)) if (f.endsWith(".v8cache")) rmSync(join(outDir, f), { force: true });
  // Node's own loader: with its compile cache, when MOVIES_CODE_CACHE=0, or for source maps (a vm script gets none)
  const sourceMaps = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].some((a) => a.includes("--enable-source-maps"));
  if (nodeCompileCache || process.env.MOVIES_CODE_CACHE === "0" || sourceMaps) {
    module.createRequire(import.meta.url)(entry);
    return;
  }
  const code = readFileSync(entry, "utf8");
  const built = statSync(entry);
  // the bundle's size and time in the name: V8 checks only the source's length, so a
  // rebuilt bundle of the same length must not find the cache of the one before
  const cacheName = `main.cjs.${process.version}-${process.arch}-${built.size}-${Math.trunc(built.mtimeMs)}.v8cache`;
  const cachePath = join(outDir, cacheName);
  let cachedData;
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    // none yet: made below
  }
  const script = new Script(module.wrap(code), { filename: entry, cachedData });
  if (!cachedData || script.cachedDataRejected) saveCodeCache(script, outDir, cacheName);
  const fn = script.runInThisContext();
  const mod = new module.Module(entry);
  mod.filename = entry;
  mod.paths = module.Module._nodeModulePaths(outDir);
  fn.call(mod.exports, mod.exports, module.createRequire(entry), mod, entry, outDir);
}

function saveCodeCache(script, outDir, cacheName) {
  let saved = false;
  const save = () => {
    if (saved) return;
    saved = true;
    try {
      writeAtomic(join(outDir, cacheName), script.createCachedData());
      for (const f of readdirSync(outDir)) {
        if (f.endsWith(".v8cache") && f !== cacheName && f.startsWith(`main.cjs.${process.version}-${process.arch}-`)) rmSync(join(outDir, f), { force: true });
      }
    } catch {
      // a read-only checkout: every start compiles, as without a cache
    }
  };
  // after start-up has compiled what a start needs; at exit when that comes first,
  // unless the start failed (a bad flag): that cache would hold little more than the flag parser
  setTimeout(save, 1000).unref();
  process.once("exit", (code) => code === 0 && save());
}
