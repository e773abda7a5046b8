import { readFileSync } from "node:fs";
import { isAbsolute, join, normalize, posix } from "node:path";
import { StackError } from "./errors.js";

/**
 * cdktf's `TerraformAsset` writes files under `assets/<id>/<hash>/` beside
 * `cdk.tf.json` and names them by that relative path. An asset resolver turns
 * such a path into bytes, from the synthesized folder on disk or from files
 * uploaded with the stack (the cloud need not share a filesystem).
 */
export type AssetResolver = (path: string) => Buffer;

/** `./assets/a/../a/x.zip` -> `assets/a/x.zip`; refuses paths that leave the stack folder. */
export function normalizeAssetPath(path: string): string {
  if (isAbsolute(path)) return path;
  const p = posix.normalize(path.replaceAll("\\", "/"));
  if (p === ".." || p.startsWith("../")) {
    throw new StackError("AssetNotFound", `asset path ${JSON.stringify(path)} leaves the synthesized stack folder; assets must live under it`);
  }
  return p;
}

/** Reads assets from the synthesized stack folder (the one holding cdk.tf.json). */
export function directoryAssetResolver(stackDir: string): AssetResolver {
  return (path) => {
    const rel = normalizeAssetPath(path);
    const full = isAbsolute(rel) ? rel : join(stackDir, normalize(rel));
    try {
      return readFileSync(full);
    } catch (e) {
      throw new StackError("AssetNotFound", `asset ${path} not found at ${full} (${(e as NodeJS.ErrnoException).code ?? "unreadable"}); synthesize the stack again`);
    }
  };
}

/** Serves assets uploaded with the stack, keyed by their path relative to the stack folder. */
export function uploadedAssetResolver(files: Map<string, Buffer> | Record<string, Buffer>): AssetResolver {
  const byPath = new Map<string, Buffer>();
  for (const [k, v] of files instanceof Map ? files : Object.entries(files)) byPath.set(normalizeAssetPath(k), v);
  return (path) => {
    const found = byPath.get(normalizeAssetPath(path));
    if (!found) {
      const have = [...byPath.keys()].sort().join(", ") || "none";
      throw new StackError("AssetNotFound", `asset ${path} was not uploaded with the stack (uploaded: ${have}); upload every file under assets/ of the synthesized stack`);
    }
    return found;
  };
}
