import { AwsError } from "../core/aws-error.js";
import { baseType, type MessageAttributes } from "./message-attributes.js";

export type FilterPolicyScope = "MessageAttributes" | "MessageBody";
export const FILTER_POLICY_SCOPES: readonly FilterPolicyScope[] = ["MessageAttributes", "MessageBody"];

type Scalar = string | number | boolean | null;
type PolicyNode = { [key: string]: unknown };

/** A validated filter policy, ready to match messages. */
export interface FilterPolicy {
  scope: FilterPolicyScope;
  root: PolicyNode;
}

/** Message content a policy is matched against. */
export interface FilterInput {
  body: string;
  attributes: MessageAttributes;
}

function invalid(reason: string): AwsError {
  return new AwsError("InvalidParameter", `Invalid parameter: FilterPolicy: ${reason}`);
}

const isObject = (v: unknown): v is PolicyNode => typeof v === "object" && v !== null && !Array.isArray(v);
const LOWER_OPS = new Set([">", ">="]);
const UPPER_OPS = new Set(["<", "<="]);

/**
 * Parses and validates a filter policy as SNS does on Subscribe/SetSubscriptionAttributes.
 * Returns undefined for an empty policy ("" or "{}"), which means "deliver everything".
 */
export function parseFilterPolicy(text: string, scope: FilterPolicyScope): FilterPolicy | undefined {
  if (text.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw invalid(`the policy is not valid JSON (${(e as Error).message}); write an object such as {"type": ["MovieCreated"]}`);
  }
  if (!isObject(parsed)) throw invalid(`the policy must be a JSON object such as {"type": ["MovieCreated"]}`);
  if (Object.keys(parsed).length === 0) return undefined;
  validateNode(parsed, scope, []);
  return { scope, root: parsed };
}

function validateNode(node: PolicyNode, scope: FilterPolicyScope, path: string[]): void {
  for (const [key, value] of Object.entries(node)) {
    const where = [...path, key].join(".");
    if (key === "$or") {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) {
        throw invalid(`"$or" at ${where} must be an array of at least two policy objects`);
      }
      for (const alt of value) validateNode(alt as PolicyNode, scope, path);
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) throw invalid(`"${where}" must list at least one value or condition`);
      for (const c of value) validateCondition(c, where);
      continue;
    }
    if (isObject(value)) {
      if (scope === "MessageAttributes") {
        throw invalid(`"${where}" is a nested object, which only FilterPolicyScope MessageBody allows; with MessageAttributes each key maps to an array`);
      }
      validateNode(value, scope, [...path, key]);
      continue;
    }
    throw invalid(`"${where}" must map to an array of values or conditions, e.g. ["a", {"prefix": "b"}]`);
  }
}

function validateCondition(c: unknown, where: string): void {
  if (c === null || typeof c === "string" || typeof c === "number" || typeof c === "boolean") return;
  if (!isObject(c)) throw invalid(`"${where}" contains an array; conditions are values or single-key objects`);
  const keys = Object.keys(c);
  if (keys.length !== 1) throw invalid(`"${where}": a condition object must have exactly one key, got ${keys.length}`);
  const op = keys[0]!;
  const arg = c[op];
  switch (op) {
    case "prefix":
    case "suffix":
      if (typeof arg === "string") return;
      if (isObject(arg) && typeof arg["equals-ignore-case"] === "string" && Object.keys(arg).length === 1) return;
      throw invalid(`"${where}": ${op} takes a string`);
    case "equals-ignore-case":
      if (typeof arg === "string") return;
      throw invalid(`"${where}": equals-ignore-case takes a string`);
    case "exists":
      if (typeof arg === "boolean") return;
      throw invalid(`"${where}": exists takes true or false`);
    case "numeric":
      validateNumeric(arg, where);
      return;
    case "anything-but":
      validateAnythingBut(arg, where);
      return;
    default:
      throw invalid(`"${where}": unrecognized match type ${op} (supported: prefix, suffix, equals-ignore-case, anything-but, numeric, exists)`);
  }
}

function validateNumeric(arg: unknown, where: string): void {
  const bad = () => invalid(`"${where}": numeric takes ["=", n], [op, n] or [">"|">=", low, "<"|"<=", high]`);
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) throw bad();
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    if (typeof op !== "string" || !(op === "=" || LOWER_OPS.has(op) || UPPER_OPS.has(op))) throw bad();
    if (typeof arg[i + 1] !== "number") throw invalid(`"${where}": numeric bounds must be numbers, got ${JSON.stringify(arg[i + 1])}`);
  }
  if (arg.length === 4) {
    if (!LOWER_OPS.has(arg[0] as string) || !UPPER_OPS.has(arg[2] as string)) throw bad();
    if ((arg[1] as number) >= (arg[3] as number)) throw invalid(`"${where}": numeric range lower bound must be below the upper bound`);
  }
}

function validateAnythingBut(arg: unknown, where: string): void {
  if (typeof arg === "string" || typeof arg === "number") return;
  if (Array.isArray(arg)) {
    if (arg.length > 0 && arg.every((v) => typeof v === "string" || typeof v === "number")) return;
    throw invalid(`"${where}": anything-but takes a value, a non-empty array of strings or numbers, or {"prefix": ...}`);
  }
  if (isObject(arg) && Object.keys(arg).length === 1) {
    const [k, v] = Object.entries(arg)[0]!;
    if ((k === "prefix" || k === "suffix") && typeof v === "string") return;
    if (k === "equals-ignore-case" && (typeof v === "string" || (Array.isArray(v) && v.every((x) => typeof x === "string")))) return;
  }
  throw invalid(`"${where}": anything-but takes a value, an array of values, {"prefix": s}, {"suffix": s} or {"equals-ignore-case": s}`);
}

/** Values a key resolves to; undefined when the key is absent from the message. */
type Lookup = (path: string[]) => Scalar[] | undefined;

export function matchesFilterPolicy(policy: FilterPolicy, input: FilterInput): boolean {
  if (policy.scope === "MessageAttributes") return matchNode(policy.root, attributeLookup(input.attributes), []);
  let body: unknown;
  try {
    body = JSON.parse(input.body);
  } catch {
    return false; // a body policy never matches a body that is not JSON
  }
  if (!isObject(body)) return false;
  return matchNode(policy.root, bodyLookup(body), []);
}

function attributeLookup(attrs: MessageAttributes): Lookup {
  return (path) => {
    const a = attrs[path[0]!];
    if (!a) return undefined;
    switch (baseType(a.DataType)) {
      case "String":
        return [a.StringValue ?? ""];
      case "Number":
        return [Number(a.StringValue)];
      case "String.Array":
        return (JSON.parse(a.StringValue ?? "[]") as Scalar[]).filter((v) => v === null || typeof v !== "object");
      default:
        return []; // Binary attributes exist but never match a value
    }
  };
}

function bodyLookup(body: PolicyNode): Lookup {
  return (path) => {
    let values: unknown[] = [body];
    for (const key of path) {
      values = values.flatMap((v) => (isObject(v) && key in v ? flatten(v[key]) : []));
    }
    if (values.length === 0) return undefined;
    return values.filter((v): v is Scalar => v === null || typeof v !== "object");
  };
}

function flatten(v: unknown): unknown[] {
  return Array.isArray(v) ? v.flatMap(flatten) : [v];
}

function matchNode(node: PolicyNode, lookup: Lookup, path: string[]): boolean {
  for (const [key, value] of Object.entries(node)) {
    if (key === "$or") {
      if (!(value as PolicyNode[]).some((alt) => matchNode(alt, lookup, path))) return false;
    } else if (Array.isArray(value)) {
      const found = lookup([...path, key]);
      if (!value.some((c) => matchCondition(c, found))) return false;
    } else if (!matchNode(value as PolicyNode, lookup, [...path, key])) {
      return false;
    }
  }
  return true;
}

const strings = (found: Scalar[] | undefined): string[] => (found ?? []).filter((v): v is string => typeof v === "string");
const numbers = (found: Scalar[] | undefined): number[] => (found ?? []).filter((v): v is number => typeof v === "number");

function matchCondition(c: unknown, found: Scalar[] | undefined): boolean {
  if (!isObject(c)) return found !== undefined && found.some((v) => v === c);
  const [op, arg] = Object.entries(c)[0]!;
  switch (op) {
    case "exists":
      return arg ? found !== undefined : found === undefined;
    case "prefix":
    case "suffix": {
      const ignoreCase = isObject(arg);
      const needle = ignoreCase ? String(arg["equals-ignore-case"]).toLowerCase() : (arg as string);
      return strings(found).some((s) => {
        const hay = ignoreCase ? s.toLowerCase() : s;
        return op === "prefix" ? hay.startsWith(needle) : hay.endsWith(needle);
      });
    }
    case "equals-ignore-case":
      return strings(found).some((s) => s.toLowerCase() === (arg as string).toLowerCase());
    case "numeric":
      return numbers(found).some((n) => numericHolds(arg as (string | number)[], n));
    case "anything-but":
      return found !== undefined && found.length > 0 && found.some((v) => !excludedBy(arg, v));
    default:
      return false;
  }
}

function numericHolds(spec: (string | number)[], n: number): boolean {
  for (let i = 0; i < spec.length; i += 2) {
    const bound = spec[i + 1] as number;
    const ok =
      spec[i] === "=" ? n === bound : spec[i] === ">" ? n > bound : spec[i] === ">=" ? n >= bound : spec[i] === "<" ? n < bound : n <= bound;
    if (!ok) return false;
  }
  return true;
}

function excludedBy(arg: unknown, v: Scalar): boolean {
  if (Array.isArray(arg)) return arg.some((x) => x === v);
  if (isObject(arg)) {
    const [k, x] = Object.entries(arg)[0]!;
    if (typeof v !== "string") return false;
    if (k === "prefix") return v.startsWith(x as string);
    if (k === "suffix") return v.endsWith(x as string);
    const list = Array.isArray(x) ? (x as string[]) : [x as string];
    return list.some((s) => s.toLowerCase() === v.toLowerCase());
  }
  return arg === v;
}
