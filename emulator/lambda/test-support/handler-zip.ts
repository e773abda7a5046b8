import { strToU8, zipSync } from "fflate";

/** A function zip built from source files, e.g. `{ "index.mjs": "export const handler = ..." }`. */
export function handlerZip(files: Record<string, string>): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, source] of Object.entries(files)) entries[name] = strToU8(source);
  return zipSync(entries);
}

export const TEST_ROLE = "arn:aws:iam::000000000000:role/test-function-role";
