import { readFileSync, readdirSync, statSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { synthStack, type SynthResult } from "../../stacks/synth.js";

/** The synthesized MoviesStack and its assets, as the CLI uploads them to the cloud. */
export interface SynthesizedStack {
  template: Record<string, any>;
  /** path relative to the stack folder -> base64 bytes */
  assets: Record<string, string>;
}

function collect(stackDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(stackDir, p).split("\\").join("/")] = readFileSync(p).toString("base64");
    }
  };
  walk(join(stackDir, "assets"));
  return out;
}

/** Synthesizes the real MoviesStack (target `local`) around the given zips, into a temp folder. */
export async function moviesStack(functionsDir: string): Promise<SynthesizedStack> {
  const outdir = await mkdtemp(join(tmpdir(), "movies-synth-"));
  const result = await synthStack({ target: "local", functionsDir }, { outdir });
  return { template: result.json as unknown as Record<string, any>, assets: collect(result.dir) };
}

/**
 * The real MoviesStack synthesized for the `localstack` target with every
 * provider endpoint at `endpointUrl` (LocalStack, moto or the embedded cloud),
 * state and output under `scratch`: what Terraform applies in the tests and
 * benchmarks that drive an emulator.
 */
export function synthForEndpoint(endpointUrl: string, functionsDir: string, scratch: string, region = "us-east-1"): Promise<SynthResult> {
  return synthStack(
    { target: "localstack", endpointUrl, region, functionsDir, stateDir: join(scratch, "state"), senderEmail: "movies@example.com", recipientEmail: "fan@example.com" },
    { outdir: join(scratch, "cdktf.out") },
  );
}
