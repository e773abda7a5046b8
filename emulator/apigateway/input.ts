import { badRequest } from "./model.js";

/**
 * One operation's input as the SDK's input shape names it: path labels,
 * query string and JSON body merged (their names never collide in this API).
 */
export type Input = Record<string, unknown>;

export function optionalString(input: Input, name: string): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw badRequest(`${name} must be a string`);
  return v;
}

export function requiredString(input: Input, name: string): string {
  const v = optionalString(input, name);
  if (v === undefined || v === "") throw badRequest(`${name} is required`);
  return v;
}

export function optionalBool(input: Input, name: string): boolean | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (v === "true" || v === "false") return v === "true";
  if (typeof v !== "boolean") throw badRequest(`${name} must be true or false`);
  return v;
}

export function optionalNumber(input: Input, name: string, integer = false): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n) || (integer && !Number.isInteger(n))) throw badRequest(`${name} must be ${integer ? "a whole number" : "a number"}`);
  return n;
}

export function stringList(input: Input, name: string): string[] | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v.split(",").filter(Boolean);
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw badRequest(`${name} must be a list of strings`);
  return v as string[];
}

export function objectOf(input: Input, name: string): Input | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw badRequest(`${name} must be an object`);
  return v as Input;
}

export function stringMap(input: Input, name: string): Record<string, string> | undefined {
  const o = objectOf(input, name);
  if (!o) return undefined;
  for (const [k, v] of Object.entries(o)) if (typeof v !== "string") throw badRequest(`${name}.${k} must be a string`);
  return o as Record<string, string>;
}

export function boolMap(input: Input, name: string): Record<string, boolean> | undefined {
  const o = objectOf(input, name);
  if (!o) return undefined;
  for (const [k, v] of Object.entries(o)) if (typeof v !== "boolean") throw badRequest(`${name}.${k} must be true or false`);
  return o as Record<string, boolean>;
}
