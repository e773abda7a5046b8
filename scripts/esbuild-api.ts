import { createRequire } from "node:module";

/**
 * esbuild's JavaScript API, through require(): the package is CommonJS, and
 * import() of it takes ~50 ms of CPU in a fresh process against ~10 ms
 * (Node's ES module loader lexes its source for named exports), which every
 * `movies deploy` that bundles paid before the bundle could start. Both ways
 * load the same module (the package has no "exports"), so one esbuild service
 * serves a process whichever way its callers load it.
 */
export function esbuildApi(): typeof import("esbuild") {
  return createRequire(import.meta.url)("esbuild") as typeof import("esbuild");
}
