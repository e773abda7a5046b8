import { applyStack, type ApplyResult, type ResourceChange, type ResourceProviders } from "../stack/engine.js";
import { uploadedAssetResolver } from "../stack/assets.js";
import { StackApplyError, StackError } from "../stack/errors.js";
import { emptyState, parseAppliedState, type AppliedState, type StackOutput } from "../stack/state.js";
import { isObject, type Value } from "../stack/value.js";
import { sha256Hex, stackFingerprint } from "../stack/fingerprint.js";

export interface ApplyRequest {
  template: unknown;
  assets?: Record<string, Buffer>;
  variables?: Record<string, Value>;
}

/** A stack that uses resource types the cloud does not emulate: nothing was applied. */
export class UnsupportedTypesError extends StackError {
  constructor(readonly types: string[]) {
    super("UnknownResourceTypes", `the embedded cloud does not emulate ${types.length === 1 ? "this resource type" : "these resource types"}, so nothing was changed: ${types.join(", ")}`);
  }
}

/**
 * The applied state of each stack the cloud was given, by name. Applies and
 * destroys of the cloud run one at a time, as Terraform's state lock would
 * have them, so two deploys never interleave their changes.
 */
export class StackStore {
  private readonly states = new Map<string, AppliedState>();
  private queue: Promise<unknown> = Promise.resolve();

  /** `providers` may load lazily: the providers pull in the DynamoDB SDK client, which a cloud that never applies a stack need not load. */
  constructor(private readonly opts: { providers: () => ResourceProviders | Promise<ResourceProviders>; accountId: string; region: string }) {}

  get(name: string): AppliedState | undefined {
    return this.states.get(name);
  }

  names(): string[] {
    return [...this.states.keys()].sort();
  }

  apply(name: string, req: ApplyRequest): Promise<ApplyResult> {
    return this.serial(() => this.run(name, req.template, req.assets ?? {}, req.variables));
  }

  /** Deletes every resource of the stack, dependents first. */
  destroy(name: string): Promise<{ changes: ResourceChange[] }> {
    return this.serial(async () => {
      if (!this.states.has(name)) return { changes: [] };
      const result = await this.run(name, {}, {}, undefined);
      this.states.delete(name);
      return { changes: result.changes };
    });
  }

  snapshot(): Record<string, AppliedState> {
    return Object.fromEntries(this.states);
  }

  restore(state: unknown): void {
    this.states.clear();
    if (state === undefined) return;
    if (!isObject(state)) throw new Error("the applied stacks are not an object of stacks by name");
    for (const [name, s] of Object.entries(state)) this.states.set(name, parseAppliedState(s));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async run(name: string, template: unknown, assets: Record<string, Buffer>, variables: Record<string, Value> | undefined): Promise<ApplyResult> {
    const providers = await this.opts.providers();
    const previous = this.states.get(name) ?? emptyState();
    const unsupported = unsupportedTypes(template, previous, providers);
    if (unsupported.length > 0) throw new UnsupportedTypesError(unsupported);
    try {
      const result = await applyStack(template, {
        providers,
        previous,
        variables,
        accountId: this.opts.accountId,
        region: this.opts.region,
        assetResolver: uploadedAssetResolver(assets),
      });
      this.states.set(name, { ...result.state, fingerprint: stackFingerprint(template, assetHashes(assets), variables) });
      return result;
    } catch (e) {
      // what was created before the failure stays known, so the next apply continues from there
      if (e instanceof StackApplyError) this.states.set(name, e.partial.state);
      throw e;
    }
  }
}

function assetHashes(assets: Record<string, Buffer>): Record<string, string> {
  return Object.fromEntries(Object.entries(assets).map(([name, data]) => [name, sha256Hex(data)]));
}

function unsupportedTypes(template: unknown, previous: AppliedState, providers: ResourceProviders): string[] {
  const types = new Set<string>();
  const resources = isObject(template) && isObject(template.resource) ? template.resource : {};
  for (const type of Object.keys(resources)) if (!Object.hasOwn(providers, type)) types.add(type);
  for (const r of Object.values(previous.resources)) if (!Object.hasOwn(providers, r.type)) types.add(r.type);
  return [...types].sort();
}

export type { StackOutput };
