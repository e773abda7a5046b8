import { createHash } from "node:crypto";

/**
 * What a stack was applied from, as one hash: the template, every asset's
 * bytes and the variables. The cloud keeps it with the applied state and shows
 * it (`GET /_movies/stacks/{name}`), so a client that would send the same
 * again can tell, from what the running cloud holds rather than from a file of
 * its own, that there is nothing to apply. The CLI computes it with this same
 * function.
 */
export function stackFingerprint(template: unknown, assetSha256: Record<string, string>, variables?: unknown): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify(template ?? null));
  for (const name of Object.keys(assetSha256).sort()) hash.update(`\0${name}\0${assetSha256[name]}`);
  hash.update(`\0${JSON.stringify(variables ?? null)}`);
  return hash.digest("hex");
}

/** Hex SHA-256 of bytes, the form stackFingerprint takes each asset in. */
export const sha256Hex = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");
