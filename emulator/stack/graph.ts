import { StackError } from "./errors.js";
import { checkFunctions, parseExpression, referencesIn, refTarget, type RefTarget } from "./expressions.js";
import { isObject, type Value } from "./value.js";

/**
 * The parts of a synthesized `cdk.tf.json` the loader acts on, and the order
 * they can be evaluated in. Node addresses follow Terraform: `var.x`,
 * `local.x`, `data.<type>.<name>`, `<type>.<name>`, `output.x`.
 */

export interface VariableConfig {
  address: string;
  name: string;
  default?: Value;
  type?: string;
  sensitive: boolean;
}

export interface LifecycleConfig {
  createBeforeDestroy: boolean;
  preventDestroy: boolean;
  /** top-level argument names whose changes are not applied, or "all" */
  ignoreChanges: string[] | "all";
}

export interface BlockConfig {
  address: string;
  type: string;
  name: string;
  /** the arguments as written, meta-arguments removed; strings are still templates */
  body: Record<string, unknown>;
  dependsOn: string[];
  lifecycle: LifecycleConfig;
}

export interface OutputConfig {
  address: string;
  name: string;
  value: unknown;
  sensitive: boolean;
  dependsOn: string[];
}

export interface StackConfig {
  variables: Map<string, VariableConfig>;
  locals: Map<string, { address: string; name: string; value: unknown }>;
  dataSources: Map<string, BlockConfig>;
  resources: Map<string, BlockConfig>;
  outputs: Map<string, OutputConfig>;
}

export type NodeKind = "var" | "local" | "data" | "resource" | "output";

export interface GraphNode {
  address: string;
  kind: NodeKind;
  /** addresses of the nodes this one reads or names in depends_on */
  dependencies: string[];
}

export interface StackGraph {
  config: StackConfig;
  nodes: Map<string, GraphNode>;
  /** every node, dependencies first; ties keep declaration order */
  order: string[];
}

const TOP_LEVEL = new Set(["//", "terraform", "provider", "variable", "locals", "data", "resource", "output"]);
const META = new Set(["//", "depends_on", "lifecycle", "provider", "provisioner", "connection"]);

function invalid(message: string): never {
  throw new StackError("InvalidStack", message);
}

function objectAt(v: unknown, where: string): Record<string, unknown> {
  if (v === undefined) return {};
  if (!isObject(v)) invalid(`${where} must be a JSON object`);
  return v as Record<string, unknown>;
}

/** `depends_on` entries are bare addresses (`aws_sqs_queue.queue`), sometimes wrapped in `${}`. */
function dependsOnOf(body: Record<string, unknown>, where: string): string[] {
  const raw = body.depends_on;
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || !raw.every((d) => typeof d === "string")) invalid(`${where}.depends_on must be a list of addresses`);
  return raw.map((d) => {
    const src = d.startsWith("${") && d.endsWith("}") ? d.slice(2, -1) : d;
    const expr = parseExpression(src);
    if (expr.kind !== "ref") invalid(`${where}.depends_on entry ${JSON.stringify(d)} is not an address`);
    return refTarget(expr.root, expr.steps).address;
  });
}

function lifecycleOf(body: Record<string, unknown>, where: string): LifecycleConfig {
  const lc = objectAt(body.lifecycle, `${where}.lifecycle`);
  const ignore = lc.ignore_changes;
  let ignoreChanges: string[] | "all" = [];
  if (ignore === "all") ignoreChanges = "all";
  else if (Array.isArray(ignore)) ignoreChanges = ignore.map((x) => String(x).split(/[.[]/)[0]);
  else if (ignore !== undefined) invalid(`${where}.lifecycle.ignore_changes must be "all" or a list of argument names`);
  return { createBeforeDestroy: lc.create_before_destroy === true, preventDestroy: lc.prevent_destroy === true, ignoreChanges };
}

function blocksOf(section: unknown, prefix: string, where: string): Map<string, BlockConfig> {
  const out = new Map<string, BlockConfig>();
  for (const [type, byName] of Object.entries(objectAt(section, where))) {
    for (const [name, raw] of Object.entries(objectAt(byName, `${where}.${type}`))) {
      const address = `${prefix}${type}.${name}`;
      if (!isObject(raw)) invalid(`${address} must be a JSON object (one block per name)`);
      const block = raw as Record<string, unknown>;
      for (const meta of ["count", "for_each"]) {
        if (block[meta] !== undefined) {
          throw new StackError("UnsupportedFeature", `${address} uses "${meta}", which the stack loader does not support; declare each instance separately in the stack`);
        }
      }
      const body: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(block)) if (!META.has(k)) body[k] = v;
      out.set(address, { address, type, name, body, dependsOn: dependsOnOf(block, address), lifecycle: lifecycleOf(block, address) });
    }
  }
  return out;
}

/** Reads the sections of a synthesized Terraform JSON document. */
export function parseStack(json: unknown): StackConfig {
  if (!isObject(json)) invalid("the stack must be a JSON object (the contents of cdk.tf.json)");
  for (const key of Object.keys(json)) {
    if (!TOP_LEVEL.has(key)) {
      throw new StackError("UnsupportedFeature", `top-level "${key}" blocks are not supported by the stack loader (supported: ${[...TOP_LEVEL].slice(1).join(", ")})`);
    }
  }
  const variables = new Map<string, VariableConfig>();
  for (const [name, raw] of Object.entries(objectAt(json.variable, "variable"))) {
    const v = objectAt(raw, `variable.${name}`);
    variables.set(`var.${name}`, {
      address: `var.${name}`,
      name,
      default: v.default as Value | undefined,
      type: typeof v.type === "string" ? v.type : undefined,
      sensitive: v.sensitive === true,
    });
  }
  const locals = new Map<string, { address: string; name: string; value: unknown }>();
  const localBlocks = Array.isArray(json.locals) ? json.locals : [json.locals];
  for (const block of localBlocks) {
    for (const [name, value] of Object.entries(objectAt(block, "locals"))) locals.set(`local.${name}`, { address: `local.${name}`, name, value });
  }
  const outputs = new Map<string, OutputConfig>();
  for (const [name, raw] of Object.entries(objectAt(json.output, "output"))) {
    const o = objectAt(raw, `output.${name}`);
    if (!("value" in o)) invalid(`output.${name} has no "value"`);
    outputs.set(`output.${name}`, { address: `output.${name}`, name, value: o.value, sensitive: o.sensitive === true, dependsOn: dependsOnOf(o, `output.${name}`) });
  }
  return {
    variables,
    locals,
    dataSources: blocksOf(json.data, "data.", "data"),
    resources: blocksOf(json.resource, "", "resource"),
    outputs,
  };
}

function isNodeRef(t: RefTarget): boolean {
  return t.kind !== "path" && t.kind !== "terraform";
}

/** Builds the dependency graph from the references each block makes, and orders it. */
export function buildGraph(config: StackConfig): StackGraph {
  const nodes = new Map<string, GraphNode>();
  const add = (address: string, kind: NodeKind, refsIn: unknown, dependsOn: string[] = []) => {
    checkFunctions(refsIn, address);
    const deps: string[] = [];
    for (const t of referencesIn(refsIn)) if (isNodeRef(t) && !deps.includes(t.address)) deps.push(t.address);
    for (const d of dependsOn) if (!deps.includes(d)) deps.push(d);
    nodes.set(address, { address, kind, dependencies: deps });
  };
  for (const v of config.variables.values()) add(v.address, "var", undefined);
  for (const l of config.locals.values()) add(l.address, "local", l.value);
  for (const d of config.dataSources.values()) add(d.address, "data", d.body, d.dependsOn);
  for (const r of config.resources.values()) add(r.address, "resource", r.body, r.dependsOn);
  for (const o of config.outputs.values()) add(o.address, "output", o.value, o.dependsOn);

  for (const node of nodes.values()) {
    for (const dep of node.dependencies) {
      if (!nodes.has(dep)) {
        throw new StackError("UnknownReference", `${node.address} refers to ${dep}, which is not declared in the stack`);
      }
      if (dep.startsWith("output.")) throw new StackError("UnknownReference", `${node.address} refers to ${dep}: outputs cannot be referenced`);
    }
  }
  return { config, nodes, order: topologicalOrder(nodes) };
}

/** Kahn's algorithm; ties keep declaration order so applies are reproducible. */
export function topologicalOrder(nodes: Map<string, GraphNode>): string[] {
  const position = new Map([...nodes.keys()].map((a, i) => [a, i]));
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const n of nodes.values()) {
    waiting.set(n.address, n.dependencies.length);
    for (const d of n.dependencies) dependents.set(d, [...(dependents.get(d) ?? []), n.address]);
  }
  const ready = [...nodes.keys()].filter((a) => waiting.get(a) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => position.get(a)! - position.get(b)!);
    const next = ready.shift()!;
    order.push(next);
    for (const dep of dependents.get(next) ?? []) {
      const left = waiting.get(dep)! - 1;
      waiting.set(dep, left);
      if (left === 0) ready.push(dep);
    }
  }
  if (order.length < nodes.size) {
    const cycle = findCycle(nodes, new Set(order));
    throw new StackError("DependencyCycle", `dependency cycle: ${cycle.join(" -> ")} (each depends on the next); break it by removing one of these references`);
  }
  return order;
}

function findCycle(nodes: Map<string, GraphNode>, done: Set<string>): string[] {
  const state = new Map<string, "visiting" | "visited">();
  const stack: string[] = [];
  const visit = (a: string): string[] | undefined => {
    state.set(a, "visiting");
    stack.push(a);
    for (const d of nodes.get(a)?.dependencies ?? []) {
      if (done.has(d)) continue;
      if (state.get(d) === "visiting") return [...stack.slice(stack.indexOf(d)), d];
      if (!state.has(d)) {
        const found = visit(d);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(a, "visited");
    return undefined;
  };
  for (const a of nodes.keys()) {
    if (done.has(a) || state.has(a)) continue;
    const found = visit(a);
    if (found) return found;
  }
  return [...nodes.keys()].filter((a) => !done.has(a));
}

/** The managed resources a node depends on, directly or through locals, variables and data sources. */
export function resourceDependencies(graph: StackGraph, address: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (a: string) => {
    for (const d of graph.nodes.get(a)?.dependencies ?? []) {
      if (seen.has(d)) continue;
      seen.add(d);
      if (graph.nodes.get(d)?.kind === "resource") out.push(d);
      else walk(d);
    }
  };
  walk(address);
  return out;
}
