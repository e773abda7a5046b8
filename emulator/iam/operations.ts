import { AwsError } from "../core/aws-error.js";
import type { XmlValue } from "../wire/xml.js";
import { iamDate, type IamModel, type ManagedPolicyView, type PolicyVersion, type Role, type Tag } from "./model.js";

/**
 * The IAM API, one function per action: input as the awsQuery form decodes
 * it (lists as arrays, see service.ts), output as the `<ActionResult>`
 * content in AWS's element order, or undefined for actions whose reply has
 * no result element (DeleteRole...). The stack loader's providers call these
 * same functions, so a stack applied in-process and the same stack applied
 * by Terraform leave the same state.
 */
export type IamInput = Record<string, unknown>;
export type IamOutput = { [key: string]: XmlValue } | undefined;
export type IamOperation = (model: IamModel, input: IamInput) => IamOutput;

function str(input: IamInput, name: string): string | undefined {
  const v = input[name];
  return typeof v === "string" ? v : undefined;
}

function need(input: IamInput, name: string): string {
  const v = str(input, name);
  const member = name.charAt(0).toLowerCase() + name.slice(1);
  if (v === undefined || v === "") throw new AwsError("ValidationError", `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  return v;
}

function int(input: IamInput, name: string): number | undefined {
  const v = str(input, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new AwsError("ValidationError", `1 validation error detected: Value '${v}' at '${name.charAt(0).toLowerCase() + name.slice(1)}' failed to satisfy constraint: Member must be an integer`);
  return n;
}

function tags(input: IamInput, name = "Tags"): Tag[] {
  const v = input[name];
  if (!Array.isArray(v)) return [];
  return v.map((t) => {
    const o = (t ?? {}) as IamInput;
    return { Key: String(o.Key ?? ""), Value: String(o.Value ?? "") };
  });
}

function strings(input: IamInput, name: string): string[] {
  const v = input[name];
  return Array.isArray(v) ? v.map(String) : [];
}

/** IAM returns policy documents URL-encoded (RFC 3986), as the caller sent them. */
export function encodePolicy(json: string): string {
  return encodeURIComponent(json);
}

function tagList(m: Map<string, string>): XmlValue {
  return [...m].map(([Key, Value]) => ({ Key, Value }));
}

/** `Role` as GetRole/CreateRole return it; ListRoles leaves out tags and last use. */
function roleXml(r: Role, full = true): { [key: string]: XmlValue } {
  return {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: iamDate(r.createDate),
    AssumeRolePolicyDocument: r.trust ? encodePolicy(r.trust.json) : undefined,
    Description: r.description,
    MaxSessionDuration: r.maxSessionDuration,
    PermissionsBoundary: r.permissionsBoundary ? { PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: r.permissionsBoundary } : undefined,
    Tags: full && r.tags.size > 0 ? tagList(r.tags) : undefined,
    RoleLastUsed: full ? {} : undefined,
  };
}

function policyXml(p: ManagedPolicyView, withTags = true): { [key: string]: XmlValue } {
  return {
    PolicyName: p.name,
    PolicyId: p.id,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: p.attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: p.description,
    CreateDate: iamDate(p.createDate),
    UpdateDate: iamDate(p.updateDate),
    Tags: withTags && p.tags.size > 0 ? tagList(p.tags) : undefined,
  };
}

function versionXml(v: PolicyVersion & { isDefault: boolean }, withDocument: boolean): { [key: string]: XmlValue } {
  return {
    Document: withDocument ? encodePolicy(v.kept.json) : undefined,
    VersionId: v.id,
    IsDefaultVersion: v.isDefault,
    CreateDate: iamDate(v.createDate),
  };
}

/** Marker/MaxItems paging as IAM does it: IsTruncated always, Marker only when there is more. */
function page<T>(items: T[], input: IamInput, render: (items: T[]) => { [key: string]: XmlValue }): { [key: string]: XmlValue } {
  const max = int(input, "MaxItems") ?? 100;
  if (max < 1 || max > 1000) throw new AwsError("ValidationError", `1 validation error detected: Value '${max}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`);
  const marker = str(input, "Marker");
  let start = 0;
  if (marker !== undefined) {
    start = Number(Buffer.from(marker, "base64url").toString("utf8"));
    if (!Number.isInteger(start) || start < 0) throw new AwsError("ValidationError", "Invalid Marker: pass the Marker of the previous page unchanged.");
  }
  const slice = items.slice(start, start + max);
  const more = start + max < items.length;
  return { ...render(slice), IsTruncated: more, Marker: more ? Buffer.from(String(start + max)).toString("base64url") : undefined };
}

export const IAM_OPERATIONS: Record<string, IamOperation> = {
  CreateRole: (m, i) => ({
    Role: roleXml(
      m.createRole({
        name: need(i, "RoleName"),
        path: str(i, "Path"),
        assumeRolePolicy: need(i, "AssumeRolePolicyDocument"),
        description: str(i, "Description"),
        maxSessionDuration: int(i, "MaxSessionDuration"),
        permissionsBoundary: str(i, "PermissionsBoundary"),
        tags: tags(i),
      }),
    ),
  }),
  GetRole: (m, i) => ({ Role: roleXml(m.getRole(need(i, "RoleName"))) }),
  UpdateRole: (m, i) => {
    m.updateRole(need(i, "RoleName"), { description: str(i, "Description"), maxSessionDuration: int(i, "MaxSessionDuration") });
    return {};
  },
  UpdateRoleDescription: (m, i) => {
    const name = need(i, "RoleName");
    m.updateRole(name, { description: str(i, "Description") ?? "" });
    return { Role: roleXml(m.getRole(name)) };
  },
  UpdateAssumeRolePolicy: (m, i) => {
    m.updateAssumeRolePolicy(need(i, "RoleName"), need(i, "PolicyDocument"));
    return undefined;
  },
  DeleteRole: (m, i) => {
    m.deleteRole(need(i, "RoleName"));
    return undefined;
  },
  ListRoles: (m, i) => page(m.listRoles(str(i, "PathPrefix")), i, (roles) => ({ Roles: roles.map((r) => roleXml(r, false)) })),
  TagRole: (m, i) => {
    m.tagRole(need(i, "RoleName"), tags(i));
    return undefined;
  },
  UntagRole: (m, i) => {
    m.untagRole(need(i, "RoleName"), strings(i, "TagKeys"));
    return undefined;
  },
  ListRoleTags: (m, i) => page([...m.getRole(need(i, "RoleName")).tags], i, (t) => ({ Tags: t.map(([Key, Value]) => ({ Key, Value })) })),

  PutRolePolicy: (m, i) => {
    m.putRolePolicy(need(i, "RoleName"), need(i, "PolicyName"), need(i, "PolicyDocument"));
    return undefined;
  },
  GetRolePolicy: (m, i) => {
    const role = m.getRole(need(i, "RoleName"));
    const name = need(i, "PolicyName");
    return { RoleName: role.name, PolicyName: name, PolicyDocument: encodePolicy(m.getRolePolicy(role.name, name).json) };
  },
  DeleteRolePolicy: (m, i) => {
    m.deleteRolePolicy(need(i, "RoleName"), need(i, "PolicyName"));
    return undefined;
  },
  ListRolePolicies: (m, i) => page(m.listRolePolicies(need(i, "RoleName")), i, (names) => ({ PolicyNames: names })),

  CreatePolicy: (m, i) => ({
    Policy: policyXml(
      m.createPolicy({ name: need(i, "PolicyName"), path: str(i, "Path"), document: need(i, "PolicyDocument"), description: str(i, "Description"), tags: tags(i) }),
    ),
  }),
  GetPolicy: (m, i) => ({ Policy: policyXml(m.getPolicy(need(i, "PolicyArn"))) }),
  ListPolicies: (m, i) =>
    page(
      m.listPolicies({ scope: str(i, "Scope"), onlyAttached: str(i, "OnlyAttached") === "true", pathPrefix: str(i, "PathPrefix") }),
      i,
      (policies) => ({ Policies: policies.map((p) => policyXml(p, false)) }),
    ),
  DeletePolicy: (m, i) => {
    m.deletePolicy(need(i, "PolicyArn"));
    return undefined;
  },
  GetPolicyVersion: (m, i) => ({ PolicyVersion: versionXml(m.getPolicyVersion(need(i, "PolicyArn"), need(i, "VersionId")), true) }),
  ListPolicyVersions: (m, i) => page(m.listPolicyVersions(need(i, "PolicyArn")), i, (versions) => ({ Versions: versions.map((v) => versionXml(v, false)) })),
  CreatePolicyVersion: (m, i) => ({
    PolicyVersion: versionXml(m.createPolicyVersion(need(i, "PolicyArn"), need(i, "PolicyDocument"), str(i, "SetAsDefault") === "true"), false),
  }),
  DeletePolicyVersion: (m, i) => {
    m.deletePolicyVersion(need(i, "PolicyArn"), need(i, "VersionId"));
    return undefined;
  },
  SetDefaultPolicyVersion: (m, i) => {
    m.setDefaultPolicyVersion(need(i, "PolicyArn"), need(i, "VersionId"));
    return undefined;
  },
  TagPolicy: (m, i) => {
    m.tagPolicy(need(i, "PolicyArn"), tags(i));
    return undefined;
  },
  UntagPolicy: (m, i) => {
    m.untagPolicy(need(i, "PolicyArn"), strings(i, "TagKeys"));
    return undefined;
  },
  ListPolicyTags: (m, i) => page([...m.getPolicy(need(i, "PolicyArn")).tags], i, (t) => ({ Tags: t.map(([Key, Value]) => ({ Key, Value })) })),

  AttachRolePolicy: (m, i) => {
    m.attachRolePolicy(need(i, "RoleName"), need(i, "PolicyArn"));
    return undefined;
  },
  DetachRolePolicy: (m, i) => {
    m.detachRolePolicy(need(i, "RoleName"), need(i, "PolicyArn"));
    return undefined;
  },
  ListAttachedRolePolicies: (m, i) =>
    page(m.listAttachedRolePolicies(need(i, "RoleName"), str(i, "PathPrefix")), i, (attached) => ({
      AttachedPolicies: attached.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn })),
    })),
  // The cloud has no instance profiles (no EC2); the role must exist all the same.
  ListInstanceProfilesForRole: (m, i) => {
    m.getRole(need(i, "RoleName"));
    return { InstanceProfiles: [], IsTruncated: false };
  },
};
