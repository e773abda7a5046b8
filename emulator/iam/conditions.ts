import { parseConditionOperator, type ConditionOperator } from "./condition-operators.js";
import type { ConditionBlock } from "./policy.js";
import { substituteVariables, type RequestContext } from "./policy-variables.js";

/** The first part of a condition block that did not hold, for diagnostics. */
export interface ConditionMiss {
  operator: string;
  key: string;
}

/**
 * Evaluate a statement's Condition block: every operator and every key in it
 * must hold (AND); a key holds when the request's value matches any of the
 * policy's values (OR). Returns undefined when the block holds.
 */
export function conditionMiss(block: ConditionBlock, ctx: RequestContext, version: string): ConditionMiss | undefined {
  for (const [opName, keys] of Object.entries(block)) {
    const op = parseConditionOperator(opName);
    // parsePolicy already rejected unknown operators; a string here means a hand-built document.
    if (typeof op === "string") return { operator: opName, key: "" };
    for (const [key, policyValues] of Object.entries(keys)) {
      if (!keyHolds(op, ctx.get(key.toLowerCase()), policyValues, ctx, version)) return { operator: opName, key };
    }
  }
  return undefined;
}

function keyHolds(op: ConditionOperator, requestValues: string[] | undefined, policyValues: string[], ctx: RequestContext, version: string): boolean {
  const present = requestValues !== undefined && requestValues.length > 0;

  if (op.family === "null") {
    // "true": the key must be absent; "false": it must be there.
    return policyValues.some((v) => (v.toLowerCase() === "true" ? !present : present));
  }

  const patterns = op.family === "string" || op.family === "arn" ? resolveVariables(policyValues, ctx, version) : policyValues;
  const valueHolds = (value: string): boolean => {
    const hit = patterns.some((p) => op.match(value, p));
    return op.negated ? !hit : hit;
  };

  if (op.qualifier === "ForAllValues") {
    // Vacuously true for an absent or empty key, which is why AWS warns about ForAllValues with Allow.
    return !present || requestValues.every(valueHolds);
  }
  if (!present) {
    if (op.ifExists) return true;
    // A negated operator is satisfied when there is nothing to compare (StringNotEquals on a missing key).
    return op.qualifier === undefined && op.negated;
  }
  if (op.qualifier === "ForAnyValue") return requestValues.some(valueHolds);
  // Without a qualifier a negated operator must hold for every value, a positive one for any.
  return op.negated ? requestValues.every(valueHolds) : requestValues.some(valueHolds);
}

function resolveVariables(values: string[], ctx: RequestContext, version: string): string[] {
  const out: string[] = [];
  for (const v of values) {
    const s = substituteVariables(v, ctx, version);
    if (s !== undefined) out.push(s);
  }
  return out;
}
