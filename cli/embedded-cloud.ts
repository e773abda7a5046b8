import { join } from "node:path";
import { pathToFileURL } from "node:url";

type CloudModule = typeof import("../emulator/cloud.js");

/**
 * Loads the embedded cloud's TypeScript from the project through tsx instead of
 * from the CLI's esbuild bundle: the cloud finds its Lambda worker bootstrap
 * next to its own sources (`new URL("./bootstrap.mjs", import.meta.url)`),
 * which a bundle in dist/cli/ does not carry. (`movies up` in the background
 * runs `bin/cloud.mjs`, whose bundle has the bootstrap copied beside it.)
 */
export async function loadEmbeddedCloud(root: string): Promise<CloudModule> {
  const { tsImport } = await import("tsx/esm/api");
  return (await tsImport(pathToFileURL(join(root, "emulator", "cloud.ts")).href, import.meta.url)) as CloudModule;
}
