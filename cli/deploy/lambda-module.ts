import { createRequire } from "node:module";

type LambdaModule = typeof import("@aws-sdk/client-lambda");

let loading: Promise<LambdaModule> | undefined;

/**
 * The Lambda client, loaded once per process through require(): the package
 * is CommonJS, and import() of it costs twice the CPU (~115 ms instead of
 * ~60 ms here), Node's ES module loader lexing its sources for named exports.
 */
export function lambdaModule(): Promise<LambdaModule> {
  loading ??= new Promise<LambdaModule>((resolve) => resolve(createRequire(import.meta.url)("@aws-sdk/client-lambda") as LambdaModule));
  return loading;
}

/**
 * Loads the client a little later (25 ms): called when a function starts
 * bundling, the load (which holds this thread) then runs while esbuild works
 * in its own process, once the bundle has been asked of it. A failed load is
 * reported where the client is used, not as an unhandled rejection here.
 */
export function loadLambdaWhileBundling(): void {
  setTimeout(() => lambdaModule().catch(() => undefined), 25).unref();
}
