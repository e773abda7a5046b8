import { spawnSync } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { TerraformCommandError, TerraformNotFoundError } from "./errors.js";
import { findPluginMirror, mirrorCliConfig } from "./plugin-mirror.js";

export { TerraformCommandError, TerraformNotFoundError } from "./errors.js";
export { findPluginMirror } from "./plugin-mirror.js";

export interface TerraformOptions {
  /** The synthesized stack folder (holds cdk.tf.json). */
  dir: string;
  /** Each line Terraform prints (stdout and stderr), as it comes. */
  onLine?: (line: string) => void;
  /** Default `terraform` on PATH. */
  executable?: string;
  /** Provider mirror root; undefined searches the usual places, null disables it. */
  pluginMirror?: string | null;
  /** Each message of Terraform's machine-readable UI (`-json`), for the plan and apply that use it. */
  onMessage?: (message: TerraformMessage) => void;
  /** Every line Terraform prints is appended here, so the whole story is on disk while the screen shows a summary. */
  logFile?: string;
  /** Extra environment for terraform (e.g. AWS_PROFILE). */
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
}

export interface TerraformOutput {
  value: unknown;
  type: unknown;
  sensitive: boolean;
}

/** One line of `terraform plan|apply -json` (https://developer.hashicorp.com/terraform/internals/machine-readable-ui). */
export interface TerraformMessage {
  "@level": "info" | "warn" | "error";
  "@message": string;
  type: string;
  hook?: { resource?: { addr: string; resource_type?: string }; action?: string; elapsed_seconds?: number };
  change?: { resource?: { addr: string }; action?: string };
  changes?: { add: number; change: number; remove: number; import?: number; operation: "plan" | "apply" | "destroy" };
  diagnostic?: { severity: "error" | "warning"; summary: string; detail?: string; address?: string };
}

const OUTPUT_TAIL_LINES = 40;

/** Why terraform cannot run here, or undefined when it can. */
export function terraformMissingReason(executable = "terraform"): string | undefined {
  const probe = spawnSync(executable, ["version"], { stdio: "ignore" });
  if (probe.error || probe.status !== 0) return `${executable} is not on PATH (install Terraform >= 1.5)`;
  return undefined;
}

/**
 * Drives the terraform binary on a synthesized stack folder. Never prints:
 * progress goes to `onLine`, results are returned, failures are typed errors.
 */
export class Terraform {
  private readonly executable: string;
  private readonly mirror: string | undefined;

  constructor(private readonly options: TerraformOptions) {
    this.executable = options.executable ?? "terraform";
    this.mirror = options.pluginMirror === null ? undefined : (options.pluginMirror ?? findPluginMirror());
  }

  /** The provider mirror in use, if any. */
  get pluginMirror(): string | undefined {
    return this.mirror;
  }

  async init(): Promise<void> {
    await this.run("init", ["init", "-input=false", "-no-color"]);
  }

  /** `terraform validate`: the configuration against the provider's schema, offline, without credentials. */
  async validate(): Promise<{ valid: boolean; diagnostics: { severity: string; summary: string; detail?: string }[] }> {
    const { stdout } = await this.run("validate", ["validate", "-json", "-no-color"], [0, 1], { stream: false });
    try {
      return JSON.parse(stdout) as { valid: boolean; diagnostics: { severity: string; summary: string; detail?: string }[] };
    } catch {
      throw new TerraformCommandError("validate -json", 0, `unreadable JSON from terraform validate: ${stdout.slice(0, 500)}`);
    }
  }

  /** Returns whether the plan has changes (uses `-detailed-exitcode`: 0 none, 2 changes). */
  async plan(): Promise<{ changes: boolean }> {
    const { exitCode } = await this.run("plan", ["plan", "-input=false", "-no-color", "-detailed-exitcode"], [0, 2]);
    return { changes: exitCode === 2 };
  }

  async apply(): Promise<void> {
    await this.run("apply", ["apply", "-input=false", "-no-color", "-auto-approve", "-compact-warnings"]);
  }

  /**
   * Plans into a file with the machine-readable UI (messages go to onMessage);
   * returns whether anything would change. `destroy` plans removal.
   */
  async planToFile(planFile: string, { destroy = false }: { destroy?: boolean } = {}): Promise<{ changes: boolean }> {
    const args = ["plan", "-input=false", "-no-color", "-json", "-detailed-exitcode", `-out=${planFile}`, ...(destroy ? ["-destroy"] : [])];
    const { exitCode } = await this.run("plan", args, [0, 2], { json: true });
    return { changes: exitCode === 2 };
  }

  /** Applies a saved plan with the machine-readable UI (it applies exactly what was shown and confirmed). */
  async applyPlanFile(planFile: string): Promise<void> {
    await this.run("apply", ["apply", "-input=false", "-no-color", "-json", planFile], [0], { json: true });
  }

  async destroy(): Promise<void> {
    await this.run("destroy", ["destroy", "-input=false", "-no-color", "-auto-approve", "-compact-warnings"]);
  }

  /** Every output with its metadata; sensitive values are included (the caller decides what to show). */
  async outputs(): Promise<Record<string, TerraformOutput>> {
    const { stdout } = await this.run("output", ["output", "-json", "-no-color"], [0], { stream: false });
    try {
      return JSON.parse(stdout) as Record<string, TerraformOutput>;
    } catch {
      throw new TerraformCommandError("output -json", 0, `unreadable JSON from terraform output: ${stdout.slice(0, 500)}`);
    }
  }

  /** Output values only, e.g. `{ api_url: "https://…", function_names: { … } }`. */
  async outputValues(): Promise<Record<string, unknown>> {
    const all = await this.outputs();
    return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v.value]));
  }

  private async run(
    name: string,
    args: string[],
    okExitCodes: number[] = [0],
    { stream = true, json = false }: { stream?: boolean; json?: boolean } = {},
  ): Promise<{ exitCode: number; stdout: string }> {
    if (!existsSync(join(this.options.dir, "cdk.tf.json"))) {
      throw new TerraformCommandError(name, undefined, `no cdk.tf.json in ${this.options.dir}; synthesize the stack first`);
    }
    const configDir = await mkdtemp(join(tmpdir(), "movies-tf-"));
    try {
      const env: Record<string, string | undefined> = {
        TF_IN_AUTOMATION: "1",
        CHECKPOINT_DISABLE: "1",
        ...this.options.env,
      };
      if (this.mirror) {
        const cliConfig = join(configDir, "terraform.rc");
        await writeFile(cliConfig, mirrorCliConfig(this.mirror));
        env.TF_CLI_CONFIG_FILE = cliConfig;
      } else if (process.env.TF_CLI_CONFIG_FILE && !existsSync(process.env.TF_CLI_CONFIG_FILE)) {
        // A config file that does not exist makes terraform warn on every command.
        env.TF_CLI_CONFIG_FILE = undefined;
      }
      const child = execa(this.executable, args, {
        cwd: this.options.dir,
        env,
        extendEnv: true,
        all: true,
        reject: false,
        stdin: "ignore",
        cancelSignal: this.options.signal,
      });
      const tail: string[] = [];
      const log = this.options.logFile ? createWriteStream(this.options.logFile, { flags: "a" }) : undefined;
      log?.write(`\n$ terraform ${args.join(" ")}\n`);
      try {
        if (stream) {
          for await (const line of child.iterable({ from: "all" })) {
            log?.write(`${line}\n`);
            let text = line;
            if (json && line.startsWith("{")) {
              try {
                const message = JSON.parse(line) as TerraformMessage;
                text = message["@message"];
                this.options.onMessage?.(message);
              } catch {
                // not a UI message (a provider's stray line): kept as text
              }
            }
            tail.push(text);
            if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
            this.options.onLine?.(text);
          }
        }
      } finally {
        await new Promise<void>((done) => (log ? log.end(done) : done()));
      }
      const result = await child;
      if (result.failed && (result.code === "ENOENT" || /ENOENT/.test(String(result.message)))) {
        throw new TerraformNotFoundError(this.executable);
      }
      const exitCode = result.exitCode;
      if (exitCode === undefined || !okExitCodes.includes(exitCode)) {
        const text = stream ? tail.join("\n") : String(result.all ?? "").split("\n").slice(-OUTPUT_TAIL_LINES).join("\n");
        throw new TerraformCommandError(name, exitCode, text || String(result.message));
      }
      return { exitCode, stdout: String(result.stdout) };
    } finally {
      await rm(configDir, { recursive: true, force: true });
    }
  }
}
