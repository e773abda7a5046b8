import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleFunctions } from "../../scripts/bundle-functions.js";

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

let built: Promise<string> | undefined;

/**
 * Builds the shipped zips once per test process and returns the directory
 * that holds `<function-name>.zip`, so tests run exactly what deploys.
 */
export function ensureBuilt(): Promise<string> {
  built ??= bundleFunctions({ rootDir: ROOT_DIR }).then(
    (results) => path.dirname(results[0]!.zipPath),
    (error: unknown) => {
      built = undefined;
      throw error;
    },
  );
  return built;
}
