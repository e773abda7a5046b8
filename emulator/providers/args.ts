import { StackError } from "../stack/errors.js";
import type { ResourceContext } from "../stack/engine.js";
import { isObject, type Value, type ValueObject } from "../stack/value.js";

/**
 * Reading Terraform arguments as cdktf writes them: nested blocks come as an
 * object or as a list of objects, numbers sometimes as strings.
 */

export function blocks(v: Value | undefined): ValueObject[] {
  if (Array.isArray(v)) return v.filter(isObject);
  return isObject(v) ? [v] : [];
}

export function block(v: Value | undefined): ValueObject | undefined {
  return blocks(v)[0];
}

export function str(v: Value | undefined): string | undefined {
  if (v === null || v === undefined || typeof v === "object") return undefined;
  return String(v);
}

export function num(v: Value | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

export function bool(v: Value | undefined): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  return undefined;
}

export function strings(v: Value | undefined): string[] {
  return Array.isArray(v) ? v.map(str).filter((s): s is string => s !== undefined) : [];
}

export function stringMap(v: Value | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) if (str(x) !== undefined) out[k] = str(x)!;
  return out;
}

/** A required argument, or an error naming the resource and the argument. */
export function need(args: ValueObject, name: string, ctx: Pick<ResourceContext, "address">): string {
  const v = str(args[name]);
  if (v === undefined || v === "") throw new StackError("ResourceFailed", `${ctx.address}: argument "${name}" is required`);
  return v;
}

/** Terraform's generated name for a resource created without `name` (`name_prefix` or "terraform-"). */
export function generatedName(args: ValueObject, prior?: ValueObject): string {
  const kept = prior ? str(prior.name) : undefined;
  if (kept) return kept;
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 17);
  return `${str(args.name_prefix) ?? "terraform-"}${stamp}${Math.floor(Math.random() * 1e8).toString().padStart(8, "0")}`.slice(0, 80);
}
