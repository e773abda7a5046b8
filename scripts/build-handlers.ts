import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleFunctions } from "./bundle-functions.js";

/** Lambda accepts larger zips, but a handler this size means the bundle pulled in too much. */
const MAX_ZIP_BYTES = 1024 * 1024;

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

try {
  const built = await bundleFunctions({ rootDir });
  let tooBig = 0;
  for (const fn of built) {
    const kib = (fn.bytes / 1024).toFixed(1).padStart(7);
    const note = fn.bytes > MAX_ZIP_BYTES ? "  OVER 1 MiB" : fn.changed ? "" : "  (unchanged)";
    console.log(`${path.relative(rootDir, fn.zipPath).padEnd(40)} ${kib} KiB  ${fn.sha256.slice(0, 12)}${note}`);
    if (fn.bytes > MAX_ZIP_BYTES) tooBig++;
  }
  if (tooBig > 0) {
    console.error(`${tooBig} zip(s) exceed 1 MiB; look for an import that pulls in a whole package.`);
    process.exit(1);
  }
} catch (error) {
  console.error(`build failed: ${(error as Error).message}`);
  process.exit(1);
}
