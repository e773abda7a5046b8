import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { Settings } from "../config.js";
import { recordsDir } from "../records.js";

export interface TerraformWorkdir {
  /** `<target>-<region>[-<prefix>]-<hash>`: one per target, region, name prefix and endpoint or state backend */
  key: string;
  /** where the stack is synthesized; Terraform runs in `<outdir>/stacks/movies` */
  outdir: string;
  /** local state (when no S3 backend), one file per working folder */
  stateDir: string;
  /** every line Terraform printed during the last deploy or destroy */
  logFile: string;
}

/**
 * One Terraform working folder and state per deployment place. Sharing one
 * folder between LocalStack and AWS is what made `terraform init` stop with
 * "Backend configuration changed" after switching targets; apart, each
 * folder only ever sees its own backend.
 */
export function terraformWorkdir(settings: Settings, endpoint: string | undefined): TerraformWorkdir {
  const where = settings.stateBackend ? `s3://${settings.stateBackend.bucket}/${settings.stateBackend.key}@${settings.stateBackend.region}` : (endpoint ?? "aws");
  const hash = createHash("sha256").update(where).digest("hex").slice(0, 8);
  const key = [settings.target, settings.region, settings.namePrefix || undefined, hash].filter(Boolean).join("-");
  const base = join(recordsDir(settings.root), "terraform", key);
  const dirs = { outdir: join(base, "cdktf.out"), stateDir: join(base, "state") };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return { key, ...dirs, logFile: join(base, "terraform.log") };
}

/**
 * Earlier versions kept one state per target in `<root>/.movies/state/<target>.tfstate`
 * beside a shared working folder. The first deploy or destroy of that target
 * moves it into its working folder (moved, not copied, so only one place ever
 * adopts it), so existing resources stay managed instead of being created again.
 */
export function adoptLegacyState(settings: Settings, work: TerraformWorkdir, env: NodeJS.ProcessEnv = process.env): string | undefined {
  // a MOVIES_HOME (a test, a second checkout's cloud) is a world of its own: it never takes the project's state
  if (env.MOVIES_HOME) return undefined;
  const legacy = join(settings.root, ".movies", "state", `${settings.target}.tfstate`);
  const current = join(work.stateDir, `${settings.target}.tfstate`);
  if (settings.stateBackend || !existsSync(legacy) || existsSync(current)) return undefined;
  renameSync(legacy, current);
  return legacy;
}
