import { createHash } from "node:crypto";
import type { PriorResource, ResourceContext, ResourceProvider, ResourceProviders } from "../stack/engine.js";
import type { Value, ValueObject } from "../stack/value.js";
import { isAwsError } from "../core/aws-error.js";
import { iamDate } from "./model.js";
import { IAM_OPERATIONS, type IamInput, type IamOperation } from "./operations.js";
import type { PrincipalRegistry } from "./principals.js";

/**
 * The IAM resource types of a stack, applied through the IAM API's own
 * operations (operations.ts), so the loader and Terraform leave the same
 * state: aws_iam_role (with inline_policy blocks and managed_policy_arns),
 * aws_iam_role_policy, aws_iam_policy, aws_iam_role_policy_attachment and
 * aws_iam_policy_attachment. They record the attributes the AWS provider
 * reads back (arn, id, unique_id, policy_id...). Lambda functions register
 * with their role when the function registry creates them.
 */
export function iamResourceProviders(registry: PrincipalRegistry): ResourceProviders {
  const call = (action: string, input: IamInput) => IAM_OPERATIONS[action]!(registry, input);
  return {
    aws_iam_role: roleProvider(registry, call),
    aws_iam_role_policy: rolePolicyProvider(call),
    aws_iam_policy: policyProvider(registry, call),
    aws_iam_role_policy_attachment: attachmentProvider(call),
    aws_iam_policy_attachment: multiAttachmentProvider(call),
  };
}

type Call = (action: string, input: IamInput) => ReturnType<IamOperation>;

/** Deleting what is already gone succeeds, as the provider treats NoSuchEntity on delete. */
function gone(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (!isAwsError(e) || e.code !== "NoSuchEntity") throw e;
  }
}

function tagsOf(v: Value | undefined): { Key: string; Value: string }[] {
  return v && typeof v === "object" && !Array.isArray(v) ? Object.entries(v).map(([Key, Value]) => ({ Key, Value: String(Value) })) : [];
}

function roleProvider(registry: PrincipalRegistry, call: Call): ResourceProvider {
  const attributes = (name: string, args: ValueObject): ValueObject => {
    const role = registry.getRole(name);
    return {
      id: role.name,
      name: role.name,
      arn: role.arn,
      path: role.path,
      unique_id: role.id,
      create_date: iamDate(role.createDate),
      max_session_duration: role.maxSessionDuration,
      description: role.description ?? "",
      force_detach_policies: args.force_detach_policies === true,
    };
  };
  // inline_policy and managed_policy_arns are exclusive when given: what the block no longer lists goes.
  const reconcile = (name: string, args: ValueObject, prior?: PriorResource) => {
    const inline = blocks(args.inline_policy).filter((b) => text(b.name));
    for (const old of prior ? blocks(prior.args.inline_policy) : []) {
      if (!inline.some((b) => b.name === old.name)) gone(() => call("DeleteRolePolicy", { RoleName: name, PolicyName: String(old.name) }));
    }
    for (const b of inline) call("PutRolePolicy", { RoleName: name, PolicyName: String(b.name), PolicyDocument: String(b.policy) });
    const managed = strings(args.managed_policy_arns);
    for (const old of prior ? strings(prior.args.managed_policy_arns) : []) {
      if (!managed.includes(old)) gone(() => call("DetachRolePolicy", { RoleName: name, PolicyArn: old }));
    }
    for (const policyArn of managed) call("AttachRolePolicy", { RoleName: name, PolicyArn: policyArn });
  };
  return {
    create(args, ctx) {
      const name = nameOf(args, ctx);
      call("CreateRole", {
        RoleName: name,
        Path: text(args.path) ?? "/",
        AssumeRolePolicyDocument: required(args.assume_role_policy, "assume_role_policy", ctx),
        Description: text(args.description),
        MaxSessionDuration: typeof args.max_session_duration === "number" ? String(args.max_session_duration) : undefined,
        PermissionsBoundary: text(args.permissions_boundary),
        Tags: tagsOf(args.tags),
      });
      reconcile(name, args);
      return attributes(name, args);
    },
    update(args, prior, ctx) {
      const name = String(prior.attributes.name);
      const trust = required(args.assume_role_policy, "assume_role_policy", ctx);
      if (trust !== text(prior.args.assume_role_policy)) call("UpdateAssumeRolePolicy", { RoleName: name, PolicyDocument: trust });
      call("UpdateRole", {
        RoleName: name,
        Description: text(args.description) ?? "",
        MaxSessionDuration: String(typeof args.max_session_duration === "number" ? args.max_session_duration : 3600),
      });
      const tags = tagsOf(args.tags);
      const removed = tagsOf(prior.args.tags).filter((t) => !tags.some((n) => n.Key === t.Key));
      if (removed.length > 0) call("UntagRole", { RoleName: name, TagKeys: removed.map((t) => t.Key) });
      if (tags.length > 0) call("TagRole", { RoleName: name, Tags: tags });
      reconcile(name, args, prior);
      return attributes(name, args);
    },
    // As the provider deletes a role: out of instance profiles, then its own inline and managed policies, then the role.
    delete(prior) {
      const name = String(prior.attributes.name ?? prior.args.name);
      const force = prior.args.force_detach_policies === true;
      gone(() => {
        call("ListInstanceProfilesForRole", { RoleName: name });
        if (force || strings(prior.args.managed_policy_arns).length > 0) {
          for (const p of registry.listAttachedRolePolicies(name)) call("DetachRolePolicy", { RoleName: name, PolicyArn: p.arn });
        }
        if (force || blocks(prior.args.inline_policy).length > 0) {
          for (const p of registry.listRolePolicies(name)) call("DeleteRolePolicy", { RoleName: name, PolicyName: p });
        }
        call("DeleteRole", { RoleName: name });
      });
    },
    replaceOn: ["name", "name_prefix", "path", "permissions_boundary"],
  };
}

function rolePolicyProvider(call: Call): ResourceProvider {
  const apply = (args: ValueObject, ctx: ResourceContext, prior?: PriorResource): ValueObject => {
    const role = required(args.role, "role", ctx);
    const name = nameOf(args, ctx, prior);
    call("PutRolePolicy", { RoleName: role, PolicyName: name, PolicyDocument: required(args.policy, "policy", ctx) });
    return { id: `${role}:${name}`, name };
  };
  return {
    create: (args, ctx) => apply(args, ctx),
    update: (args, prior, ctx) => apply(args, ctx, prior),
    delete: (prior) => gone(() => call("DeleteRolePolicy", { RoleName: String(prior.args.role), PolicyName: String(prior.attributes.name ?? prior.args.name) })),
    replaceOn: ["role", "name", "name_prefix"],
  };
}

function policyProvider(registry: PrincipalRegistry, call: Call): ResourceProvider {
  const attributes = (arn: string): ValueObject => {
    const p = registry.getPolicy(arn);
    return { id: p.arn, arn: p.arn, name: p.name, path: p.path, policy_id: p.id, description: p.description ?? "", attachment_count: p.attachmentCount };
  };
  return {
    create(args, ctx) {
      const out = call("CreatePolicy", {
        PolicyName: nameOf(args, ctx),
        Path: text(args.path) ?? "/",
        PolicyDocument: required(args.policy, "policy", ctx),
        Description: text(args.description),
        Tags: tagsOf(args.tags),
      }) as { Policy: { Arn: string } };
      return attributes(out.Policy.Arn);
    },
    // As the provider updates a policy: a new default version, the oldest other version deleted when five exist.
    update(args, prior, ctx) {
      const arn = String(prior.attributes.arn);
      const document = required(args.policy, "policy", ctx);
      if (document !== text(prior.args.policy)) {
        const versions = registry.listPolicyVersions(arn);
        if (versions.length >= 5) {
          const oldest = versions.filter((v) => !v.isDefault).sort((a, b) => a.createDate.getTime() - b.createDate.getTime())[0]!;
          call("DeletePolicyVersion", { PolicyArn: arn, VersionId: oldest.id });
        }
        call("CreatePolicyVersion", { PolicyArn: arn, PolicyDocument: document, SetAsDefault: "true" });
      }
      const tags = tagsOf(args.tags);
      const removed = tagsOf(prior.args.tags).filter((t) => !tags.some((n) => n.Key === t.Key));
      if (removed.length > 0) call("UntagPolicy", { PolicyArn: arn, TagKeys: removed.map((t) => t.Key) });
      if (tags.length > 0) call("TagPolicy", { PolicyArn: arn, Tags: tags });
      return attributes(arn);
    },
    delete(prior) {
      const arn = String(prior.attributes.arn);
      gone(() => {
        for (const v of registry.listPolicyVersions(arn)) if (!v.isDefault) call("DeletePolicyVersion", { PolicyArn: arn, VersionId: v.id });
        call("DeletePolicy", { PolicyArn: arn });
      });
    },
    replaceOn: ["name", "name_prefix", "path", "description"],
  };
}

function attachmentProvider(call: Call): ResourceProvider {
  return {
    create(args, ctx) {
      const role = required(args.role, "role", ctx);
      const policyArn = required(args.policy_arn, "policy_arn", ctx);
      call("AttachRolePolicy", { RoleName: role, PolicyArn: policyArn });
      return { id: `${role}-${createHash("sha256").update(policyArn).digest("hex").slice(0, 26)}` };
    },
    delete: (prior) => gone(() => call("DetachRolePolicy", { RoleName: String(prior.args.role), PolicyArn: String(prior.args.policy_arn) })),
    replaceOn: ["role", "policy_arn"],
  };
}

function multiAttachmentProvider(call: Call): ResourceProvider {
  return {
    create(args, ctx) {
      const policyArn = required(args.policy_arn, "policy_arn", ctx);
      for (const role of strings(args.roles)) call("AttachRolePolicy", { RoleName: role, PolicyArn: policyArn });
      return { id: required(args.name, "name", ctx) };
    },
    delete(prior) {
      for (const role of strings(prior.args.roles)) gone(() => call("DetachRolePolicy", { RoleName: role, PolicyArn: String(prior.args.policy_arn) }));
    },
    replaceOn: ["name", "roles", "policy_arn", "users", "groups"],
  };
}

/** `name`, else `name_prefix` plus a suffix as the provider generates, else `terraform-...`; stable across updates. */
function nameOf(args: ValueObject, ctx: ResourceContext, prior?: PriorResource): string {
  const given = text(args.name);
  if (given) return given;
  const kept = text(prior?.attributes.name);
  if (kept) return kept;
  const suffix = createHash("sha256").update(`${ctx.accountId}/${ctx.address}`).digest("hex").slice(0, 26);
  return `${text(args.name_prefix) ?? "terraform-"}${suffix}`;
}

function required(v: Value | undefined, arg: string, ctx: ResourceContext): string {
  const s = text(v);
  if (!s) throw new Error(`${ctx.address}: the argument "${arg}" is required`);
  return s;
}

function text(v: Value | undefined): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function strings(v: Value | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function blocks(v: Value | undefined): ValueObject[] {
  return Array.isArray(v) ? v.filter((x): x is ValueObject => typeof x === "object" && x !== null && !Array.isArray(x)) : [];
}
