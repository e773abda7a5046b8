import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { CliError, EXIT, unavailable } from "../errors.js";
import { httpGet } from "../http-get.js";

/**
 * Client of the embedded cloud's admin API (emulator/admin):
 *   PUT    /_movies/stacks/{name}  { template, assets: { relPath: base64 } } -> { outputs, changes }
 *   DELETE /_movies/stacks/{name}                                            -> { changes }
 *   GET    /_movies/logs?function=&since=&follow=true                         -> NDJSON log events
 *   GET    /_movies/api-requests?since=&follow=true                           -> NDJSON API requests
 * Assets travel in the request, so the cloud need not share a disk with the CLI.
 */
export interface StackChange {
  address: string;
  action: "create" | "update" | "replace" | "delete" | "noop";
}

export interface ApplyResult {
  outputs: Record<string, { value: unknown; sensitive?: boolean }>;
  changes: StackChange[];
  /** what the cloud now holds this stack as applied from (emulator/stack/fingerprint.ts) */
  fingerprint?: string;
}

/** A stack as the running cloud holds it (`GET /_movies/stacks/{name}`). */
export interface AppliedStack {
  outputs: ApplyResult["outputs"];
  fingerprint?: string;
  /** CodeSha256 of every function in the cloud, by function name */
  functionCode?: Record<string, string>;
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else out.push(path);
  }
  return out;
}

/** Every file under the synthesized stack's assets/ folder, keyed by its path relative to the stack folder. */
export async function collectAssets(stackDir: string): Promise<Record<string, string>> {
  const assets: Record<string, string> = {};
  for (const path of await files(join(stackDir, "assets"))) assets[relative(stackDir, path).split("\\").join("/")] = (await readFile(path)).toString("base64");
  return assets;
}

async function call<T>(url: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch {
    throw unavailable(`the embedded cloud does not answer at ${new URL(url).origin}`, "start it with `movies up`");
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { message: text };
  }
  if (!res.ok) {
    const b = body as { message?: string; unsupported?: string[] };
    const extra = b.unsupported?.length ? ` (resource types it does not emulate: ${b.unsupported.join(", ")})` : "";
    throw new CliError(`the embedded cloud refused the stack: ${b.message ?? res.statusText}${extra}`, EXIT.refused);
  }
  return body as T;
}

export function applyToCloud(cloudUrl: string, stackName: string, template: unknown, assets: Record<string, string>): Promise<ApplyResult> {
  return call<ApplyResult>(`${cloudUrl}/_movies/stacks/${encodeURIComponent(stackName)}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ template, assets }),
  });
}

/** The stack as the cloud at `cloudUrl` holds it; undefined when it holds none of that name (a new or restarted cloud). */
export async function readAppliedStack(cloudUrl: string, stackName: string): Promise<AppliedStack | undefined> {
  const url = `${cloudUrl}/_movies/stacks/${encodeURIComponent(stackName)}`;
  let res: { status: number; text: string };
  try {
    res = await httpGet(url, 10_000);
  } catch {
    throw unavailable(`the embedded cloud does not answer at ${cloudUrl}`, "start it with `movies up`");
  }
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new CliError(`the embedded cloud answered ${res.status} to GET ${url}: ${res.text}`, EXIT.unavailable);
  return JSON.parse(res.text) as AppliedStack;
}

export function destroyOnCloud(cloudUrl: string, stackName: string): Promise<{ changes: StackChange[] }> {
  return call(`${cloudUrl}/_movies/stacks/${encodeURIComponent(stackName)}`, { method: "DELETE" });
}
