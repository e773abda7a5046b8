import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { BuildOptions } from "esbuild";
import { FUNCTION_NAMES, type FunctionName } from "../handlers/functions.js";
import { esbuildApi } from "./esbuild-api.js";
import { reproducibleZip } from "./reproducible-zip.js";

export interface BundleOptions {
  /** Repository root: handlers are read from `<rootDir>/handlers/<name>/handler.ts`. */
  rootDir: string;
  /** Where zips are written, relative to rootDir unless absolute. */
  outDir?: string;
  /** Build only these functions (default: all of FUNCTION_NAMES). */
  only?: readonly FunctionName[];
}

export interface BundledFunction {
  name: FunctionName;
  /** Absolute path of `<outDir>/<name>.zip`. */
  zipPath: string;
  bytes: number;
  sha256: string;
  /** False when the zip on disk already had these exact bytes and was left alone. */
  changed: boolean;
}

/** The bundle's entry file inside the zip; Lambda handler string `index.handler`. */
export const BUNDLE_ENTRY = "index.mjs";

// Some bundled dependencies are CommonJS and call require() for Node
// built-ins, which an ES module does not have.
const CJS_SHIM = [
  'import { createRequire as __movies_createRequire } from "node:module";',
  "const require = __movies_createRequire(import.meta.url);",
].join("\n");

/**
 * Bundles each handler with esbuild (AWS SDK included, minified, tree-shaken)
 * into a reproducible zip holding `index.mjs`: identical sources give
 * byte-identical zips, an unchanged zip is not rewritten, and a zip is
 * replaced by rename so a concurrent reader never sees a torn file.
 */
export async function bundleFunctions(options: BundleOptions): Promise<BundledFunction[]> {
  const rootDir = path.resolve(options.rootDir);
  const outDir = path.resolve(rootDir, options.outDir ?? "dist/functions");
  const names = options.only ?? FUNCTION_NAMES;
  for (const name of names) {
    if (!(FUNCTION_NAMES as readonly string[]).includes(name)) {
      throw new Error(`Unknown function "${name}"; known functions: ${FUNCTION_NAMES.join(", ")}`);
    }
  }
  await mkdir(outDir, { recursive: true });
  const results: BundledFunction[] = [];
  // One at a time: esbuild already uses every core for each bundle.
  for (const name of names) results.push(await bundleOne(rootDir, outDir, name));
  return results;
}

async function bundleOne(rootDir: string, outDir: string, name: FunctionName): Promise<BundledFunction> {
  const code = await bundleCode(rootDir, name);
  const zip = zipBundle(code);
  const sha256 = createHash("sha256").update(zip).digest("hex");
  const zipPath = path.join(outDir, `${name}.zip`);
  const changed = !(await hasSameContent(zipPath, sha256));
  if (changed) await writeAtomically(zipPath, zip);
  return { name, zipPath, bytes: zip.length, sha256, changed };
}

/**
 * The zip of a bundle, reproducible (scripts/reproducible-zip.ts). Level 9 for what is deployed; `movies dev`
 * stores (level 0) what it hands to the in-process cloud, where size costs
 * nothing and compressing costs tens of milliseconds per save.
 */
export function zipBundle(code: Uint8Array | Record<string, Uint8Array>, level: 0 | 9 = 9): Uint8Array {
  return reproducibleZip(code instanceof Uint8Array ? { [BUNDLE_ENTRY]: code } : code, level);
}

/** esbuild's options for a function's bundle: shared by the deploy build and `movies dev`'s incremental contexts. */
export function functionBuildOptions(rootDir: string, name: string): BuildOptions & { write: false } {
  return {
    absWorkingDir: rootDir,
    entryPoints: [path.join(rootDir, "handlers", name, "handler.ts")],
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: "node",
    format: "esm",
    target: "node22",
    mainFields: ["module", "main"],
    banner: { js: CJS_SHIM },
    legalComments: "none",
    charset: "utf8",
    sourcemap: false,
    write: false,
    outfile: path.join(rootDir, "dist", "bundle", name, BUNDLE_ENTRY),
    logLevel: "silent",
  };
}

async function bundleCode(rootDir: string, name: FunctionName): Promise<Uint8Array> {
  const entry = path.join(rootDir, "handlers", name, "handler.ts");
  const result = await esbuildApi().build(functionBuildOptions(rootDir, name));
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return output.contents;
}

async function hasSameContent(file: string, sha256: string): Promise<boolean> {
  try {
    return createHash("sha256").update(await readFile(file)).digest("hex") === sha256;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

async function writeAtomically(file: string, data: Uint8Array): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
