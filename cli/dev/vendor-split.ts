import { createHash } from "node:crypto";
import { builtinModules } from "node:module";
import path from "node:path";
import type { Plugin } from "esbuild";

/**
 * `movies dev` builds a function in two parts, both shipped in its zip: the
 * function's own code (index.mjs, rebuilt on every save in milliseconds) and
 * its packages (vendor/*.mjs, built again only when the set of packages it
 * imports changes). Bundling the AWS SDK into every save's build is what made
 * a rebuild take a second.
 */

const BUILTINS = new Set(builtinModules);

/** A bare specifier naming a package (not a relative path, not a Node.js built-in). */
export function isPackageSpecifier(spec: string): boolean {
  if (spec.startsWith(".") || path.isAbsolute(spec) || spec.startsWith("node:")) return false;
  return !BUILTINS.has(spec) && !BUILTINS.has(spec.split("/")[0]!);
}

/** Where a package's module sits in the zip, relative to index.mjs. */
export function vendorModule(spec: string): string {
  return `vendor/${spec.replace(/[^A-Za-z0-9._-]/g, "_")}.mjs`;
}

/**
 * For the function's own build: every package import becomes an import of
 * its vendor module beside index.mjs; `used` collects the packages of the
 * last build.
 */
export function vendorImports(used: Set<string>): Plugin {
  return {
    name: "movies-dev-vendor-imports",
    setup(b) {
      b.onStart(() => {
        used.clear();
      });
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (!isPackageSpecifier(args.path)) return undefined;
        used.add(args.path);
        return { path: `./${vendorModule(args.path)}`, external: true };
      });
    },
  };
}

export interface VendorBuild {
  specs: Set<string>;
  /** path in the zip -> contents */
  files: Record<string, Uint8Array>;
  hash: string;
}

/**
 * Bundles the packages as one module each (their shared code in common
 * chunks, so a class is one class for every package that uses it). Each
 * module exports the package's whole API. Undefined when a package's exports
 * cannot be known without running it (CommonJS): the function is then built
 * whole, as the deploy does.
 */
export async function buildVendor(options: import("esbuild").BuildOptions, specs: Set<string>): Promise<VendorBuild | undefined> {
  const files: Record<string, Uint8Array> = {};
  const hash = createHash("sha256");
  if (specs.size === 0) return { specs: new Set(), files, hash: hash.digest("hex") };
  const { build } = await import("esbuild");
  const outdir = path.dirname(options.outfile!);
  const r = await build({
    ...options,
    outfile: undefined,
    outdir,
    entryPoints: [...specs].map((s) => ({ in: `vendor-entry:${s}`, out: vendorModule(s).slice(0, -".mjs".length) })),
    splitting: true,
    chunkNames: "vendor/chunk-[hash]",
    outExtension: { ".js": ".mjs" },
    metafile: true,
    plugins: [
      {
        name: "movies-dev-vendor-entries",
        setup(b) {
          b.onResolve({ filter: /^vendor-entry:/ }, (a) => ({ path: a.path.slice("vendor-entry:".length), namespace: "vendor-entry" }));
          b.onLoad({ filter: /.*/, namespace: "vendor-entry" }, (a) => ({
            // `export *` leaves out a default export: it is passed on by hand (undefined when there is none)
            contents: `import * as ns from ${JSON.stringify(a.path)};\nexport * from ${JSON.stringify(a.path)};\nexport default ns.default;\n`,
            resolveDir: options.absWorkingDir,
            loader: "js",
          }));
        },
      },
    ],
  });
  for (const meta of Object.values(r.metafile.outputs)) {
    // a CommonJS package's names are only known at run time: an ESM import of them from index.mjs would not link
    if (meta.entryPoint && meta.exports.filter((e) => e !== "default").length === 0) return undefined;
  }
  for (const f of [...r.outputFiles!].sort((a, b) => a.path.localeCompare(b.path))) {
    const name = path.relative(outdir, f.path).split(path.sep).join("/");
    files[name] = f.contents;
    hash.update(`${name}\0`).update(f.contents).update("\0");
  }
  return { specs: new Set(specs), files, hash: hash.digest("hex") };
}
