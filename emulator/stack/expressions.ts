import { StackError } from "./errors.js";
import { callFunction, formatNumber, supportedFunctions, type FunctionContext } from "./expression-functions.js";
import { parseTemplate, type Expr, type Step } from "./expression-parser.js";
import { isObject, typeName, valuesEqual, type Value, type ValueObject } from "./value.js";

export { parseExpression, parseTemplate, type Expr, type Step } from "./expression-parser.js";

/** The graph node a reference points at, and the attribute path below it. */
export interface RefTarget {
  kind: "var" | "local" | "data" | "resource" | "path" | "terraform";
  /** `var.x`, `local.x`, `data.aws_region.current`, `aws_sqs_queue.queue`, `path.module` */
  address: string;
  rest: Step[];
}

function attrName(step: Step | undefined, what: string, root: string): string {
  if (step?.kind !== "attr") {
    throw new StackError("UnknownReference", `"${root}" must be followed by .<${what}>`);
  }
  return step.name;
}

export function refTarget(root: string, steps: Step[]): RefTarget {
  switch (root) {
    case "var":
      return { kind: "var", address: `var.${attrName(steps[0], "variable name", root)}`, rest: steps.slice(1) };
    case "local":
      return { kind: "local", address: `local.${attrName(steps[0], "local name", root)}`, rest: steps.slice(1) };
    case "data": {
      const type = attrName(steps[0], "data source type", root);
      return { kind: "data", address: `data.${type}.${attrName(steps[1], "data source name", `data.${type}`)}`, rest: steps.slice(2) };
    }
    case "path":
      return { kind: "path", address: `path.${attrName(steps[0], "module|root|cwd", root)}`, rest: steps.slice(1) };
    case "terraform":
      return { kind: "terraform", address: `terraform.${attrName(steps[0], "workspace", root)}`, rest: steps.slice(1) };
    case "count":
    case "each":
    case "self":
      throw new StackError("UnsupportedFeature", `"${root}.*" references (count/for_each/provisioners) are not supported by the stack loader`);
    case "module":
      throw new StackError("UnsupportedFeature", `module references are not supported by the stack loader; use constructs instead of modules`);
    default:
      return { kind: "resource", address: `${root}.${attrName(steps[0], "resource name", root)}`, rest: steps.slice(1) };
  }
}

/** Every reference an expression makes (duplicates kept out), with the step path below each node. */
export function referencesOf(expr: Expr, out: RefTarget[] = []): RefTarget[] {
  switch (expr.kind) {
    case "literal":
      break;
    case "template":
      for (const p of expr.parts) if (typeof p !== "string") referencesOf(p, out);
      break;
    case "ref": {
      const t = refTarget(expr.root, expr.steps);
      if (!out.some((o) => o.address === t.address)) out.push(t);
      for (const s of expr.steps) if (s.kind === "index") referencesOf(s.key, out);
      break;
    }
    case "postfix":
      referencesOf(expr.target, out);
      for (const s of expr.steps) if (s.kind === "index") referencesOf(s.key, out);
      break;
    case "call":
      for (const a of expr.args) referencesOf(a, out);
      break;
    case "tuple":
      for (const i of expr.items) referencesOf(i, out);
      break;
    case "object":
      for (const e of expr.entries) {
        referencesOf(e.key, out);
        referencesOf(e.value, out);
      }
      break;
    case "unary":
      referencesOf(expr.operand, out);
      break;
    case "binary":
      referencesOf(expr.left, out);
      referencesOf(expr.right, out);
      break;
    case "conditional":
      referencesOf(expr.cond, out);
      referencesOf(expr.then, out);
      referencesOf(expr.otherwise, out);
      break;
  }
  return out;
}

/** Names of the functions an expression calls, nested calls included. */
export function functionsCalled(expr: Expr, out: Set<string> = new Set()): Set<string> {
  const visit = (e: Expr | string): void => {
    if (typeof e === "string") return;
    switch (e.kind) {
      case "literal":
        return;
      case "template":
        return e.parts.forEach(visit);
      case "ref":
      case "postfix":
        if (e.kind === "postfix") visit(e.target);
        for (const s of e.steps) if (s.kind === "index") visit(s.key);
        return;
      case "call":
        out.add(e.name);
        return e.args.forEach(visit);
      case "tuple":
        return e.items.forEach(visit);
      case "object":
        return e.entries.forEach((x) => (visit(x.key), visit(x.value)));
      case "unary":
        return visit(e.operand);
      case "binary":
        return (visit(e.left), visit(e.right));
      case "conditional":
        return (visit(e.cond), visit(e.then), visit(e.otherwise));
    }
  };
  visit(expr);
  return out;
}

/**
 * Fails on the first function the loader does not implement, naming it and
 * where it is used, so such a stack is refused before anything changes.
 */
export function checkFunctions(value: unknown, where: string): void {
  if (typeof value === "string") {
    for (const name of functionsCalled(parseTemplate(value))) {
      if (!supportedFunctions.includes(name)) {
        throw new StackError("UnknownFunction", `${where} calls unknown function "${name}": the stack loader does not implement it (supported: ${supportedFunctions.join(", ")})`);
      }
    }
  } else if (Array.isArray(value)) value.forEach((v, i) => checkFunctions(v, `${where}[${i}]`));
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) checkFunctions(v, `${where}.${k}`);
}

/** References made anywhere inside a configuration value (strings are templates). */
export function referencesIn(value: unknown, out: RefTarget[] = []): RefTarget[] {
  if (typeof value === "string") referencesOf(parseTemplate(value), out);
  else if (Array.isArray(value)) for (const v of value) referencesIn(v, out);
  else if (isObject(value)) for (const v of Object.values(value)) referencesIn(v, out);
  return out;
}

export interface EvalScope extends FunctionContext {
  /** the value of a graph node: a variable, local, data source or resource's attributes */
  resolve(target: RefTarget): Value;
}

function evalError(message: string): never {
  throw new StackError("ExpressionEvaluation", message);
}

function applySteps(value: Value, steps: Step[], scope: EvalScope, where: string): Value {
  let v = value;
  let path = where;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step.kind === "splat") {
      const list = v === null ? [] : Array.isArray(v) ? v : [v];
      const rest = steps.slice(i + 1);
      return list.map((item, j) => applySteps(item, rest, scope, `${path}[${j}]`));
    }
    if (step.kind === "attr") {
      if (!isObject(v)) evalError(`cannot read attribute "${step.name}" of ${path}: it is a ${typeName(v)}, not an object`);
      if (!Object.hasOwn(v, step.name)) {
        evalError(`${path} has no attribute "${step.name}" (it has: ${Object.keys(v).sort().join(", ") || "none"})`);
      }
      v = v[step.name];
      path = `${path}.${step.name}`;
      continue;
    }
    const key = evaluate(step.key, scope);
    if (Array.isArray(v)) {
      const n = typeof key === "string" && /^\d+$/.test(key) ? Number(key) : key;
      if (typeof n !== "number" || !Number.isInteger(n)) evalError(`${path} is a list: index it with a whole number, not ${JSON.stringify(key)}`);
      if (n < 0 || n >= v.length) evalError(`index ${n} is out of range for ${path}, which has ${v.length} element(s)`);
      v = v[n];
      path = `${path}[${n}]`;
    } else if (isObject(v)) {
      const k = typeof key === "number" ? formatNumber(key) : key;
      if (typeof k !== "string") evalError(`${path} is an object: index it with a string, not ${typeName(key)}`);
      if (!Object.hasOwn(v, k)) evalError(`${path} has no key ${JSON.stringify(k)}`);
      v = v[k];
      path = `${path}[${JSON.stringify(k)}]`;
    } else {
      evalError(`cannot index ${path}: it is a ${typeName(v)}`);
    }
  }
  return v;
}

function interpolate(v: Value): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "boolean") return String(v);
  if (v === null) return evalError("a template interpolates a null value; give the referenced argument a value or wrap it in coalesce()");
  return evalError(`a template interpolates a ${typeName(v)}; only strings, numbers and bools can be interpolated (use jsonencode() or join())`);
}

function truthy(v: Value, op: string): boolean {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  return evalError(`"${op}" needs bool operands, got ${typeName(v)}`);
}

function num(v: Value, op: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  return evalError(`"${op}" needs number operands, got ${typeName(v)} ${JSON.stringify(v)}`);
}

export function evaluate(expr: Expr, scope: EvalScope): Value {
  switch (expr.kind) {
    case "literal":
      return expr.value;
    case "template":
      return expr.parts.map((p) => (typeof p === "string" ? p : interpolate(evaluate(p, scope)))).join("");
    case "ref": {
      const target = refTarget(expr.root, expr.steps);
      return applySteps(scope.resolve(target), target.rest, scope, target.address);
    }
    case "postfix":
      return applySteps(evaluate(expr.target, scope), expr.steps, scope, "the value");
    case "call": {
      const args = expr.args.map((a) => evaluate(a, scope));
      if (expr.expandLast) {
        const last = args.pop();
        if (!Array.isArray(last)) evalError(`${expr.name}(...): the argument before "..." must be a list, got ${typeName(last ?? null)}`);
        args.push(...last);
      }
      return callFunction(expr.name, args, scope);
    }
    case "tuple":
      return expr.items.map((i) => evaluate(i, scope));
    case "object": {
      const out: ValueObject = {};
      for (const e of expr.entries) {
        const k = evaluate(e.key, scope);
        if (typeof k !== "string" && typeof k !== "number" && typeof k !== "boolean") evalError(`object keys must be strings, got ${typeName(k)}`);
        out[interpolate(k)] = evaluate(e.value, scope);
      }
      return out;
    }
    case "unary": {
      const v = evaluate(expr.operand, scope);
      return expr.op === "!" ? !truthy(v, "!") : -num(v, "-");
    }
    case "conditional":
      return truthy(evaluate(expr.cond, scope), "?") ? evaluate(expr.then, scope) : evaluate(expr.otherwise, scope);
    case "binary": {
      const { op } = expr;
      if (op === "&&") return truthy(evaluate(expr.left, scope), op) && truthy(evaluate(expr.right, scope), op);
      if (op === "||") return truthy(evaluate(expr.left, scope), op) || truthy(evaluate(expr.right, scope), op);
      const l = evaluate(expr.left, scope);
      const r = evaluate(expr.right, scope);
      switch (op) {
        case "==":
          return valuesEqual(l, r);
        case "!=":
          return !valuesEqual(l, r);
        case "<":
          return num(l, op) < num(r, op);
        case ">":
          return num(l, op) > num(r, op);
        case "<=":
          return num(l, op) <= num(r, op);
        case ">=":
          return num(l, op) >= num(r, op);
        case "+":
          return num(l, op) + num(r, op);
        case "-":
          return num(l, op) - num(r, op);
        case "*":
          return num(l, op) * num(r, op);
        case "/":
          if (num(r, op) === 0) evalError("division by zero");
          return num(l, op) / num(r, op);
        case "%":
          if (num(r, op) === 0) evalError("modulo by zero");
          return num(l, op) % num(r, op);
      }
    }
  }
}

/** Evaluates one JSON string of the configuration; `${x}` alone keeps x's type. */
export function evaluateTemplate(src: string, scope: EvalScope): Value {
  return evaluate(parseTemplate(src), scope);
}

/** Evaluates a configuration value deeply: every string in it is a template. */
export function evaluateValue(value: unknown, scope: EvalScope, where = "value"): Value {
  if (typeof value === "string") {
    try {
      return evaluateTemplate(value, scope);
    } catch (e) {
      if (e instanceof StackError) throw new StackError(e.code, `${where}: ${e.message}`);
      throw e;
    }
  }
  if (Array.isArray(value)) return value.map((v, i) => evaluateValue(v, scope, `${where}[${i}]`));
  if (isObject(value)) {
    const out: ValueObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = evaluateValue(v, scope, `${where}.${k}`);
    return out;
  }
  if (value === undefined) return null;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return value;
  throw new StackError("InvalidStack", `${where}: unsupported JSON value ${String(value)}`);
}
