#!/usr/bin/env node
// Launcher for the `movies` CLI. Running TypeScript through tsx costs ~1 s per
// start; instead the CLI is bundled once with esbuild into dist/cli/ (node
// modules stay external) and rebuilt only when one of its source files changed,
// which esbuild's metafile lists. `movies --help` then starts in ~0.1 s.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "dist", "cli");
const entry = join(outDir, "main.mjs");
const metaPath = join(outDir, "meta.json");

function stale() {
  if (!existsSync(entry) || !existsSync(metaPath)) return true;
  const builtAt = statSync(entry).mtimeMs;
  try {
    const inputs = Object.keys(JSON.parse(readFileSync(metaPath, "utf8")).inputs);
    return inputs.some((file) => {
      try {
        return statSync(join(root, file)).mtimeMs > builtAt;
      } catch {
        return true;
      }
    });
  } catch {
    return true;
  }
}

if (stale()) {
  const { build } = await import("esbuild");
  const { mkdirSync, renameSync, utimesSync, writeFileSync } = await import("node:fs");
  // a source saved during the build is newer than this, so the next start rebuilds
  const startedAt = new Date();
  // Two `movies` started at once may both rebuild: every file is written under a
  // temporary name and renamed, chunks (content-hashed names) before the entry
  // and the entry before the metafile, so a reader never loads a torn bundle.
  const writeAtomic = (path, data) => {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  };
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: "cli/main.ts" },
    outdir: outDir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    jsx: "automatic",
    sourcemap: "inline",
    metafile: true,
    write: false,
    logLevel: "error",
  });
  mkdirSync(outDir, { recursive: true });
  const files = [...result.outputFiles].sort((a, b) => Number(a.path === entry) - Number(b.path === entry));
  for (const file of files) writeAtomic(file.path, file.contents);
  utimesSync(entry, startedAt, startedAt);
  writeAtomic(metaPath, JSON.stringify(result.metafile));
}

const { main } = await import(pathToFileURL(entry).href);
await main(process.argv);
