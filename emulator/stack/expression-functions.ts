import { createHash } from "node:crypto";
import { StackError } from "./errors.js";
import { goJsonEscape } from "./go-json.js";
import { isObject, typeName, valuesEqual, type Value, type ValueObject } from "./value.js";

/** What a function may need from outside the expression: files named by the stack. */
export interface FunctionContext {
  readFile(path: string): Buffer;
}

type TfFunction = (args: Value[], ctx: FunctionContext) => Value;

function fail(fn: string, message: string): never {
  throw new StackError("ExpressionEvaluation", `${fn}(): ${message}`);
}

function arity(fn: string, args: Value[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    fail(fn, `takes ${want} argument(s), got ${args.length}`);
  }
}

/** Terraform's automatic conversion of primitives to string. */
export function toStr(v: Value, fn = "tostring"): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return fail(fn, `expected a string, got ${typeName(v)}`);
}

/** Terraform prints numbers in full, never in exponent form. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) >= 1e21) return BigInt(n).toString();
  return String(n);
}

function toNum(v: Value, fn: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  return fail(fn, `expected a number, got ${typeName(v)} ${JSON.stringify(v)}`);
}

function toList(v: Value, fn: string): Value[] {
  if (Array.isArray(v)) return v;
  return fail(fn, `expected a list, got ${typeName(v)}`);
}

function toMap(v: Value, fn: string): ValueObject {
  if (isObject(v)) return v;
  return fail(fn, `expected a map or object, got ${typeName(v)}`);
}

function hash(alg: string, data: string | Buffer, enc: "hex" | "base64"): string {
  return createHash(alg).update(data).digest(enc);
}

/** Terraform's jsonencode: compact, object keys sorted (cty objects are ordered by name). */
export function jsonencode(v: Value): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `[${v.map(jsonencode).join(",")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${goJsonEscape(JSON.stringify(k))}:${jsonencode(v[k])}`).join(",")}}`;
  }
  if (typeof v === "number") {
    if (!Number.isFinite(v)) fail("jsonencode", "cannot encode an infinite number");
    return formatNumber(v);
  }
  return goJsonEscape(JSON.stringify(v));
}

function sortedSet(items: Value[]): Value[] {
  const out: Value[] = [];
  for (const item of items) if (!out.some((o) => valuesEqual(o, item))) out.push(item);
  if (out.every((x) => typeof x === "string")) return (out as string[]).sort();
  if (out.every((x) => typeof x === "number")) return (out as number[]).sort((a, b) => a - b);
  return out;
}

function flatten(list: Value[]): Value[] {
  return list.flatMap((x) => (Array.isArray(x) ? flatten(x) : [x]));
}

/** Go's `fmt` verbs as Terraform's format() accepts them. */
function format(args: Value[]): string {
  const spec = toStr(args[0], "format");
  let next = 1;
  return spec.replace(/%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g, (_m, flags: string, width: string | undefined, prec: string | undefined, verb: string) => {
    if (verb === "%") return "%";
    if (next >= args.length) fail("format", `not enough arguments for "${spec}"`);
    const arg = args[next++];
    let out: string;
    switch (verb) {
      case "v":
        out = flags.includes("#") ? jsonencode(arg) : typeof arg === "string" || typeof arg === "number" || typeof arg === "boolean" ? toStr(arg) : jsonencode(arg);
        break;
      case "s":
        out = toStr(arg, "format");
        break;
      case "q":
        out = JSON.stringify(toStr(arg, "format"));
        break;
      case "d": {
        const n = toNum(arg, "format");
        if (!Number.isInteger(n)) fail("format", `%d needs a whole number, got ${n}`);
        out = (n >= 0 && flags.includes("+") ? "+" : "") + formatNumber(n);
        break;
      }
      case "f":
      case "F":
        out = toNum(arg, "format").toFixed(prec === undefined ? 6 : Number(prec));
        break;
      case "e":
        out = toNum(arg, "format").toExponential(prec === undefined ? 6 : Number(prec));
        break;
      case "g":
        out = String(toNum(arg, "format"));
        break;
      case "t":
        if (typeof arg !== "boolean") fail("format", `%t needs a bool, got ${typeName(arg)}`);
        out = String(arg);
        break;
      case "x":
      case "X": {
        const s = typeof arg === "number" ? arg.toString(16) : Buffer.from(toStr(arg, "format")).toString("hex");
        out = verb === "X" ? s.toUpperCase() : s;
        break;
      }
      case "o":
        out = toNum(arg, "format").toString(8);
        break;
      case "b":
        out = toNum(arg, "format").toString(2);
        break;
      default:
        return fail("format", `unsupported verb %${verb} in "${spec}"`);
    }
    if (width !== undefined && out.length < Number(width)) {
      const pad = Number(width) - out.length;
      if (flags.includes("-")) out = out + " ".repeat(pad);
      else if (flags.includes("0") && /[dfFeg]/.test(verb)) out = out.startsWith("-") ? "-" + "0".repeat(pad) + out.slice(1) : "0".repeat(pad) + out;
      else out = " ".repeat(pad) + out;
    }
    return out;
  });
}

/** replace(): a substring wrapped in slashes is an RE2 regular expression. */
function replace(args: Value[]): string {
  const str = toStr(args[0], "replace");
  const sub = toStr(args[1], "replace");
  const rep = toStr(args[2], "replace");
  if (sub.length > 1 && sub.startsWith("/") && sub.endsWith("/")) {
    let re: RegExp;
    try {
      re = new RegExp(sub.slice(1, -1), "gu");
    } catch (e) {
      return fail("replace", `invalid regular expression ${sub}: ${(e as Error).message}`);
    }
    // RE2 writes ${1} where JavaScript writes $1
    return str.replace(re, rep.replace(/\$\{(\d+)\}/g, "$$$1"));
  }
  return str.split(sub).join(rep);
}

function substr(args: Value[]): string {
  const chars = Array.from(toStr(args[0], "substr"));
  let offset = toNum(args[1], "substr");
  let length = toNum(args[2], "substr");
  if (offset < 0) offset = Math.max(0, chars.length + offset);
  if (offset > chars.length) fail("substr", `offset ${offset} is beyond the string's length ${chars.length}`);
  if (length < 0) length = chars.length - offset;
  return chars.slice(offset, offset + length).join("");
}

const FUNCTIONS: Record<string, TfFunction> = {
  jsonencode: (a) => (arity("jsonencode", a, 1), jsonencode(a[0])),
  jsondecode: (a) => {
    arity("jsondecode", a, 1);
    try {
      return JSON.parse(toStr(a[0], "jsondecode")) as Value;
    } catch (e) {
      return fail("jsondecode", `invalid JSON: ${(e as Error).message}`);
    }
  },
  sha1: (a) => (arity("sha1", a, 1), hash("sha1", toStr(a[0], "sha1"), "hex")),
  sha256: (a) => (arity("sha256", a, 1), hash("sha256", toStr(a[0], "sha256"), "hex")),
  sha512: (a) => (arity("sha512", a, 1), hash("sha512", toStr(a[0], "sha512"), "hex")),
  md5: (a) => (arity("md5", a, 1), hash("md5", toStr(a[0], "md5"), "hex")),
  base64encode: (a) => (arity("base64encode", a, 1), Buffer.from(toStr(a[0], "base64encode")).toString("base64")),
  base64decode: (a) => (arity("base64decode", a, 1), Buffer.from(toStr(a[0], "base64decode"), "base64").toString("utf8")),
  base64sha256: (a) => (arity("base64sha256", a, 1), hash("sha256", toStr(a[0], "base64sha256"), "base64")),
  base64sha512: (a) => (arity("base64sha512", a, 1), hash("sha512", toStr(a[0], "base64sha512"), "base64")),
  file: (a, ctx) => (arity("file", a, 1), ctx.readFile(toStr(a[0], "file")).toString("utf8")),
  filebase64: (a, ctx) => (arity("filebase64", a, 1), ctx.readFile(toStr(a[0], "filebase64")).toString("base64")),
  filebase64sha256: (a, ctx) => (arity("filebase64sha256", a, 1), hash("sha256", ctx.readFile(toStr(a[0], "filebase64sha256")), "base64")),
  filesha256: (a, ctx) => (arity("filesha256", a, 1), hash("sha256", ctx.readFile(toStr(a[0], "filesha256")), "hex")),
  filemd5: (a, ctx) => (arity("filemd5", a, 1), hash("md5", ctx.readFile(toStr(a[0], "filemd5")), "hex")),
  join: (a) => {
    arity("join", a, 2, Infinity);
    const sep = toStr(a[0], "join");
    return a
      .slice(1)
      .flatMap((l) => toList(l, "join"))
      .map((x) => toStr(x, "join"))
      .join(sep);
  },
  split: (a) => (arity("split", a, 2), toStr(a[1], "split").split(toStr(a[0], "split"))),
  element: (a) => {
    arity("element", a, 2);
    const list = toList(a[0], "element");
    if (list.length === 0) fail("element", "cannot take an element of an empty list");
    const i = toNum(a[1], "element");
    if (i < 0 || !Number.isInteger(i)) fail("element", `index must be a non-negative whole number, got ${i}`);
    return list[i % list.length];
  },
  lookup: (a) => {
    arity("lookup", a, 2, 3);
    const map = toMap(a[0], "lookup");
    const key = toStr(a[1], "lookup");
    if (Object.hasOwn(map, key)) return map[key];
    if (a.length === 3) return a[2];
    return fail("lookup", `key ${JSON.stringify(key)} not found and no default given`);
  },
  tostring: (a) => (arity("tostring", a, 1), a[0] === null ? null : toStr(a[0])),
  tonumber: (a) => (arity("tonumber", a, 1), a[0] === null ? null : toNum(a[0], "tonumber")),
  tobool: (a) => {
    arity("tobool", a, 1);
    const v = a[0];
    if (v === null || typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    return fail("tobool", `cannot convert ${JSON.stringify(v)} to bool`);
  },
  format: (a) => (arity("format", a, 1, Infinity), format(a)),
  replace: (a) => (arity("replace", a, 3), replace(a)),
  lower: (a) => (arity("lower", a, 1), toStr(a[0], "lower").toLowerCase()),
  upper: (a) => (arity("upper", a, 1), toStr(a[0], "upper").toUpperCase()),
  title: (a) => (arity("title", a, 1), toStr(a[0], "title").replace(/\b\p{L}/gu, (c) => c.toUpperCase())),
  trimspace: (a) => (arity("trimspace", a, 1), toStr(a[0], "trimspace").trim()),
  trimprefix: (a) => {
    arity("trimprefix", a, 2);
    const s = toStr(a[0], "trimprefix");
    const p = toStr(a[1], "trimprefix");
    return s.startsWith(p) ? s.slice(p.length) : s;
  },
  trimsuffix: (a) => {
    arity("trimsuffix", a, 2);
    const s = toStr(a[0], "trimsuffix");
    const p = toStr(a[1], "trimsuffix");
    return p && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
  startswith: (a) => (arity("startswith", a, 2), toStr(a[0], "startswith").startsWith(toStr(a[1], "startswith"))),
  endswith: (a) => (arity("endswith", a, 2), toStr(a[0], "endswith").endsWith(toStr(a[1], "endswith"))),
  substr: (a) => (arity("substr", a, 3), substr(a)),
  concat: (a) => a.flatMap((l) => toList(l, "concat")),
  merge: (a) => {
    const out: ValueObject = {};
    for (const m of a) if (m !== null) Object.assign(out, toMap(m, "merge"));
    return out;
  },
  length: (a) => {
    arity("length", a, 1);
    const v = a[0];
    if (typeof v === "string") return Array.from(v).length;
    if (Array.isArray(v)) return v.length;
    if (isObject(v)) return Object.keys(v).length;
    return fail("length", `expected a string, list or map, got ${typeName(v)}`);
  },
  toset: (a) => (arity("toset", a, 1), sortedSet(toList(a[0], "toset"))),
  tolist: (a) => (arity("tolist", a, 1), toList(a[0], "tolist")),
  tomap: (a) => (arity("tomap", a, 1), toMap(a[0], "tomap")),
  flatten: (a) => (arity("flatten", a, 1), flatten(toList(a[0], "flatten"))),
  distinct: (a) => {
    arity("distinct", a, 1);
    const out: Value[] = [];
    for (const x of toList(a[0], "distinct")) if (!out.some((o) => valuesEqual(o, x))) out.push(x);
    return out;
  },
  compact: (a) => (arity("compact", a, 1), toList(a[0], "compact").filter((x) => x !== null && x !== "")),
  contains: (a) => (arity("contains", a, 2), toList(a[0], "contains").some((x) => valuesEqual(x, a[1]))),
  keys: (a) => (arity("keys", a, 1), Object.keys(toMap(a[0], "keys")).sort()),
  values: (a) => {
    arity("values", a, 1);
    const m = toMap(a[0], "values");
    return Object.keys(m)
      .sort()
      .map((k) => m[k]);
  },
  zipmap: (a) => {
    arity("zipmap", a, 2);
    const ks = toList(a[0], "zipmap");
    const vs = toList(a[1], "zipmap");
    if (ks.length !== vs.length) fail("zipmap", `${ks.length} keys but ${vs.length} values`);
    return Object.fromEntries(ks.map((k, i) => [toStr(k, "zipmap"), vs[i]]));
  },
  reverse: (a) => (arity("reverse", a, 1), [...toList(a[0], "reverse")].reverse()),
  sort: (a) => (arity("sort", a, 1), toList(a[0], "sort").map((x) => toStr(x, "sort")).sort()),
  coalesce: (a) => {
    for (const v of a) if (v !== null && v !== "") return v;
    return fail("coalesce", "no non-null, non-empty argument");
  },
  abs: (a) => (arity("abs", a, 1), Math.abs(toNum(a[0], "abs"))),
  ceil: (a) => (arity("ceil", a, 1), Math.ceil(toNum(a[0], "ceil"))),
  floor: (a) => (arity("floor", a, 1), Math.floor(toNum(a[0], "floor"))),
  max: (a) => (arity("max", a, 1, Infinity), Math.max(...a.map((x) => toNum(x, "max")))),
  min: (a) => (arity("min", a, 1, Infinity), Math.min(...a.map((x) => toNum(x, "min")))),
};

export function callFunction(name: string, args: Value[], ctx: FunctionContext): Value {
  const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!fn) {
    throw new StackError(
      "UnknownFunction",
      `unknown function "${name}": the stack loader does not implement it (supported: ${Object.keys(FUNCTIONS).sort().join(", ")})`,
    );
  }
  return fn(args, ctx);
}

export const supportedFunctions: readonly string[] = Object.keys(FUNCTIONS).sort();
