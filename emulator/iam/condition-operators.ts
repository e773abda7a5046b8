import { arnMatches, globMatch } from "./wildcard.js";

/**
 * The condition operators of the IAM policy language. Each negated operator
 * (StringNotEquals, NotIpAddress...) is its positive twin turned around, which
 * is how AWS defines them and what makes missing keys and set qualifiers
 * behave the same way for both.
 */

/** Does one request value match one policy value? */
export type ValueMatcher = (requestValue: string, policyValue: string) => boolean;

export type OperatorFamily = "string" | "numeric" | "date" | "bool" | "binary" | "ip" | "arn" | "null";

export interface ConditionOperator {
  /** the operator as written, e.g. "ForAllValues:StringLikeIfExists" */
  name: string;
  /** base name without qualifier and IfExists, e.g. "StringLike" */
  base: string;
  family: OperatorFamily;
  negated: boolean;
  ifExists: boolean;
  qualifier?: "ForAnyValue" | "ForAllValues";
  match: ValueMatcher;
}

const eq: ValueMatcher = (r, p) => r === p;
const eqIgnoreCase: ValueMatcher = (r, p) => r.toLowerCase() === p.toLowerCase();
const like: ValueMatcher = (r, p) => globMatch(p, r);
const arnLike: ValueMatcher = (r, p) => arnMatches(p, r);

function numeric(cmp: (a: number, b: number) => boolean): ValueMatcher {
  return (r, p) => {
    const a = toNumber(r);
    const b = toNumber(p);
    return a !== undefined && b !== undefined && cmp(a, b);
  };
}

function date(cmp: (a: number, b: number) => boolean): ValueMatcher {
  return (r, p) => {
    const a = toEpochMillis(r);
    const b = toEpochMillis(p);
    return a !== undefined && b !== undefined && cmp(a, b);
  };
}

const BASE: Record<string, { family: OperatorFamily; match: ValueMatcher; negates?: string }> = {
  StringEquals: { family: "string", match: eq },
  StringNotEquals: { family: "string", match: eq, negates: "StringEquals" },
  StringEqualsIgnoreCase: { family: "string", match: eqIgnoreCase },
  StringNotEqualsIgnoreCase: { family: "string", match: eqIgnoreCase, negates: "StringEqualsIgnoreCase" },
  StringLike: { family: "string", match: like },
  StringNotLike: { family: "string", match: like, negates: "StringLike" },
  NumericEquals: { family: "numeric", match: numeric((a, b) => a === b) },
  NumericNotEquals: { family: "numeric", match: numeric((a, b) => a === b), negates: "NumericEquals" },
  NumericLessThan: { family: "numeric", match: numeric((a, b) => a < b) },
  NumericLessThanEquals: { family: "numeric", match: numeric((a, b) => a <= b) },
  NumericGreaterThan: { family: "numeric", match: numeric((a, b) => a > b) },
  NumericGreaterThanEquals: { family: "numeric", match: numeric((a, b) => a >= b) },
  DateEquals: { family: "date", match: date((a, b) => a === b) },
  DateNotEquals: { family: "date", match: date((a, b) => a === b), negates: "DateEquals" },
  DateLessThan: { family: "date", match: date((a, b) => a < b) },
  DateLessThanEquals: { family: "date", match: date((a, b) => a <= b) },
  DateGreaterThan: { family: "date", match: date((a, b) => a > b) },
  DateGreaterThanEquals: { family: "date", match: date((a, b) => a >= b) },
  Bool: { family: "bool", match: eqIgnoreCase },
  BinaryEquals: { family: "binary", match: (r, p) => Buffer.from(r, "base64").equals(Buffer.from(p, "base64")) },
  IpAddress: { family: "ip", match: ipInCidr },
  NotIpAddress: { family: "ip", match: ipInCidr, negates: "IpAddress" },
  ArnEquals: { family: "arn", match: arnLike },
  ArnLike: { family: "arn", match: arnLike },
  ArnNotEquals: { family: "arn", match: arnLike, negates: "ArnEquals" },
  ArnNotLike: { family: "arn", match: arnLike, negates: "ArnLike" },
  Null: { family: "null", match: eqIgnoreCase },
};

const parsed = new Map<string, ConditionOperator | string>();

/** The operator, or a message saying why the name is not one. */
export function parseConditionOperator(name: string): ConditionOperator | string {
  let op = parsed.get(name);
  if (op === undefined) {
    op = parseUncached(name);
    parsed.set(name, op);
  }
  return op;
}

function parseUncached(name: string): ConditionOperator | string {
  let rest = name;
  let qualifier: ConditionOperator["qualifier"];
  const colon = rest.indexOf(":");
  if (colon >= 0) {
    const q = rest.slice(0, colon);
    if (q !== "ForAnyValue" && q !== "ForAllValues") {
      return `"${q}" is not a set qualifier; use ForAnyValue: or ForAllValues:`;
    }
    qualifier = q;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.endsWith("IfExists")) {
    ifExists = true;
    rest = rest.slice(0, -"IfExists".length);
  }
  const base = BASE[rest];
  if (!base) {
    return `"${name}" is not a condition operator; use e.g. StringEquals, StringLike, ArnLike, NumericLessThan, DateGreaterThan, Bool, IpAddress or Null`;
  }
  if (rest === "Null" && (ifExists || qualifier)) return `"${name}": Null takes neither IfExists nor a set qualifier`;
  return { name, base: rest, family: base.family, negated: base.negates !== undefined, ifExists, qualifier, match: base.match };
}

function toNumber(s: string): number | undefined {
  if (s.trim() === "") return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** ISO 8601 dates or epoch seconds, the two forms AWS accepts. */
export function toEpochMillis(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

interface Ip {
  v6: boolean;
  n: bigint;
}

function parseIp(s: string): Ip | undefined {
  if (s.includes(":")) return parseIpv6(s);
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(p);
  }
  return { v6: false, n };
}

function parseIpv6(s: string): Ip | undefined {
  let text = s;
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two 16-bit groups written differently.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const ip = parseIp(v4[1]!);
    if (!ip) return undefined;
    text = text.slice(0, -v4[1]!.length) + `${(ip.n >> 16n).toString(16)}:${(ip.n & 0xffffn).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]!);
  const back = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = halves.length === 2 ? 8 - head.length - back.length : 0;
  if (fill < 0 || head.length + fill + back.length !== 8) return undefined;
  let n = 0n;
  for (const g of [...head, ...Array<string>(fill).fill("0"), ...back]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return { v6: true, n };
}

/** Is the request's address inside the policy's CIDR block (a bare address is a /32 or /128)? */
function ipInCidr(requestValue: string, cidr: string): boolean {
  const [addr, bitsText] = cidr.split("/");
  const net = parseIp(addr!.trim());
  const ip = parseIp(requestValue.trim());
  if (!net || !ip || net.v6 !== ip.v6) return false;
  const width = net.v6 ? 128 : 32;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return false;
  const shift = BigInt(width - bits);
  return ip.n >> shift === net.n >> shift;
}
