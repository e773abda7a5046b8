import type { AssetResolver } from "./assets.js";
import { builtinDataSources, partitionOf, type CloudIdentity, type DataSourceProvider } from "./data-sources.js";
import { StackApplyError, StackError } from "./errors.js";
import { evaluateValue, type EvalScope, type RefTarget } from "./expressions.js";
import { buildGraph, parseStack, resourceDependencies, topologicalOrder, type BlockConfig, type GraphNode, type StackGraph, type VariableConfig } from "./graph.js";
import { emptyState, terraformType, type AppliedResource, type AppliedState, type StackOutput } from "./state.js";
import { isObject, typeName, valuesEqual, type Value, type ValueObject } from "./value.js";

/** What a provider knows about the resource it is asked to change. */
export interface ResourceContext extends CloudIdentity {
  address: string;
  type: string;
  name: string;
  partition: string;
  /** bytes of a file the stack names (a `TerraformAsset` path such as `assets/x/<hash>/archive.zip`) */
  readAsset(path: string): Buffer;
}

export interface PriorResource {
  args: ValueObject;
  attributes: ValueObject;
}

/**
 * Emulates one resource type against a service model. `create` and `update`
 * return the attributes AWS computes (arn, id, url...); the engine merges them
 * over the arguments, so providers need not echo what they were given. After
 * an update, computed attributes the provider does not return again (an arn)
 * are kept from before.
 */
export interface ResourceProvider {
  create(args: ValueObject, ctx: ResourceContext): ValueObject | Promise<ValueObject>;
  /** in-place change of the `changed` top-level arguments; without it every change replaces the resource */
  update?(args: ValueObject, prior: PriorResource, ctx: ResourceContext, changed: string[]): ValueObject | Promise<ValueObject>;
  delete(prior: PriorResource, ctx: ResourceContext): void | Promise<void>;
  /**
   * Arguments whose change forces a replacement (Terraform's ForceNew), e.g.
   * ["name"] for a queue, or a predicate over the changed argument names.
   */
  replaceOn?: readonly string[] | ((changed: string[], args: ValueObject, prior: PriorResource) => boolean);
}

export type ResourceProviders = Record<string, ResourceProvider>;

export type ChangeAction = "create" | "update" | "replace" | "delete" | "noop";

export interface ResourceChange {
  address: string;
  action: ChangeAction;
}

export interface ApplyOptions {
  providers: ResourceProviders;
  /** more data sources than the built-in policy document, caller identity, region and partition */
  dataSources?: Record<string, DataSourceProvider>;
  /** what the last apply of this stack left; omitted on a fresh cloud */
  previous?: AppliedState;
  /** values for `variable` blocks, overriding their defaults */
  variables?: Record<string, Value>;
  accountId: string;
  region: string;
  assetResolver: AssetResolver;
  /** told about each resource as soon as it is done, so a caller can show progress */
  onChange?: (change: ResourceChange) => void;
}

export interface ApplyResult {
  state: AppliedState;
  /** shaped as `terraform output -json` prints them */
  outputs: Record<string, StackOutput>;
  /** one entry per resource touched or checked, in the order it happened */
  changes: ResourceChange[];
}

const BUILTIN_ADDRESSES: Record<string, Value> = { "path.module": ".", "path.root": ".", "path.cwd": ".", "terraform.workspace": "default" };

function missingProviders(graph: StackGraph, previous: AppliedState, opts: ApplyOptions): string | undefined {
  const byType = new Map<string, string[]>();
  const note = (type: string, address: string) => byType.set(type, [...(byType.get(type) ?? []), address]);
  for (const r of graph.config.resources.values()) if (!Object.hasOwn(opts.providers, r.type)) note(r.type, r.address);
  for (const r of Object.values(previous.resources)) {
    if (!graph.config.resources.has(r.address) && !Object.hasOwn(opts.providers, r.type)) note(r.type, `${r.address} (to delete)`);
  }
  const dataByType = new Map<string, string[]>();
  for (const d of graph.config.dataSources.values()) {
    if (!Object.hasOwn(opts.dataSources ?? {}, d.type) && !Object.hasOwn(builtinDataSources, d.type)) {
      dataByType.set(d.type, [...(dataByType.get(d.type) ?? []), d.address]);
    }
  }
  if (byType.size === 0 && dataByType.size === 0) return undefined;
  const lines = [...byType].sort(([a], [b]) => a.localeCompare(b)).map(([t, as]) => `resource type ${t}: ${as.join(", ")}`);
  lines.push(...[...dataByType].sort(([a], [b]) => a.localeCompare(b)).map(([t, as]) => `data source type ${t}: ${as.join(", ")}`));
  return `the embedded cloud does not emulate ${lines.length === 1 ? "this type" : "these types"}, so nothing was changed:\n  ${lines.join("\n  ")}`;
}

function convertVariable(v: VariableConfig, value: Value): Value {
  const type = v.type?.replace(/\s/g, "");
  const wrong = (): never => {
    throw new StackError("MissingVariable", `variable "${v.name}" must be a ${type}, got ${typeName(value)} ${JSON.stringify(value)}`);
  };
  if (value === null || !type || type === "any") return value;
  if (type === "string") return typeof value === "object" ? wrong() : String(value);
  if (type === "number") {
    if (typeof value === "number") return value;
    if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
    return wrong();
  }
  if (type === "bool") {
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "false") return value === "true";
    return wrong();
  }
  return value;
}

function resolveVariables(graph: StackGraph, given: Record<string, Value>): Map<string, Value> {
  const undeclared = Object.keys(given).filter((k) => !graph.config.variables.has(`var.${k}`));
  if (undeclared.length > 0) {
    const declared = [...graph.config.variables.values()].map((v) => v.name).join(", ") || "none";
    throw new StackError("MissingVariable", `values given for undeclared variable(s) ${undeclared.join(", ")} (the stack declares: ${declared})`);
  }
  const out = new Map<string, Value>();
  const missing: string[] = [];
  for (const v of graph.config.variables.values()) {
    const value = Object.hasOwn(given, v.name) ? given[v.name] : v.default;
    if (value === undefined) missing.push(v.name);
    else out.set(v.address, convertVariable(v, value));
  }
  if (missing.length > 0) {
    throw new StackError("MissingVariable", `no value for variable(s) ${missing.join(", ")}: they have no default, so pass them in "variables"`);
  }
  return out;
}

function changedArgs(args: ValueObject, prior: ValueObject): string[] {
  const keys = new Set([...Object.keys(args), ...Object.keys(prior)]);
  return [...keys].filter((k) => !valuesEqual(args[k] ?? null, prior[k] ?? null)).sort();
}

function forcesReplace(provider: ResourceProvider, changed: string[], args: ValueObject, prior: PriorResource): boolean {
  if (!provider.update) return true;
  const rule = provider.replaceOn;
  if (!rule) return false;
  if (typeof rule === "function") return rule(changed, args, prior);
  return changed.some((k) => rule.includes(k));
}

/** Removed resources: dependents first, so nothing is deleted while something still uses it. */
function deletionOrder(removed: AppliedResource[]): string[] {
  const set = new Set(removed.map((r) => r.address));
  const nodes = new Map<string, GraphNode>(
    removed.map((r) => [r.address, { address: r.address, kind: "resource", dependencies: r.dependencies.filter((d) => set.has(d)) }]),
  );
  return topologicalOrder(nodes).reverse();
}

/**
 * Plans and applies a synthesized cdktf stack (`cdk.tf.json`) against the
 * given providers: resources are created or changed in dependency order once
 * what they reference exists, unchanged ones are left alone, and those gone
 * from the stack are deleted, dependents first.
 */
export async function applyStack(json: unknown, opts: ApplyOptions): Promise<ApplyResult> {
  const graph = buildGraph(parseStack(json));
  const previous = opts.previous ?? emptyState();
  const missing = missingProviders(graph, previous, opts);
  if (missing) throw new StackError("UnknownResourceTypes", missing);
  const variables = resolveVariables(graph, opts.variables ?? {});

  const cloud: CloudIdentity = { accountId: opts.accountId, region: opts.region };
  const partition = partitionOf(opts.region).partition;
  const readAsset = (path: string): Buffer => opts.assetResolver(path);
  const values = new Map<string, Value>(variables);
  const scope: EvalScope = {
    resolve(t: RefTarget): Value {
      if (Object.hasOwn(BUILTIN_ADDRESSES, t.address)) return BUILTIN_ADDRESSES[t.address];
      const v = values.get(t.address);
      if (v === undefined) throw new StackError("UnknownReference", `${t.address} is not declared in the stack`);
      return v;
    },
    readFile: readAsset,
  };

  const current: Record<string, AppliedResource> = { ...previous.resources };
  const changes: ResourceChange[] = [];
  const note = (change: ResourceChange) => {
    changes.push(change);
    opts.onChange?.(change);
  };
  const outputs: Record<string, StackOutput> = {};
  const fail = (e: unknown, doing: string): never => {
    const state: AppliedState = { version: 1, serial: previous.serial + 1, resources: current, outputs: previous.outputs };
    const message = e instanceof Error ? e.message : String(e);
    const code = e instanceof StackError ? e.code : "ResourceFailed";
    throw new StackApplyError(code, `${doing}: ${message}`, { state, changes }, e);
  };

  for (const address of graph.order) {
    const node = graph.nodes.get(address)!;
    if (node.kind === "var") continue;
    if (node.kind === "local") {
      const local = graph.config.locals.get(address)!;
      try {
        values.set(address, evaluateValue(local.value, scope, address));
      } catch (e) {
        fail(e, `evaluating ${address}`);
      }
    } else if (node.kind === "data") {
      const block = graph.config.dataSources.get(address)!;
      const provider = opts.dataSources?.[block.type] ?? builtinDataSources[block.type];
      try {
        const args = evaluateValue(block.body, scope, address) as ValueObject;
        const attrs = await provider.read(args, cloud);
        if (!isObject(attrs)) throw new StackError("ResourceFailed", `the ${block.type} data source returned no attributes`);
        values.set(address, attrs);
      } catch (e) {
        fail(e, `reading ${address}`);
      }
    } else if (node.kind === "resource") {
      const block = graph.config.resources.get(address)!;
      const ctx: ResourceContext = { ...cloud, address, type: block.type, name: block.name, partition, readAsset };
      const applied = await applyResource(block, graph, opts.providers[block.type], ctx, scope, current, note, fail);
      values.set(address, applied.attributes);
    } else {
      const out = graph.config.outputs.get(address)!;
      try {
        const value = evaluateValue(out.value, scope, address);
        outputs[out.name] = { sensitive: out.sensitive, type: terraformType(value), value };
      } catch (e) {
        fail(e, `evaluating ${address}`);
      }
    }
  }

  const removed = Object.values(previous.resources).filter((r) => !graph.config.resources.has(r.address));
  for (const address of deletionOrder(removed)) {
    const prior = current[address];
    const ctx: ResourceContext = { ...cloud, address, type: prior.type, name: prior.name, partition, readAsset };
    try {
      await opts.providers[prior.type].delete({ args: prior.args, attributes: prior.attributes }, ctx);
    } catch (e) {
      fail(e, `deleting ${address}`);
    }
    delete current[address];
    note({ address, action: "delete" });
  }

  // `terraform output -json` lists outputs by name
  const sorted: Record<string, StackOutput> = {};
  for (const name of Object.keys(outputs).sort()) sorted[name] = outputs[name];
  const changed = changes.some((c) => c.action !== "noop") || !valuesEqual(sorted as unknown as Value, previous.outputs as unknown as Value);
  const state: AppliedState = { version: 1, serial: changed ? previous.serial + 1 : previous.serial, resources: current, outputs: sorted };
  return { state, outputs: sorted, changes };
}

async function applyResource(
  block: BlockConfig,
  graph: StackGraph,
  provider: ResourceProvider,
  ctx: ResourceContext,
  scope: EvalScope,
  current: Record<string, AppliedResource>,
  note: (change: ResourceChange) => void,
  fail: (e: unknown, doing: string) => never,
): Promise<AppliedResource> {
  const { address } = block;
  let args: ValueObject;
  try {
    const v = evaluateValue(block.body, scope, address);
    args = isObject(v) ? v : {};
  } catch (e) {
    return fail(e, `resolving the arguments of ${address}`);
  }
  const dependencies = resourceDependencies(graph, address);
  const record = (attrs: ValueObject | void, argsApplied: ValueObject, kept: ValueObject = {}): AppliedResource => {
    if (!isObject(attrs)) fail(new Error(`the ${block.type} provider returned no attributes`), `applying ${address}`);
    const attributes = { ...kept, ...argsApplied, ...attrs };
    const r: AppliedResource = { address, type: block.type, name: block.name, args: argsApplied, attributes, dependencies };
    current[address] = r;
    return r;
  };
  const create = async (): Promise<AppliedResource> => {
    try {
      return record(await provider.create(args, ctx), args);
    } catch (e) {
      return fail(e, `creating ${address}`);
    }
  };

  const prior = current[address];
  if (!prior) {
    const r = await create();
    note({ address, action: "create" });
    return r;
  }

  const { ignoreChanges } = block.lifecycle;
  if (ignoreChanges === "all") args = prior.args;
  else for (const k of ignoreChanges) if (Object.hasOwn(prior.args, k)) args[k] = prior.args[k];
  const changed = changedArgs(args, prior.args);
  if (changed.length === 0) {
    // arguments equal, but a re-ordered dependency list must still be remembered
    current[address] = { ...prior, dependencies };
    note({ address, action: "noop" });
    return current[address];
  }

  const priorView: PriorResource = { args: prior.args, attributes: prior.attributes };
  if (!forcesReplace(provider, changed, args, priorView)) {
    let r: AppliedResource;
    try {
      const computed = Object.fromEntries(Object.entries(prior.attributes).filter(([k]) => !Object.hasOwn(prior.args, k)));
      r = record(await provider.update!(args, priorView, ctx, changed), args, computed);
    } catch (e) {
      return fail(e, `updating ${address} (changed: ${changed.join(", ")})`);
    }
    note({ address, action: "update" });
    return r;
  }

  if (block.lifecycle.preventDestroy) {
    fail(new StackError("UnsupportedFeature", `changing ${changed.join(", ")} replaces it, but lifecycle.prevent_destroy is set`), `replacing ${address}`);
  }
  const destroy = async () => {
    try {
      await provider.delete(priorView, ctx);
    } catch (e) {
      fail(e, `deleting ${address} to replace it (changed: ${changed.join(", ")})`);
    }
  };
  let r: AppliedResource;
  if (block.lifecycle.createBeforeDestroy) {
    r = await create();
    await destroy();
  } else {
    await destroy();
    delete current[address];
    r = await create();
  }
  note({ address, action: "replace" });
  return r;
}
