import { crc32 } from "node:zlib";
import { StackError } from "./errors.js";
import { goJsonEscape } from "./go-json.js";
import { isObject, type Value, type ValueObject } from "./value.js";

/**
 * `data.aws_iam_policy_document`, rendered byte for byte as hashicorp/aws 5.x
 * does (internal/service/iam/policy_document_data_source.go, policy_model.go):
 * Go struct field order, empty fields omitted, a one-element set as a plain
 * string, larger action/resource/identifier sets sorted in reverse, principal
 * types and condition operators/keys sorted (Go map order), condition values
 * kept in order, `&{var}` turned into IAM's `${var}`, 2-space indented JSON
 * with Go's HTML escapes.
 */

type Strings = string | string[];
type Principal = { type: string; identifiers: Strings };
type Condition = { test: string; variable: string; values: Strings };

interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: Value;
  NotAction?: Value;
  Resource?: Value;
  NotResource?: Value;
  Principal?: Principal[];
  NotPrincipal?: Principal[];
  Condition?: Condition[];
}

interface PolicyDoc {
  Version?: string;
  Id?: string;
  Statement: Statement[];
}

function fail(message: string): never {
  throw new StackError("ExpressionEvaluation", `aws_iam_policy_document: ${message}`);
}

function stringList(v: Value | undefined, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(`${what} must be a list of strings`);
  return v.map((x) => {
    if (typeof x === "string") return x;
    if (typeof x === "number" || typeof x === "boolean") return String(x);
    return fail(`${what} must be a list of strings, found ${JSON.stringify(x)}`);
  });
}

/** A schema set of strings: duplicates dropped; one element as a string, more sorted in reverse. */
function decodeSet(items: string[]): Strings {
  const set = [...new Set(items)];
  if (set.length === 1) return set[0];
  return set.sort().reverse();
}

const policyVars = (s: Strings): Strings => (typeof s === "string" ? s.replaceAll("&{", "${") : s.map((x) => x.replaceAll("&{", "${")));

function blocks(v: Value | undefined, what: string): ValueObject[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((b) => (isObject(b) ? b : fail(`each ${what} must be a block`)));
}

function principalsFromConfig(v: Value | undefined, what: string): Principal[] | undefined {
  const list = blocks(v, what).map((p) => {
    if (typeof p.type !== "string") fail(`${what}.type must be a string`);
    return { type: p.type, identifiers: policyVars(decodeSet(stringList(p.identifiers, `${what}.identifiers`))) };
  });
  return list.length > 0 ? list : undefined;
}

function conditionsFromConfig(v: Value | undefined): Condition[] | undefined {
  const list = blocks(v, "condition").map((c) => {
    if (typeof c.test !== "string" || typeof c.variable !== "string") fail("condition needs test and variable strings");
    return { test: c.test, variable: c.variable, values: policyVars(stringList(c.values, "condition.values")) };
  });
  return list.length > 0 ? list : undefined;
}

function setArg(stmt: ValueObject, key: string, vars: boolean): Strings | undefined {
  const items = stringList(stmt[key], key);
  if (items.length === 0) return undefined;
  const decoded = decodeSet(items);
  return vars ? policyVars(decoded) : decoded;
}

function statementFromConfig(s: ValueObject, sids: Set<string>): Statement {
  const sid = typeof s.sid === "string" ? s.sid : "";
  if (sid) {
    if (sids.has(sid)) fail(`duplicate Sid (${sid}). Remove the Sid or ensure the Sid is unique.`);
    sids.add(sid);
  }
  const effect = s.effect ?? "Allow";
  if (effect !== "Allow" && effect !== "Deny") fail(`effect must be "Allow" or "Deny", got ${JSON.stringify(effect)}`);
  return {
    Sid: sid || undefined,
    Effect: effect,
    Action: setArg(s, "actions", false),
    NotAction: setArg(s, "not_actions", false),
    Resource: setArg(s, "resources", true),
    NotResource: setArg(s, "not_resources", true),
    Principal: principalsFromConfig(s.principals, "principals"),
    NotPrincipal: principalsFromConfig(s.not_principals, "not_principals"),
    Condition: conditionsFromConfig(s.condition),
  };
}

function principalsFromJson(v: Value | undefined): Principal[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return [{ type: "*", identifiers: ["*"] }];
  if (!isObject(v)) fail(`Principal must be "*" or an object`);
  return Object.entries(v).map(([type, ids]) => {
    if (typeof ids === "string") return { type, identifiers: ids };
    return { type, identifiers: stringList(ids, `Principal.${type}`).sort() };
  });
}

function conditionsFromJson(v: Value | undefined): Condition[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail("Condition must be an object");
  const out: Condition[] = [];
  for (const [test, byVar] of Object.entries(v)) {
    if (!isObject(byVar)) fail(`Condition.${test} must be an object`);
    for (const [variable, values] of Object.entries(byVar)) {
      if (typeof values === "string") out.push({ test, variable, values: [values] });
      else if (typeof values === "boolean") out.push({ test, variable, values: String(values) });
      else out.push({ test, variable, values: stringList(values, `Condition.${test}.${variable}`) });
    }
  }
  return out;
}

function docFromJson(src: Value | undefined, what: string): PolicyDoc {
  if (typeof src !== "string") fail(`${what} must be JSON policy documents (strings)`);
  let raw: unknown;
  try {
    raw = JSON.parse(src);
  } catch (e) {
    return fail(`${what} is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(raw)) fail(`${what} must be a JSON object`);
  const stmts = raw.Statement === undefined || raw.Statement === null ? [] : Array.isArray(raw.Statement) ? raw.Statement : [raw.Statement];
  return {
    Version: typeof raw.Version === "string" ? raw.Version : undefined,
    Id: typeof raw.Id === "string" ? raw.Id : undefined,
    Statement: stmts.map((s) => {
      if (!isObject(s)) fail(`${what}: each Statement must be an object`);
      return {
        Sid: typeof s.Sid === "string" && s.Sid ? s.Sid : undefined,
        Effect: typeof s.Effect === "string" && s.Effect ? s.Effect : undefined,
        Action: s.Action ?? undefined,
        NotAction: s.NotAction ?? undefined,
        Resource: s.Resource ?? undefined,
        NotResource: s.NotResource ?? undefined,
        Principal: principalsFromJson(s.Principal),
        NotPrincipal: principalsFromJson(s.NotPrincipal),
        Condition: conditionsFromJson(s.Condition),
      };
    }),
  };
}

/** The provider's Merge: adopt Id, upgrade Version, replace statements with the same Sid. */
function merge(into: PolicyDoc, doc: PolicyDoc): void {
  if (doc.Id) into.Id = doc.Id;
  if ((doc.Version ?? "") > (into.Version ?? "")) into.Version = doc.Version;
  for (const s of doc.Statement) {
    const i = s.Sid ? into.Statement.findIndex((x) => x.Sid === s.Sid) : -1;
    if (i >= 0) into.Statement[i] = s;
    else into.Statement.push(s);
  }
}

function renderPrincipals(ps: Principal[]): Value {
  if (ps.length === 1 && ps[0].type === "*") {
    const ids = ps[0].identifiers;
    if (ids === "*" || (Array.isArray(ids) && ids.length === 1 && ids[0] === "*")) return "*";
  }
  const raw: Record<string, Strings> = {};
  for (const p of ps) {
    const have = raw[p.type];
    if (Array.isArray(p.identifiers)) {
      const ids = [...p.identifiers].sort().reverse();
      raw[p.type] = have === undefined ? ids : [...(typeof have === "string" ? [have] : have), ...ids];
    } else {
      raw[p.type] = have === undefined ? p.identifiers : [...(typeof have === "string" ? [have] : have), p.identifiers];
    }
  }
  return sortedKeys(raw);
}

function renderConditions(cs: Condition[]): Value {
  const raw: Record<string, Record<string, string[]>> = {};
  for (const c of cs) {
    const byVar = (raw[c.test] ??= {});
    byVar[c.variable] = [...(byVar[c.variable] ?? []), ...(typeof c.values === "string" ? [c.values] : c.values)];
  }
  const out: ValueObject = {};
  for (const test of Object.keys(raw).sort()) {
    const byVar: ValueObject = {};
    for (const variable of Object.keys(raw[test]).sort()) {
      const values = raw[test][variable];
      byVar[variable] = values.length === 1 ? values[0] : values;
    }
    out[test] = byVar;
  }
  return out;
}

function sortedKeys(o: Record<string, Value>): ValueObject {
  const out: ValueObject = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

function render(doc: PolicyDoc): ValueObject {
  const out: ValueObject = {};
  if (doc.Version) out.Version = doc.Version;
  if (doc.Id) out.Id = doc.Id;
  if (doc.Statement.length > 0) {
    out.Statement = doc.Statement.map((s) => {
      const r: ValueObject = {};
      if (s.Sid) r.Sid = s.Sid;
      if (s.Effect) r.Effect = s.Effect;
      if (s.Action !== undefined) r.Action = s.Action;
      if (s.NotAction !== undefined) r.NotAction = s.NotAction;
      if (s.Resource !== undefined) r.Resource = s.Resource;
      if (s.NotResource !== undefined) r.NotResource = s.NotResource;
      if (s.Principal?.length) r.Principal = renderPrincipals(s.Principal);
      if (s.NotPrincipal?.length) r.NotPrincipal = renderPrincipals(s.NotPrincipal);
      if (s.Condition?.length) r.Condition = renderConditions(s.Condition);
      return r;
    });
  }
  return out;
}

/** Attributes of `data.aws_iam_policy_document` for its resolved arguments. */
export function renderPolicyDocument(args: ValueObject): ValueObject {
  const merged: PolicyDoc = { Statement: [] };
  const sourceSids = new Set<string>();
  stringList(args.source_policy_documents, "source_policy_documents").forEach((src, i) => {
    const doc = docFromJson(src, `source_policy_documents[${i}]`);
    for (const s of doc.Statement) {
      if (!s.Sid) continue;
      if (sourceSids.has(s.Sid)) fail(`duplicate Sid (${s.Sid}) in source_policy_documents (item ${i}). Remove the Sid or ensure Sids are unique.`);
      sourceSids.add(s.Sid);
    }
    merge(merged, doc);
  });
  const version = args.version ?? "2012-10-17";
  if (version !== "2012-10-17" && version !== "2008-10-17") fail(`version must be "2012-10-17" or "2008-10-17", got ${JSON.stringify(version)}`);
  const sids = new Set<string>();
  merge(merged, {
    Version: version,
    Id: typeof args.policy_id === "string" ? args.policy_id : undefined,
    Statement: blocks(args.statement, "statement").map((s) => statementFromConfig(s, sids)),
  });
  stringList(args.override_policy_documents, "override_policy_documents").forEach((src, i) => merge(merged, docFromJson(src, `override_policy_documents[${i}]`)));

  const doc = render(merged);
  const json = goJsonEscape(JSON.stringify(doc, null, 2));
  return {
    ...args,
    id: String(crc32(Buffer.from(json))),
    json,
    minified_json: goJsonEscape(JSON.stringify(doc)),
  };
}
