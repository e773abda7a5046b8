import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type Database from "better-sqlite3";
import { StateError } from "./state-error.js";

/**
 * better-sqlite3's binding is built for one Node.js ABI. `npm ci` builds (or
 * downloads) the one for the Node that installed; scripts/build-sqlite-binding.sh
 * adds others beside it, as build/node-abi-<ABI>/, so the same node_modules
 * runs the state store on Node 20, 22 and 24.
 */
function abiBinding(): string | undefined {
  const pkg = dirname(createRequire(import.meta.url).resolve("better-sqlite3/package.json"));
  const file = join(pkg, "build", `node-abi-${process.versions.modules}`, "better_sqlite3.node");
  return existsSync(file) ? file : undefined;
}

/** Opens an SQLite file with the binding for the running Node.js; a binding of another ABI is a StateError saying how to build this one. */
export function openSqlite(file: string, options: Database.Options = {}): Database.Database {
  const nativeBinding = abiBinding();
  try {
    // Loaded on first use: a cloud without a state dir never needs the native binding (~10-25 ms of start-up).
    const Driver = createRequire(import.meta.url)("better-sqlite3") as typeof Database;
    return new Driver(file, nativeBinding ? { ...options, nativeBinding } : options);
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    if (!/NODE_MODULE_VERSION|ERR_DLOPEN_FAILED|was compiled against a different Node\.js/.test(message + ((err as { code?: string }).code ?? ""))) throw err;
    throw new StateError(
      "node_modules/better-sqlite3",
      `its native binding was built for another Node.js than ${process.version} (ABI ${process.versions.modules}), so the state dir cannot be opened`,
      "Run scripts/build-sqlite-binding.sh (or npm rebuild better-sqlite3) with this Node.js first on PATH, or start without --state-dir.",
    );
  }
}
