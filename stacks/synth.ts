import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { App } from "./cdktf.js";
import { REPO_ROOT, resolveStackConfig, StackConfigError, TARGETS, type StackConfig, type StackConfigInput, type Target } from "./config.js";
import { MoviesStack, STACK_NAME } from "./movies-stack.js";

export interface SynthResult {
  /** Folder Terraform runs in: holds cdk.tf.json and the copied function zips. */
  dir: string;
  jsonPath: string;
  json: TerraformJson;
  config: StackConfig;
  durationMs: number;
}

/** The parts of cdk.tf.json that callers read; the rest is Terraform's JSON syntax. */
export interface TerraformJson {
  terraform: Record<string, unknown>;
  provider: Record<string, unknown[]>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: unknown; sensitive?: boolean; description?: string }>;
}

export interface SynthOptions {
  /** Default `<repo>/cdktf.out`. */
  outdir?: string;
}

/** Synthesizes the MoviesStack in-process into `<outdir>/stacks/movies/cdk.tf.json`. */
export async function synthStack(input: StackConfigInput | StackConfig, options: SynthOptions = {}): Promise<SynthResult> {
  const started = performance.now();
  const config = resolveStackConfig(input);
  const outdir = resolve(options.outdir ?? join(REPO_ROOT, "cdktf.out"));
  const app = new App({ outdir, stackTraces: false });
  new MoviesStack(app, STACK_NAME, config);
  app.synth();
  const dir = join(outdir, "stacks", STACK_NAME);
  const jsonPath = join(dir, "cdk.tf.json");
  const json = JSON.parse(await readFile(jsonPath, "utf8")) as TerraformJson;
  return { dir, jsonPath, json, config, durationMs: performance.now() - started };
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: "string", default: "local" },
      region: { type: "string" },
      "name-prefix": { type: "string" },
      sender: { type: "string" },
      recipient: { type: "string" },
      endpoint: { type: "string" },
      "functions-dir": { type: "string" },
      outdir: { type: "string" },
    },
  });
  if (!TARGETS.includes(values.target as Target)) {
    process.stderr.write(`--target must be one of ${TARGETS.join(", ")} (got ${values.target})\n`);
    return 2;
  }
  try {
    const result = await synthStack(
      {
        target: values.target as Target,
        region: values.region,
        namePrefix: values["name-prefix"],
        senderEmail: values.sender,
        recipientEmail: values.recipient,
        endpointUrl: values.endpoint,
        functionsDir: values["functions-dir"],
      },
      { outdir: values.outdir },
    );
    const resources = Object.values(result.json.resource).reduce((n, byId) => n + Object.keys(byId).length, 0);
    process.stdout.write(
      `synthesized ${resources} resources for target ${result.config.target} into ${result.jsonPath} in ${Math.round(result.durationMs)} ms\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof StackConfigError || (error instanceof Error && "code" in error)) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    if (code === 0) process.stdout.write(`process time including module loading: ${Math.round(performance.now())} ms\n`);
    process.exitCode = code;
  });
}
