#!/usr/bin/env node
// Builds the embedded cloud as one self-contained folder, the one the Docker
// image runs: `node scripts/bundle-cloud.mjs [outDir]` (default dist/cloud-image)
// writes outDir/main.mjs (emulator/main.ts and every package it imports, bundled
// by esbuild), its lazily loaded chunks, the files the code opens beside its own
// module (the Lambda worker bootstrap), and outDir/node_modules holding only the
// packages that cannot be bundled, with their dependencies. Run it with
// `node outDir/main.mjs --port 4566`; nothing else from the repository is needed.
//
// This is the one place that knows what the image carries: when an entry, an
// asset or an unbundlable package changes, change it here (the Dockerfile only
// runs this script, and test/docker-compose.test.ts checks the asset list
// against bin/cloud.mjs).
import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export const CLOUD_ENTRY = "emulator/main.ts";
/** Files the cloud opens with `new URL("./x", import.meta.url)`: they must sit beside the bundle. */
export const CLOUD_ASSETS = ["emulator/lambda/runtime/bootstrap.mjs"];
/**
 * Packages kept as installed packages instead of bundled: dynalite loads its
 * actions with computed `require()` paths, and its LevelDB store (classic-level)
 * finds its native prebuilt binary relative to its own package folder; the
 * state store's better-sqlite3 loads its native binding from its own build/.
 */
export const CLOUD_EXTERNAL = ["dynalite", "better-sqlite3"];

/** Finds where Node would resolve `name` from inside `fromDir` (npm's nested node_modules layout). */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
  }
}

/** Copies `name` and everything it depends on, keeping each package's place in the tree. */
function copyWithDependencies(name, fromDir, outDir, copied) {
  const dir = packageDir(name, fromDir);
  if (!dir) throw new Error(`bundle-cloud: package ${name} (needed from ${relative(root, fromDir) || "."}) is not installed; run npm ci`);
  if (copied.has(dir)) return;
  copied.add(dir);
  const rel = relative(root, dir);
  // nested node_modules are copied only where the walk below finds a dependency in them
  cpSync(dir, join(outDir, rel), { recursive: true, filter: (src) => !relative(dir, src).split(sep).includes("node_modules") });
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  for (const dep of Object.keys(manifest.dependencies ?? {})) copyWithDependencies(dep, dir, outDir, copied);
  for (const dep of Object.keys(manifest.optionalDependencies ?? {})) {
    if (packageDir(dep, dir)) copyWithDependencies(dep, dir, outDir, copied);
  }
}

/**
 * Builds the folder; returns its path, the packages copied into its node_modules
 * and the repository files the bundle was built from (package files excluded).
 */
export async function bundleCloud(outDir = join(root, "dist", "cloud-image")) {
  outDir = resolve(outDir);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: { main: CLOUD_ENTRY },
    outdir: outDir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: CLOUD_EXTERNAL,
    // bundled CommonJS packages call require() for Node's built-ins; an ES module has none of its own
    banner: { js: 'import { createRequire as __movies_createRequire } from "node:module"; const require = __movies_createRequire(import.meta.url);' },
    minify: true,
    sourcemap: "linked",
    legalComments: "linked",
    metafile: true,
    logLevel: "error",
  });
  for (const asset of CLOUD_ASSETS) cpSync(join(root, asset), join(outDir, asset.split("/").at(-1)));
  const copied = new Set();
  for (const name of CLOUD_EXTERNAL) copyWithDependencies(name, root, outDir, copied);
  writeFileSync(join(outDir, "package.json"), `${JSON.stringify({ name: "movies-cloud", private: true, type: "module" }, null, 2)}\n`);
  const sources = Object.keys(metafile.inputs).filter((file) => !file.includes("node_modules/")).sort();
  return { outDir, sources, packages: [...copied].map((dir) => relative(join(root, "node_modules"), dir)).sort() };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outDir, packages } = await bundleCloud(process.argv[2]);
  process.stdout.write(`cloud bundle in ${outDir} (${packages.length} packages not bundled: ${packages.join(", ")})\n`);
}
