import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { FUNCTION_NAMES, zipPath } from "../../handlers/functions.js";

/**
 * A temp folder with a small but valid Lambda zip for every function
 * (`index.mjs` exporting `handler`), so stack tests do not depend on
 * `npm run build`. The stack never looks inside the code.
 */
export async function writeFunctionZips(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "movies-functions-"));
  for (const name of FUNCTION_NAMES) {
    const source = `export const handler = async () => ({ statusCode: 200, body: ${JSON.stringify(JSON.stringify({ function: name }))} });\n`;
    // Fixed mtime keeps the zip, and so source_code_hash, reproducible.
    const zip = zipSync({ "index.mjs": [strToU8(source), { mtime: new Date("2020-01-01T00:00:00Z") }] });
    await writeFile(join(dir, basename(zipPath(name))), zip);
  }
  return dir;
}
