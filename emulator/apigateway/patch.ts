import { badRequest } from "./model.js";

/** One JSON-Patch-like operation of an API Gateway Update* call, as the SDK sends it. */
export interface PatchOperation {
  op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  path: string;
  value?: string;
  from?: string;
}

/** A patch path split into segments, `~1` and `~0` unescaped (JSON Pointer, RFC 6901). */
export function pathSegments(path: string): string[] {
  if (!path.startsWith("/")) throw badRequest(`Invalid patch path ${path}: it must start with /`);
  return path
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The operations of an Update* body, checked for shape before any is applied. */
export function patchOperations(input: Record<string, unknown>): PatchOperation[] {
  const raw = input.patchOperations;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw badRequest("patchOperations must be a list");
  return raw.map((o) => {
    if (!o || typeof o !== "object") throw badRequest("Each patch operation must be an object with op and path");
    const { op, path, value, from } = o as Record<string, unknown>;
    if (typeof op !== "string" || !["add", "remove", "replace", "move", "copy", "test"].includes(op)) throw badRequest(`Invalid patch operation ${String(op)}: must be add, remove, replace, move, copy or test`);
    if (typeof path !== "string") throw badRequest("Each patch operation needs a path");
    return { op: op as PatchOperation["op"], path, value: value === undefined || value === null ? undefined : String(value), from: typeof from === "string" ? from : undefined };
  });
}

export function unsupportedPatch(op: PatchOperation, allowed: string[]): Error {
  return badRequest(`Invalid patch path '${op.path}' specified for op '${op.op}'. Must be one of: [${allowed.join(", ")}]`);
}

export function patchValue(op: PatchOperation): string {
  if (op.value === undefined) throw badRequest(`Patch operation ${op.op} ${op.path} needs a value`);
  return op.value;
}

export function patchBool(op: PatchOperation): boolean {
  const v = patchValue(op).toLowerCase();
  if (v !== "true" && v !== "false") throw badRequest(`Invalid value ${op.value} for ${op.path}: must be true or false`);
  return v === "true";
}

export function patchNumber(op: PatchOperation, integer = false): number {
  const v = Number(patchValue(op));
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) throw badRequest(`Invalid value ${op.value} for ${op.path}: must be ${integer ? "a whole number" : "a number"}`);
  return v;
}

/** add/replace sets a map entry, remove deletes it: the same rule for every `/xxx/{name}` map path. */
export function patchMap<T>(map: Record<string, T> | undefined, key: string, op: PatchOperation, value: (op: PatchOperation) => T): Record<string, T> | undefined {
  const next = { ...map };
  if (op.op === "remove") delete next[key];
  else if (op.op === "add" || op.op === "replace") next[key] = value(op);
  else throw badRequest(`Patch operation ${op.op} is not supported on ${op.path}`);
  return Object.keys(next).length ? next : undefined;
}

/** add puts a value in a list, remove takes it out. */
export function patchList(list: string[] | undefined, item: string, op: PatchOperation): string[] {
  const next = (list ?? []).filter((x) => x !== item);
  if (op.op === "add" || op.op === "replace") next.push(item);
  else if (op.op !== "remove") throw badRequest(`Patch operation ${op.op} is not supported on ${op.path}`);
  return next;
}
