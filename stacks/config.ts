import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

export const TARGETS = ["aws", "localstack", "local"] as const;
export type Target = (typeof TARGETS)[number];

/** The repository root: stacks/ sits directly under it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const DEFAULT_ENDPOINT_URL = "http://localhost:4566";
export const DEFAULT_REGION = "us-east-1";

/** Remote state for the `aws` target; locking via the S3 lock file (Terraform >= 1.10) unless a DynamoDB table is named. */
export interface S3StateBackend {
  bucket: string;
  key: string;
  region: string;
  /** Lock with this DynamoDB table (older Terraform) instead of `use_lockfile`. */
  dynamodbTable?: string;
}

export interface StackConfig {
  target: Target;
  /** For `aws`, undefined means the provider's default region chain (AWS_REGION, profile). */
  region?: string;
  /** Put before every physical name so two copies can live in one account; empty keeps the plain names. */
  namePrefix: string;
  senderEmail: string;
  recipientEmail: string;
  /** LocalStack or embedded cloud URL; used by `localstack` and `local` only. */
  endpointUrl: string;
  /** Only for `aws`; without it state is local under `stateDir`. */
  stateBackend?: S3StateBackend;
  /** Folder for local state files (one per target). */
  stateDir: string;
  /** Folder holding `<function>.zip` for every function in handlers/functions.ts. */
  functionsDir: string;
}

/**
 * X-Ray tracing (Lambda active tracing, API Gateway stage tracing) is on
 * where something reads it: AWS, and the embedded cloud, which records every
 * request's spans anyway and stores the settings as AWS does. LocalStack's
 * free edition has no X-Ray, so it stays off there rather than promise
 * traces nothing records.
 */
export function xrayTracing(config: Pick<StackConfig, "target">): boolean {
  return config.target !== "localstack";
}

export type StackConfigInput = Partial<StackConfig> & Pick<StackConfig, "target">;

const email = z.email({ message: "must be an email address such as movies@example.com" });

const schema = z.object({
  target: z.enum(TARGETS, { message: `target must be one of ${TARGETS.join(", ")}` }),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "region must look like us-east-1")
    .optional(),
  // Longest derived name is "<prefix>-email-notification-role" (IAM roles allow 64 chars).
  namePrefix: z
    .string()
    .regex(/^([a-z][a-z0-9-]{0,29})?$/, "namePrefix must be empty or start with a lowercase letter, use a-z 0-9 -, max 30 chars"),
  senderEmail: email,
  recipientEmail: email,
  endpointUrl: z.url({ message: "endpointUrl must be a URL such as http://localhost:4566" }),
  stateBackend: z
    .object({
      bucket: z.string().min(3, "stateBackend.bucket is required"),
      key: z.string().min(1, "stateBackend.key is required"),
      region: z.string().min(1, "stateBackend.region is required"),
      dynamodbTable: z.string().min(1).optional(),
    })
    .optional(),
  stateDir: z.string().min(1),
  functionsDir: z.string().min(1),
});

export class StackConfigError extends Error {
  readonly code = "StackConfigInvalid";
  constructor(readonly problems: string[]) {
    super(`invalid stack configuration: ${problems.join("; ")}`);
    this.name = "StackConfigError";
  }
}

/** Fills defaults and validates; throws StackConfigError listing every problem. */
export function resolveStackConfig(input: StackConfigInput): StackConfig {
  const target = input.target;
  const merged = {
    region: target === "aws" ? undefined : DEFAULT_REGION,
    namePrefix: "",
    senderEmail: "sender@example.com",
    recipientEmail: "recipient@example.com",
    endpointUrl: DEFAULT_ENDPOINT_URL,
    stateDir: join(REPO_ROOT, ".movies", "state"),
    functionsDir: join(REPO_ROOT, "dist", "functions"),
    ...stripUndefined(input),
  };
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    throw new StackConfigError(parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)));
  }
  const config = parsed.data as StackConfig;
  if (config.stateBackend && config.target !== "aws") {
    throw new StackConfigError([`stateBackend is only used with target aws (got ${config.target}); remove it`]);
  }
  return {
    ...config,
    stateDir: absolute(config.stateDir),
    functionsDir: absolute(config.functionsDir),
  };
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(REPO_ROOT, path);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Physical name of a resource, with the prefix when one is set. */
export function physicalName(config: Pick<StackConfig, "namePrefix">, base: string): string {
  return config.namePrefix ? `${config.namePrefix}-${base}` : base;
}
