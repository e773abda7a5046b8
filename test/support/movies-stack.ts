import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The synthesized MoviesStack and its assets, as the CLI uploads them to the cloud. */
export interface SynthesizedStack {
  template: Record<string, any>;
  /** path relative to the stack folder -> base64 bytes */
  assets: Record<string, string>;
  /** "synth" when the real stack was synthesized now, "fixture" when the committed JSON was used */
  source: "synth" | "fixture";
}

const SYNTH = fileURLToPath(new URL("../../stacks/synth.ts", import.meta.url));
const FIXTURE = fileURLToPath(new URL("../fixtures/movies-stack.cdk.tf.json", import.meta.url));

function collect(stackDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(stackDir, p).split("\\").join("/")] = readFileSync(p).toString("base64");
    }
  };
  if (existsSync(join(stackDir, "assets"))) walk(join(stackDir, "assets"));
  return out;
}

/**
 * Synthesizes the real MoviesStack (target `local`) around the given zips.
 * Where `stacks/` is not in this checkout yet, uses the cdk.tf.json that
 * `stacks/synth.ts --target local` wrote (committed as a fixture) and uploads
 * each function's zip under the asset path that JSON names.
 */
export async function moviesStack(functionsDir: string): Promise<SynthesizedStack> {
  if (existsSync(SYNTH)) {
    const { synthStack } = (await import(SYNTH)) as { synthStack: (c: object, o: object) => Promise<{ dir: string; json: Record<string, any> }> };
    const outdir = await mkdtemp(join(tmpdir(), "movies-synth-"));
    const result = await synthStack({ target: "local", functionsDir }, { outdir });
    return { template: result.json, assets: collect(result.dir), source: "synth" };
  }
  const template = JSON.parse(readFileSync(FIXTURE, "utf8")) as Record<string, any>;
  const assets: Record<string, string> = {};
  for (const fn of Object.values(template.resource.aws_lambda_function as Record<string, { filename: string }>)) {
    assets[fn.filename] = readFileSync(join(functionsDir, basename(fn.filename))).toString("base64");
  }
  return { template, assets, source: "fixture" };
}
