import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Target } from "./config.js";

/** What the CLI remembers between runs, under `<root>/.movies/` (or `MOVIES_HOME`). */
export interface CloudRecord {
  url: string;
  host: string;
  port: number;
  pid: number;
  stateDir?: string;
  startedAt: string;
}

export interface DeploymentRecord {
  target: Target;
  deployedAt: string;
  /** where the AWS APIs of this target answer (undefined on aws) */
  endpoint?: string;
  region: string;
  outputs: Record<string, string>;
  /** the Terraform working folder's key under `<records>/terraform/` (Terraform targets only) */
  workdir?: string;
}

/**
 * `MOVIES_HOME` moves the records (cloud, deployments, cloud log) elsewhere, so
 * several clouds can run beside one checkout (tests, a second dev loop).
 */
export function recordsDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.MOVIES_HOME ? resolve(env.MOVIES_HOME) : join(root, ".movies");
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** Atomic write, so a Ctrl-C never leaves a torn record. */
function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

export const cloudRecordPath = (root: string) => join(recordsDir(root), "cloud.json");
export const readCloudRecord = (root: string) => readJson<CloudRecord>(cloudRecordPath(root));
export const writeCloudRecord = (root: string, rec: CloudRecord) => writeJson(cloudRecordPath(root), rec);
export const clearCloudRecord = (root: string) => rmSync(cloudRecordPath(root), { force: true });

export const deploymentPath = (root: string, target: Target) => join(recordsDir(root), "deployments", `${target}.json`);
export const readDeployment = (root: string, target: Target) => readJson<DeploymentRecord>(deploymentPath(root, target));
export const writeDeployment = (root: string, rec: DeploymentRecord) => writeJson(deploymentPath(root, rec.target), rec);
export const clearDeployment = (root: string, target: Target) => rmSync(deploymentPath(root, target), { force: true });

export const readDefaultTarget = (root: string) => readJson<{ target: string }>(join(recordsDir(root), "default-target.json"))?.target;
export const writeDefaultTarget = (root: string, target: Target) => writeJson(join(recordsDir(root), "default-target.json"), { target });
