import { randomBytes } from "node:crypto";
import { AwsError } from "../core/aws-error.js";
import { awsStyleId } from "./function-credentials.js";
import { isAwsManagedPolicyArn, managedPolicy, managedPolicyJson, MANAGED_POLICY_ARNS } from "./managed-policies.js";
import { parsePolicy, PolicyError, type PolicyDocument, type PolicyKind } from "./policy.js";

/**
 * IAM's state: roles (trust policy, inline policies, attached managed
 * policies, tags) and customer managed policies with their versions, under
 * IAM's rules and limits. The IAM API (operations.ts), the stack loader's
 * providers and the evaluator (principals.ts, which extends this) all read
 * and write this one model.
 */

/** A parsed document and the JSON it came from, as the caller sent it. */
export interface Kept {
  doc: PolicyDocument;
  json: string;
}

export interface Tag {
  Key: string;
  Value: string;
}

export interface Role {
  name: string;
  path: string;
  arn: string;
  id: string;
  createDate: Date;
  description?: string;
  maxSessionDuration: number;
  permissionsBoundary?: string;
  /** who may assume the role; undefined only for roles the stack loader made without one */
  trust?: Kept;
  inline: Map<string, Kept>;
  attached: Set<string>;
  tags: Map<string, string>;
}

export interface PolicyVersion {
  id: string;
  kept: Kept;
  createDate: Date;
}

/** A managed policy as IAM describes it: customer managed, or one of the AWS managed policies the cloud carries. */
export interface ManagedPolicyView {
  name: string;
  path: string;
  arn: string;
  id: string;
  createDate: Date;
  updateDate: Date;
  description?: string;
  defaultVersionId: string;
  attachmentCount: number;
  tags: Map<string, string>;
  awsManaged: boolean;
}

interface CustomerPolicy {
  name: string;
  path: string;
  arn: string;
  id: string;
  createDate: Date;
  updateDate: Date;
  description?: string;
  tags: Map<string, string>;
  versions: Map<string, PolicyVersion>;
  defaultVersionId: string;
  nextVersion: number;
}

/** JSON-serialisable state, for the cloud's state directory. */
export interface IamSnapshot {
  roles: {
    name: string;
    path: string;
    id?: string;
    createDate?: string;
    description?: string;
    maxSessionDuration?: number;
    permissionsBoundary?: string;
    assumeRolePolicy?: string;
    inline: Record<string, string>;
    attached: string[];
    tags?: Tag[];
  }[];
  policies: {
    arn: string;
    /** the default version's document (the only field of snapshots from before versions were kept) */
    policy: string;
    id?: string;
    createDate?: string;
    updateDate?: string;
    description?: string;
    tags?: Tag[];
    versions?: { id: string; document: string; createDate: string }[];
    defaultVersionId?: string;
    nextVersion?: number;
  }[];
}

/** IAM's quotas (IAM User Guide, "IAM and AWS STS quotas"). */
export const IAM_LIMITS = {
  managedPoliciesPerRole: 20,
  /** characters of all inline policies of a role together, whitespace not counted */
  inlinePolicyBytesPerRole: 10_240,
  managedPolicyBytes: 6_144,
  trustPolicyBytes: 2_048,
  versionsPerPolicy: 5,
  tagsPerResource: 50,
} as const;

/** Dates as IAM writes them: ISO 8601, whole seconds. */
export function iamDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const NAME = /^[\w+=,.@-]+$/;
const PATH = /^\/([\u0021-\u007e]+\/)?$/;
const AWS_MANAGED_CREATED = new Date("2015-04-09T15:03:43Z");

function validation(value: string, member: string, constraint: string): AwsError {
  return new AwsError("ValidationError", `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

function checkName(value: string, member: string, max: number): void {
  if (value.length < 1 || value.length > max) throw validation(value, member, `Member must have length less than or equal to ${max}`);
  if (!NAME.test(value)) throw validation(value, member, "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
}

function checkPath(path: string): void {
  if (path.length > 512 || !PATH.test(path)) throw validation(path, "path", "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
}

/** Parses as IAM does: a malformed document is MalformedPolicyDocument, never stored. */
function keep(document: string | object, kind: PolicyKind): Kept {
  try {
    return { doc: parsePolicy(document, kind), json: typeof document === "string" ? document : JSON.stringify(document) };
  } catch (e) {
    if (e instanceof PolicyError) throw new AwsError("MalformedPolicyDocument", e.message);
    throw e;
  }
}

/** IAM counts policy size without whitespace. */
function policySize(json: string): number {
  return json.replace(/\s+/g, "").length;
}

function tagMap(tags: Tag[] | undefined, into = new Map<string, string>()): Map<string, string> {
  for (const t of tags ?? []) {
    if (typeof t.Key !== "string" || t.Key.length < 1 || t.Key.length > 128) throw validation(String(t.Key), "tags.member.key", "Member must have length between 1 and 128");
    if (typeof t.Value !== "string" || t.Value.length > 256) throw validation(String(t.Value), "tags.member.value", "Member must have length less than or equal to 256");
    into.set(t.Key, t.Value);
  }
  if (into.size > IAM_LIMITS.tagsPerResource) throw new AwsError("LimitExceeded", `Cannot exceed quota for TagsPerResource: ${IAM_LIMITS.tagsPerResource}.`, 409);
  return into;
}

function randomId(prefix: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return prefix + [...randomBytes(17)].map((b) => alphabet[b % 32]).join("");
}

export class IamModel {
  readonly accountId: string;
  protected readonly roles = new Map<string, Role>();
  protected readonly customerPolicies = new Map<string, CustomerPolicy>();

  constructor(accountId = "000000000000") {
    this.accountId = accountId;
  }

  /** Called after every change; the evaluator drops what it cached. */
  protected changed(): void {}

  // ---- roles

  createRole(input: {
    name: string;
    path?: string;
    /** required by the API (operations.ts checks); roles made in-process may leave it out */
    assumeRolePolicy?: string | object;
    description?: string;
    maxSessionDuration?: number;
    permissionsBoundary?: string;
    tags?: Tag[];
  }): Role {
    checkName(input.name, "roleName", 64);
    const path = input.path ?? "/";
    checkPath(path);
    if (this.findRole(input.name)) throw new AwsError("EntityAlreadyExists", `Role with name ${input.name} already exists.`, 409);
    const trust = input.assumeRolePolicy === undefined ? undefined : this.trustPolicy(input.assumeRolePolicy);
    const maxSessionDuration = input.maxSessionDuration ?? 3600;
    this.checkSessionDuration(maxSessionDuration);
    if (input.description !== undefined && input.description.length > 1000) throw validation(input.description, "description", "Member must have length less than or equal to 1000");
    if (input.permissionsBoundary !== undefined) this.requirePolicy(input.permissionsBoundary);
    const role: Role = {
      name: input.name,
      path,
      arn: `arn:aws:iam::${this.accountId}:role${path}${input.name}`,
      id: randomId("AROA"),
      createDate: new Date(),
      description: input.description,
      maxSessionDuration,
      permissionsBoundary: input.permissionsBoundary,
      trust,
      inline: new Map(),
      attached: new Set(),
      tags: tagMap(input.tags),
    };
    this.roles.set(role.name, role);
    this.changed();
    return role;
  }

  getRole(name: string): Role {
    const role = this.findRole(name);
    if (!role) throw new AwsError("NoSuchEntity", `The role with name ${name} cannot be found.`, 404);
    return role;
  }

  /** Role names are unique regardless of case, as in IAM. */
  protected findRole(name: string): Role | undefined {
    const exact = this.roles.get(name);
    if (exact) return exact;
    const lower = name.toLowerCase();
    for (const r of this.roles.values()) if (r.name.toLowerCase() === lower) return r;
    return undefined;
  }

  listRoles(pathPrefix = "/"): Role[] {
    return [...this.roles.values()].filter((r) => r.path.startsWith(pathPrefix)).sort((a, b) => a.name.localeCompare(b.name));
  }

  updateRole(name: string, patch: { description?: string; maxSessionDuration?: number }): void {
    const role = this.getRole(name);
    if (patch.maxSessionDuration !== undefined) this.checkSessionDuration(patch.maxSessionDuration);
    if (patch.description !== undefined) {
      if (patch.description.length > 1000) throw validation(patch.description, "description", "Member must have length less than or equal to 1000");
      role.description = patch.description;
    }
    if (patch.maxSessionDuration !== undefined) role.maxSessionDuration = patch.maxSessionDuration;
    this.changed();
  }

  updateAssumeRolePolicy(name: string, document: string | object): void {
    const role = this.getRole(name);
    role.trust = this.trustPolicy(document);
    this.changed();
  }

  deleteRole(name: string): void {
    const role = this.getRole(name);
    if (role.inline.size > 0) throw new AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
    if (role.attached.size > 0) throw new AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409);
    this.roles.delete(role.name);
    this.changed();
  }

  tagRole(name: string, tags: Tag[]): void {
    const role = this.getRole(name);
    const next = tagMap(tags, new Map(role.tags));
    role.tags = next;
    this.changed();
  }

  untagRole(name: string, keys: string[]): void {
    const role = this.getRole(name);
    for (const k of keys) role.tags.delete(k);
    this.changed();
  }

  // ---- inline role policies

  putRolePolicy(roleName: string, policyName: string, document: string | object): void {
    checkName(policyName, "policyName", 128);
    const role = this.getRole(roleName);
    const kept = keep(document, "identity");
    let total = policySize(kept.json);
    for (const [n, k] of role.inline) if (n !== policyName) total += policySize(k.json);
    if (total > IAM_LIMITS.inlinePolicyBytesPerRole) {
      throw new AwsError("LimitExceeded", `Maximum policy size of ${IAM_LIMITS.inlinePolicyBytesPerRole} bytes exceeded for role ${role.name}`, 409);
    }
    role.inline.set(policyName, kept);
    this.changed();
  }

  getRolePolicy(roleName: string, policyName: string): Kept {
    const kept = this.getRole(roleName).inline.get(policyName);
    if (!kept) throw new AwsError("NoSuchEntity", `The role policy with name ${policyName} cannot be found.`, 404);
    return kept;
  }

  deleteRolePolicy(roleName: string, policyName: string): void {
    const role = this.getRole(roleName);
    if (!role.inline.delete(policyName)) throw new AwsError("NoSuchEntity", `The role policy with name ${policyName} cannot be found.`, 404);
    this.changed();
  }

  listRolePolicies(roleName: string): string[] {
    return [...this.getRole(roleName).inline.keys()].sort();
  }

  // ---- managed policies

  createPolicy(input: { name: string; path?: string; document: string | object; description?: string; tags?: Tag[] }): ManagedPolicyView {
    checkName(input.name, "policyName", 128);
    const path = input.path ?? "/";
    checkPath(path);
    const arn = `arn:aws:iam::${this.accountId}:policy${path}${input.name}`;
    for (const p of this.customerPolicies.values()) {
      if (p.name.toLowerCase() === input.name.toLowerCase()) throw new AwsError("EntityAlreadyExists", `A policy called ${input.name} already exists. Duplicate names are not allowed.`, 409);
    }
    const kept = this.managedDocument(input.document);
    const now = new Date();
    this.customerPolicies.set(arn, {
      name: input.name,
      path,
      arn,
      id: randomId("ANPA"),
      createDate: now,
      updateDate: now,
      description: input.description,
      tags: tagMap(input.tags),
      versions: new Map([["v1", { id: "v1", kept, createDate: now }]]),
      defaultVersionId: "v1",
      nextVersion: 2,
    });
    this.changed();
    return this.getPolicy(arn);
  }

  getPolicy(arn: string): ManagedPolicyView {
    const p = this.customerPolicies.get(arn);
    if (p) {
      return { ...p, attachmentCount: this.attachmentCount(arn), awsManaged: false };
    }
    if (isAwsManagedPolicyArn(arn) && managedPolicy(arn)) {
      const path = arn.slice(arn.indexOf(":policy/") + ":policy".length, arn.lastIndexOf("/") + 1);
      return {
        name: arn.slice(arn.lastIndexOf("/") + 1),
        path,
        arn,
        id: awsStyleId("ANPA", 17, arn),
        createDate: AWS_MANAGED_CREATED,
        updateDate: AWS_MANAGED_CREATED,
        defaultVersionId: "v1",
        attachmentCount: this.attachmentCount(arn),
        tags: new Map(),
        awsManaged: true,
      };
    }
    throw new AwsError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`, 404);
  }

  listPolicies(filter: { scope?: string; onlyAttached?: boolean; pathPrefix?: string }): ManagedPolicyView[] {
    const scope = filter.scope ?? "All";
    const arns = [...(scope !== "Local" ? MANAGED_POLICY_ARNS : []), ...(scope !== "AWS" ? this.customerPolicies.keys() : [])];
    return arns
      .map((arn) => this.getPolicy(arn))
      .filter((p) => p.path.startsWith(filter.pathPrefix ?? "/") && (!filter.onlyAttached || p.attachmentCount > 0))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  getPolicyVersion(arn: string, versionId: string): PolicyVersion & { isDefault: boolean } {
    const p = this.customerPolicies.get(arn);
    if (!p) {
      this.getPolicy(arn);
      const json = managedPolicyJson(arn);
      if (versionId !== "v1" || !json) throw new AwsError("NoSuchEntity", `Policy ${arn} version ${versionId} does not exist or is not attachable.`, 404);
      return { id: "v1", kept: { doc: managedPolicy(arn)!, json }, createDate: AWS_MANAGED_CREATED, isDefault: true };
    }
    const v = p.versions.get(versionId);
    if (!v) throw new AwsError("NoSuchEntity", `Policy ${arn} version ${versionId} does not exist or is not attachable.`, 404);
    return { ...v, isDefault: v.id === p.defaultVersionId };
  }

  listPolicyVersions(arn: string): (PolicyVersion & { isDefault: boolean })[] {
    const p = this.customerPolicies.get(arn);
    if (!p) return [this.getPolicyVersion(arn, "v1")];
    return [...p.versions.values()].reverse().map((v) => ({ ...v, isDefault: v.id === p.defaultVersionId }));
  }

  createPolicyVersion(arn: string, document: string | object, setAsDefault: boolean): PolicyVersion & { isDefault: boolean } {
    const p = this.customerPolicy(arn);
    if (p.versions.size >= IAM_LIMITS.versionsPerPolicy) {
      throw new AwsError("LimitExceeded", `A managed policy can have up to ${IAM_LIMITS.versionsPerPolicy} versions. Before you create a new version, you must delete an existing version.`, 409);
    }
    const kept = this.managedDocument(document);
    const v: PolicyVersion = { id: `v${p.nextVersion++}`, kept, createDate: new Date() };
    p.versions.set(v.id, v);
    if (setAsDefault) {
      p.defaultVersionId = v.id;
      p.updateDate = v.createDate;
    }
    this.changed();
    return { ...v, isDefault: setAsDefault };
  }

  setDefaultPolicyVersion(arn: string, versionId: string): void {
    const p = this.customerPolicy(arn);
    if (!p.versions.has(versionId)) throw new AwsError("NoSuchEntity", `Policy ${arn} version ${versionId} does not exist or is not attachable.`, 404);
    p.defaultVersionId = versionId;
    p.updateDate = new Date();
    this.changed();
  }

  deletePolicyVersion(arn: string, versionId: string): void {
    const p = this.customerPolicy(arn);
    if (!p.versions.has(versionId)) throw new AwsError("NoSuchEntity", `Policy ${arn} version ${versionId} does not exist or is not attachable.`, 404);
    if (p.defaultVersionId === versionId) throw new AwsError("DeleteConflict", "Cannot delete the default version of a policy.", 409);
    p.versions.delete(versionId);
    this.changed();
  }

  deletePolicy(arn: string): void {
    const p = this.customerPolicy(arn);
    if (this.attachmentCount(arn) > 0) throw new AwsError("DeleteConflict", "Cannot delete a policy attached to entities.", 409);
    if (p.versions.size > 1) {
      throw new AwsError("DeleteConflict", "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.", 409);
    }
    this.customerPolicies.delete(arn);
    this.changed();
  }

  tagPolicy(arn: string, tags: Tag[]): void {
    const p = this.customerPolicy(arn);
    p.tags = tagMap(tags, new Map(p.tags));
    this.changed();
  }

  untagPolicy(arn: string, keys: string[]): void {
    const p = this.customerPolicy(arn);
    for (const k of keys) p.tags.delete(k);
    this.changed();
  }

  attachRolePolicy(roleName: string, policyArn: string): void {
    const role = this.getRole(roleName);
    if (!this.policyDocument(policyArn)) {
      const known = isAwsManagedPolicyArn(policyArn)
        ? ` The embedded cloud carries these AWS managed policies: ${MANAGED_POLICY_ARNS.join(", ")}; use one of them or a customer managed policy.`
        : "";
      throw new AwsError("NoSuchEntity", `Policy ${policyArn} does not exist or is not attachable.${known}`, 404);
    }
    if (!role.attached.has(policyArn) && role.attached.size >= IAM_LIMITS.managedPoliciesPerRole) {
      throw new AwsError("LimitExceeded", `Cannot exceed quota for PoliciesPerRole: ${IAM_LIMITS.managedPoliciesPerRole}`, 409);
    }
    role.attached.add(policyArn);
    this.changed();
  }

  detachRolePolicy(roleName: string, policyArn: string): void {
    const role = this.getRole(roleName);
    if (!role.attached.delete(policyArn)) throw new AwsError("NoSuchEntity", `Policy ${policyArn} was not found.`, 404);
    this.changed();
  }

  listAttachedRolePolicies(roleName: string, pathPrefix = "/"): { name: string; arn: string }[] {
    return [...this.getRole(roleName).attached]
      .map((arn) => ({ arn, name: arn.slice(arn.lastIndexOf("/") + 1), path: arn.slice(arn.indexOf(":policy/") + ":policy".length, arn.lastIndexOf("/") + 1) }))
      .filter((p) => p.path.startsWith(pathPrefix))
      .map(({ name, arn }) => ({ name, arn }));
  }

  /** The default version's document of a managed policy (AWS or customer), or undefined. */
  protected policyDocument(arn: string): PolicyDocument | undefined {
    if (isAwsManagedPolicyArn(arn)) return managedPolicy(arn);
    const p = this.customerPolicies.get(arn);
    return p?.versions.get(p.defaultVersionId)?.kept.doc;
  }

  private attachmentCount(arn: string): number {
    let n = 0;
    for (const r of this.roles.values()) if (r.attached.has(arn)) n++;
    return n;
  }

  private customerPolicy(arn: string): CustomerPolicy {
    const p = this.customerPolicies.get(arn);
    if (!p) {
      if (isAwsManagedPolicyArn(arn)) throw new AwsError("InvalidInput", `ARN ${arn} is an AWS managed policy: it cannot be changed.`);
      throw new AwsError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`, 404);
    }
    return p;
  }

  private requirePolicy(arn: string): void {
    if (!this.policyDocument(arn)) throw new AwsError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`, 404);
  }

  private trustPolicy(document: string | object): Kept {
    const kept = keep(document, "resource");
    if (policySize(kept.json) > IAM_LIMITS.trustPolicyBytes) throw new AwsError("LimitExceeded", `Cannot exceed quota for ACLSizePerRole: ${IAM_LIMITS.trustPolicyBytes}`, 409);
    return kept;
  }

  private managedDocument(document: string | object): Kept {
    const kept = keep(document, "identity");
    if (policySize(kept.json) > IAM_LIMITS.managedPolicyBytes) throw new AwsError("LimitExceeded", `Cannot exceed quota for PolicySize: ${IAM_LIMITS.managedPolicyBytes}`, 409);
    return kept;
  }

  private checkSessionDuration(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 3600 || seconds > 43200) {
      throw validation(String(seconds), "maxSessionDuration", "Member must have value greater than or equal to 3600 and less than or equal to 43200");
    }
  }

  // ---- state

  snapshot(): IamSnapshot {
    const tags = (m: Map<string, string>) => [...m].map(([Key, Value]) => ({ Key, Value }));
    return {
      roles: [...this.roles.values()].map((r) => ({
        name: r.name,
        path: r.path,
        id: r.id,
        createDate: r.createDate.toISOString(),
        ...(r.description !== undefined ? { description: r.description } : {}),
        maxSessionDuration: r.maxSessionDuration,
        ...(r.permissionsBoundary ? { permissionsBoundary: r.permissionsBoundary } : {}),
        ...(r.trust ? { assumeRolePolicy: r.trust.json } : {}),
        inline: Object.fromEntries([...r.inline].map(([n, k]) => [n, k.json])),
        attached: [...r.attached],
        tags: tags(r.tags),
      })),
      policies: [...this.customerPolicies.values()].map((p) => ({
        arn: p.arn,
        policy: p.versions.get(p.defaultVersionId)!.kept.json,
        id: p.id,
        createDate: p.createDate.toISOString(),
        updateDate: p.updateDate.toISOString(),
        ...(p.description !== undefined ? { description: p.description } : {}),
        tags: tags(p.tags),
        versions: [...p.versions.values()].map((v) => ({ id: v.id, document: v.kept.json, createDate: v.createDate.toISOString() })),
        defaultVersionId: p.defaultVersionId,
        nextVersion: p.nextVersion,
      })),
    };
  }

  /** Replaces roles and policies with a snapshot's; every document is validated again. */
  restore(snapshot: IamSnapshot): void {
    if (!snapshot || !Array.isArray(snapshot.roles) || !Array.isArray(snapshot.policies)) {
      throw new Error("IAM state is not a snapshot of IAM (roles and policies lists); remove the state file to start empty.");
    }
    this.roles.clear();
    this.customerPolicies.clear();
    for (const s of snapshot.policies) {
      const name = s.arn.slice(s.arn.lastIndexOf("/") + 1);
      const path = s.arn.slice(s.arn.indexOf(":policy/") + ":policy".length, s.arn.lastIndexOf("/") + 1);
      const created = new Date(s.createDate ?? Date.now());
      const versions = s.versions ?? [{ id: "v1", document: s.policy, createDate: created.toISOString() }];
      this.customerPolicies.set(s.arn, {
        name,
        path,
        arn: s.arn,
        id: s.id ?? randomId("ANPA"),
        createDate: created,
        updateDate: new Date(s.updateDate ?? created),
        description: s.description,
        tags: tagMap(s.tags),
        versions: new Map(versions.map((v) => [v.id, { id: v.id, kept: keep(v.document, "identity"), createDate: new Date(v.createDate) }])),
        defaultVersionId: s.defaultVersionId ?? "v1",
        nextVersion: s.nextVersion ?? versions.length + 1,
      });
    }
    for (const s of snapshot.roles) {
      this.roles.set(s.name, {
        name: s.name,
        path: s.path,
        arn: `arn:aws:iam::${this.accountId}:role${s.path}${s.name}`,
        id: s.id ?? randomId("AROA"),
        createDate: new Date(s.createDate ?? Date.now()),
        description: s.description,
        maxSessionDuration: s.maxSessionDuration ?? 3600,
        permissionsBoundary: s.permissionsBoundary,
        trust: s.assumeRolePolicy === undefined ? undefined : keep(s.assumeRolePolicy, "resource"),
        inline: new Map(Object.entries(s.inline).map(([n, json]) => [n, keep(json, "identity")])),
        attached: new Set(s.attached),
        tags: tagMap(s.tags),
      });
    }
    this.changed();
  }
}
