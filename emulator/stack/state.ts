import { StackError } from "./errors.js";
import { isObject, type Value, type ValueObject } from "./value.js";

/**
 * What an apply leaves behind: plain JSON, so the cloud can persist it in its
 * state directory and hand it back as `previous` on the next apply.
 */

export interface AppliedResource {
  /** `<type>.<name>`, e.g. `aws_sqs_queue.queue` */
  address: string;
  type: string;
  name: string;
  /** the resolved arguments as last applied; the next apply diffs against these */
  args: ValueObject;
  /** what later references read: the arguments plus what the provider computed (arn, id, url...) */
  attributes: ValueObject;
  /** managed resources this one depended on when applied; deletes run in the reverse order */
  dependencies: string[];
}

/** One output as `terraform output -json` prints it. */
export interface StackOutput {
  sensitive: boolean;
  /** the Terraform type of the value, in Terraform's JSON type notation */
  type: Value;
  value: Value;
}

export interface AppliedState {
  version: 1;
  /** bumped by every apply that changed something */
  serial: number;
  resources: Record<string, AppliedResource>;
  outputs: Record<string, StackOutput>;
  /** stackFingerprint() of the template, assets and variables of the last apply that completed; absent after one that failed */
  fingerprint?: string;
}

export function emptyState(): AppliedState {
  return { version: 1, serial: 0, resources: {}, outputs: {} };
}

/** Checks a persisted state read back from disk or from a caller before it is trusted. */
export function parseAppliedState(json: unknown): AppliedState {
  const bad = (why: string): never => {
    throw new StackError("InvalidStack", `applied state is not valid: ${why}; delete the state file to start from an empty cloud`);
  };
  if (!isObject(json)) bad("not a JSON object");
  const s = json as Record<string, unknown>;
  if (s.version !== 1) bad(`unknown version ${JSON.stringify(s.version)}`);
  if (typeof s.serial !== "number") bad("serial is missing");
  if (!isObject(s.resources)) bad("resources is missing");
  if (!isObject(s.outputs)) bad("outputs is missing");
  for (const [address, r] of Object.entries(s.resources as Record<string, unknown>)) {
    if (!isObject(r)) bad(`${address} is not an object`);
    const res = r as Record<string, unknown>;
    if (res.address !== address || typeof res.type !== "string" || typeof res.name !== "string") bad(`${address} has no matching address/type/name`);
    if (!isObject(res.args) || !isObject(res.attributes) || !Array.isArray(res.dependencies)) bad(`${address} lacks args, attributes or dependencies`);
  }
  return json as unknown as AppliedState;
}

/** Terraform's JSON notation for a value's type, as `terraform output -json` shows it. */
export function terraformType(v: Value): Value {
  if (v === null) return "dynamic";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return ["tuple", v.map(terraformType)];
  const attrs: ValueObject = {};
  for (const k of Object.keys(v).sort()) attrs[k] = terraformType(v[k]);
  return ["object", attrs];
}
