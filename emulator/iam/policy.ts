import { parseConditionOperator } from "./condition-operators.js";

/**
 * IAM policy documents: parsed once, validated with the rules IAM applies
 * when a policy is created, and normalised (single values become arrays) so
 * the evaluator never has to guess a shape.
 */

export type Effect = "Allow" | "Deny";

/** `identity`: attached to a role/user; `resource`: on a queue, topic, function... (needs a Principal). */
export type PolicyKind = "identity" | "resource";

/** Principal element, normalised: `"*"` or a map of type (AWS, Service, Federated, CanonicalUser) to identifiers. */
export type PrincipalSpec = "*" | Record<string, string[]>;

/** Condition block, normalised: operator -> condition key -> values (always strings). */
export type ConditionBlock = Record<string, Record<string, string[]>>;

export interface Statement {
  /** position in the document, for diagnostics */
  index: number;
  sid?: string;
  effect: Effect;
  action?: string[];
  notAction?: string[];
  /** absent in a resource policy that leaves it implicit (the resource the policy is attached to) */
  resource?: string[];
  notResource?: string[];
  principal?: PrincipalSpec;
  notPrincipal?: PrincipalSpec;
  condition?: ConditionBlock;
}

export interface PolicyDocument {
  version: "2012-10-17" | "2008-10-17";
  id?: string;
  statements: Statement[];
}

/** A malformed policy: `path` says where (e.g. `Statement[1].Action`), the message says how to fix it. */
export class PolicyError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = "MalformedPolicyDocument";
  }
}

const TOP_LEVEL = new Set(["Version", "Id", "Statement"]);
const STATEMENT_KEYS = new Set([
  "Sid",
  "Effect",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Principal",
  "NotPrincipal",
  "Condition",
]);
const PRINCIPAL_TYPES = new Set(["AWS", "Service", "Federated", "CanonicalUser"]);
const ACTION_RE = /^[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]+$/;

/** Parse and validate a policy given as JSON text or as an already parsed object. */
export function parsePolicy(input: string | unknown, kind: PolicyKind = "identity"): PolicyDocument {
  let doc: unknown = input;
  if (typeof input === "string") {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      throw new PolicyError("Policy", `is not valid JSON (${(e as Error).message}); a policy is a JSON object with Version and Statement`);
    }
  }
  if (!isObject(doc)) throw new PolicyError("Policy", "must be a JSON object with Version and Statement");
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL.has(key)) throw new PolicyError(key, `unknown element; a policy has only ${[...TOP_LEVEL].join(", ")} (names are case-sensitive)`);
  }

  const version = doc.Version ?? "2008-10-17";
  if (version !== "2012-10-17" && version !== "2008-10-17") {
    throw new PolicyError("Version", `"${String(version)}" is not a policy language version; use "2012-10-17"`);
  }
  if (doc.Id !== undefined && typeof doc.Id !== "string") throw new PolicyError("Id", "must be a string");

  const raw = doc.Statement;
  if (raw === undefined) throw new PolicyError("Statement", "is missing; a policy needs at least one statement");
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new PolicyError("Statement", "is empty; a policy needs at least one statement");

  const statements = list.map((s, i) => parseStatement(s, i, kind, Array.isArray(raw) ? `Statement[${i}]` : "Statement"));
  const sids = new Set<string>();
  for (const s of statements) {
    if (s.sid === undefined || s.sid === "") continue;
    if (sids.has(s.sid)) throw new PolicyError(`Statement[${s.index}].Sid`, `"${s.sid}" is used twice; statement ids must be unique within a policy`);
    sids.add(s.sid);
  }
  return { version, id: doc.Id as string | undefined, statements };
}

function parseStatement(raw: unknown, index: number, kind: PolicyKind, path: string): Statement {
  if (!isObject(raw)) throw new PolicyError(path, "must be an object with Effect, Action and Resource");
  for (const key of Object.keys(raw)) {
    if (!STATEMENT_KEYS.has(key)) throw new PolicyError(`${path}.${key}`, `unknown element; a statement has only ${[...STATEMENT_KEYS].join(", ")}`);
  }
  const st: Statement = { index, effect: "Allow" };

  if (raw.Sid !== undefined) {
    if (typeof raw.Sid !== "string") throw new PolicyError(`${path}.Sid`, "must be a string");
    if (kind === "identity" && !/^[0-9A-Za-z]*$/.test(raw.Sid)) {
      throw new PolicyError(`${path}.Sid`, `"${raw.Sid}" must be alphanumeric ([0-9A-Za-z]*) in an identity policy`);
    }
    st.sid = raw.Sid;
  }

  if (raw.Effect !== "Allow" && raw.Effect !== "Deny") {
    throw new PolicyError(`${path}.Effect`, raw.Effect === undefined ? 'is missing; use "Allow" or "Deny"' : `"${String(raw.Effect)}" is not valid; use "Allow" or "Deny"`);
  }
  st.effect = raw.Effect;

  exactlyOne(raw, "Action", "NotAction", path, true);
  if (raw.Action !== undefined) st.action = stringList(raw.Action, `${path}.Action`).map((a) => checkAction(a, `${path}.Action`));
  if (raw.NotAction !== undefined) st.notAction = stringList(raw.NotAction, `${path}.NotAction`).map((a) => checkAction(a, `${path}.NotAction`));

  exactlyOne(raw, "Resource", "NotResource", path, kind === "identity");
  if (raw.Resource !== undefined) st.resource = stringList(raw.Resource, `${path}.Resource`).map((r) => checkResource(r, `${path}.Resource`));
  if (raw.NotResource !== undefined) st.notResource = stringList(raw.NotResource, `${path}.NotResource`).map((r) => checkResource(r, `${path}.NotResource`));

  if (kind === "identity") {
    if (raw.Principal !== undefined || raw.NotPrincipal !== undefined) {
      throw new PolicyError(`${path}.${raw.Principal !== undefined ? "Principal" : "NotPrincipal"}`, "is not allowed in an identity policy; the principal is whoever the policy is attached to");
    }
  } else {
    exactlyOne(raw, "Principal", "NotPrincipal", path, true);
    if (raw.Principal !== undefined) st.principal = parsePrincipal(raw.Principal, `${path}.Principal`);
    if (raw.NotPrincipal !== undefined) st.notPrincipal = parsePrincipal(raw.NotPrincipal, `${path}.NotPrincipal`);
  }

  if (raw.Condition !== undefined) st.condition = parseCondition(raw.Condition, `${path}.Condition`);
  return st;
}

function exactlyOne(raw: Record<string, unknown>, a: string, b: string, path: string, required: boolean): void {
  const hasA = raw[a] !== undefined;
  const hasB = raw[b] !== undefined;
  if (hasA && hasB) throw new PolicyError(path, `has both ${a} and ${b}; use one of them`);
  if (required && !hasA && !hasB) throw new PolicyError(path, `needs ${a} (or ${b})`);
}

function stringList(v: unknown, path: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw new PolicyError(path, "is an empty list; give at least one value");
  for (const item of list) {
    if (typeof item !== "string" || item === "") throw new PolicyError(path, `${JSON.stringify(item)} is not a non-empty string`);
  }
  return list as string[];
}

function checkAction(a: string, path: string): string {
  if (a === "*" || ACTION_RE.test(a)) return a;
  throw new PolicyError(path, `"${a}" is not an action; write service:Action, e.g. "dynamodb:GetItem" or "sqs:*"`);
}

function checkResource(r: string, path: string): string {
  if (r === "*") return r;
  // Short patterns such as "arn:aws:sqs:*" are left to matching: being stricter than IAM would fail policies that deploy.
  if (!r.startsWith("arn:")) {
    throw new PolicyError(path, `"${r}" is not an ARN; write "*" or arn:partition:service:region:account:resource`);
  }
  return r;
}

function parsePrincipal(v: unknown, path: string): PrincipalSpec {
  if (v === "*") return "*";
  if (!isObject(v)) throw new PolicyError(path, 'must be "*" or an object such as {"AWS": "arn:aws:iam::123456789012:root"} or {"Service": "sns.amazonaws.com"}');
  const out: Record<string, string[]> = {};
  for (const [type, ids] of Object.entries(v)) {
    if (!PRINCIPAL_TYPES.has(type)) throw new PolicyError(`${path}.${type}`, `unknown principal type; use one of ${[...PRINCIPAL_TYPES].join(", ")}`);
    out[type] = stringList(ids, `${path}.${type}`);
  }
  if (Object.keys(out).length === 0) throw new PolicyError(path, "names no principal");
  return out;
}

function parseCondition(v: unknown, path: string): ConditionBlock {
  if (!isObject(v)) throw new PolicyError(path, 'must be an object like {"StringEquals": {"aws:SourceArn": "..."}}');
  const out: ConditionBlock = {};
  for (const [op, keys] of Object.entries(v)) {
    const parsed = parseConditionOperator(op);
    if (typeof parsed === "string") throw new PolicyError(`${path}.${op}`, parsed);
    if (!isObject(keys)) throw new PolicyError(`${path}.${op}`, 'must map condition keys to values, e.g. {"aws:SourceArn": "arn:..."}');
    const block: Record<string, string[]> = {};
    for (const [key, values] of Object.entries(keys)) {
      const list = Array.isArray(values) ? values : [values];
      if (list.length === 0) throw new PolicyError(`${path}.${op}.${key}`, "has no values");
      block[key] = list.map((item) => {
        if (typeof item === "string" || typeof item === "number" || typeof item === "boolean") return String(item);
        throw new PolicyError(`${path}.${op}.${key}`, `${JSON.stringify(item)} is not a string, number or boolean`);
      });
    }
    out[op] = block;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
