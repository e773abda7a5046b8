import type { Target } from "../config.js";

/** Terraform-shaped outputs flattened to strings for the record (maps and lists as JSON). */
export function flattenOutputs(outputs: Record<string, unknown>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(outputs)) {
    const value = v !== null && typeof v === "object" && "value" in (v as object) ? (v as { value: unknown }).value : v;
    flat[k] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return flat;
}

/**
 * The URL `movies call` uses. On AWS and the embedded cloud the stage's invoke
 * URL works as it is; LocalStack serves REST APIs under its own port.
 */
export function apiUrlFor(target: Target, outputs: Record<string, string>, endpoint?: string): string | undefined {
  if (target === "localstack" && endpoint && outputs.api_id) return `${endpoint.replace(/\/$/, "")}/restapis/${outputs.api_id}/live/_user_request_`;
  return outputs.api_url;
}

/** function name by handler folder name, from the `function_names` output. */
export function functionNames(outputs: Record<string, string>): Record<string, string> {
  try {
    return JSON.parse(outputs.function_names ?? "{}") as Record<string, string>;
  } catch {
    return {};
  }
}
