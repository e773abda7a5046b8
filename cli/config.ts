import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { z as Z } from "zod";
import { usageError } from "./errors.js";

export const TARGETS = ["local", "localstack", "aws"] as const;
export type Target = (typeof TARGETS)[number];

/** `movies.config.json` at the project root; every field optional. zod loads only when a file exists. */
const fileSchema = (z: typeof Z) =>
  z.object({
    region: z.string().min(1),
    namePrefix: z.string().regex(/^[a-z0-9-]{0,20}$/, "lowercase letters, digits and dashes, at most 20"),
    senderEmail: z.email(),
    recipientEmail: z.email(),
    defaultTarget: z.enum(TARGETS),
    localstackUrl: z.url(),
    stateBucket: z.string().min(3),
    stateKey: z.string().min(1),
    stateRegion: z.string().min(1),
  })
    .partial()
    .strict();

export type FileConfig = Z.infer<ReturnType<typeof fileSchema>>;

export interface GlobalFlags {
  target?: string;
  region?: string;
  profile?: string;
  endpoint?: string;
}

export interface Settings {
  root: string;
  target: Target;
  region: string;
  /** where the region came from; "default" means nobody set one (us-east-1 is assumed for local work) */
  regionFrom: "flag" | "env" | "config" | "default";
  profile?: string;
  /** the cloud or LocalStack URL given with --endpoint / MOVIES_ENDPOINT */
  endpoint?: string;
  namePrefix: string;
  senderEmail?: string;
  recipientEmail?: string;
  localstackUrl: string;
  stateBackend?: { bucket: string; key: string; region: string };
}

export const CONFIG_FILE = "movies.config.json";

/** The project root: the nearest folder upward holding movies.config.json or the movies package.json. */
export function findRoot(start = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, CONFIG_FILE))) return dir;
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "movies") return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) return resolve(start);
    dir = up;
  }
}

export async function readConfigFile(root: string): Promise<FileConfig> {
  const path = join(root, CONFIG_FILE);
  if (!existsSync(path)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw usageError(`${CONFIG_FILE} is not valid JSON: ${(e as Error).message}`, `fix ${path}`);
  }
  const { z } = await import("zod");
  const parsed = fileSchema(z).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "(root)";
    throw usageError(`${CONFIG_FILE}: ${field}: ${issue.message}`, `fix ${path}`);
  }
  return parsed.data;
}

export function parseTarget(value: string, from: string): Target {
  if ((TARGETS as readonly string[]).includes(value)) return value as Target;
  throw usageError(`unknown target "${value}" (from ${from})`, `use one of: ${TARGETS.join(", ")}`);
}

/**
 * Settings in order of precedence: flags, then environment, then the config
 * file, then the recorded default target, then built-in defaults for local work.
 */
export async function resolveSettings(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env, root = findRoot(), recordedTarget?: string): Promise<Settings> {
  const file = await readConfigFile(root);
  const target = flags.target
    ? parseTarget(flags.target, "--target")
    : env.MOVIES_TARGET
      ? parseTarget(env.MOVIES_TARGET, "MOVIES_TARGET")
      : file.defaultTarget ?? (recordedTarget ? parseTarget(recordedTarget, ".movies/default-target") : "local");
  const local = target !== "aws";
  const bucket = env.MOVIES_STATE_BUCKET ?? file.stateBucket;
  const envRegion = env.MOVIES_REGION ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const region = flags.region ?? envRegion ?? file.region ?? "us-east-1";
  const regionFrom = flags.region ? "flag" : envRegion ? "env" : file.region ? "config" : "default";
  return {
    root,
    target,
    region,
    regionFrom,
    profile: flags.profile ?? env.AWS_PROFILE,
    endpoint: flags.endpoint ?? env.MOVIES_ENDPOINT,
    namePrefix: env.MOVIES_NAME_PREFIX ?? file.namePrefix ?? "",
    senderEmail: env.MOVIES_SENDER_EMAIL ?? file.senderEmail ?? (local ? "movies@example.com" : undefined),
    recipientEmail: env.MOVIES_RECIPIENT_EMAIL ?? file.recipientEmail ?? (local ? "developer@example.com" : undefined),
    localstackUrl: env.MOVIES_LOCALSTACK_URL ?? file.localstackUrl ?? "http://localhost:4566",
    stateBackend: bucket
      ? { bucket, key: env.MOVIES_STATE_KEY ?? file.stateKey ?? "movies/terraform.tfstate", region: env.MOVIES_STATE_REGION ?? file.stateRegion ?? region }
      : undefined,
  };
}
