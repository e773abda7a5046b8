import { createHash } from "node:crypto";
import type { PriorResource, ResourceContext, ResourceProvider, ResourceProviders } from "../stack/engine.js";
import type { Value, ValueObject } from "../stack/value.js";
import { awsStyleId } from "./function-credentials.js";
import type { PrincipalRegistry } from "./principals.js";

/**
 * The IAM resource types of a stack, applied to a PrincipalRegistry:
 * aws_iam_role (with inline_policy blocks and managed_policy_arns),
 * aws_iam_role_policy, aws_iam_policy, aws_iam_role_policy_attachment and
 * aws_iam_policy_attachment. They compute the attributes the AWS provider
 * returns (arn, id, unique_id, policy_id...). Lambda functions are registered
 * by the Lambda provider with `registry.registerFunction(name, role)`.
 */
export function iamResourceProviders(registry: PrincipalRegistry): ResourceProviders {
  return {
    aws_iam_role: roleProvider(registry),
    aws_iam_role_policy: rolePolicyProvider(registry),
    aws_iam_policy: policyProvider(registry),
    aws_iam_role_policy_attachment: attachmentProvider(registry),
    aws_iam_policy_attachment: multiAttachmentProvider(registry),
  };
}

function roleProvider(registry: PrincipalRegistry): ResourceProvider {
  const apply = (args: ValueObject, ctx: ResourceContext, prior?: PriorResource): ValueObject => {
    const name = nameOf(args, ctx, prior);
    const path = text(args.path) ?? "/";
    const arn = registry.putRole(name, { path, assumeRolePolicy: text(args.assume_role_policy) });

    // inline_policy and managed_policy_arns are exclusive when given: what the block no longer lists goes.
    const inline = blocks(args.inline_policy).filter((b) => text(b.name));
    const priorInline = prior ? blocks(prior.args.inline_policy) : [];
    for (const old of priorInline) {
      if (!inline.some((b) => b.name === old.name)) registry.deleteRolePolicy(name, String(old.name));
    }
    for (const b of inline) registry.putRolePolicy(name, String(b.name), String(b.policy));
    const managed = strings(args.managed_policy_arns);
    for (const old of prior ? strings(prior.args.managed_policy_arns) : []) {
      if (!managed.includes(old)) registry.detachRolePolicy(name, old);
    }
    for (const policyArn of managed) registry.attachRolePolicy(name, policyArn);

    return {
      id: name,
      name,
      arn,
      path,
      unique_id: awsStyleId("AROA", 17, registry.accountId, name),
      create_date: text(prior?.attributes.create_date) ?? new Date().toISOString(),
      max_session_duration: typeof args.max_session_duration === "number" ? args.max_session_duration : 3600,
    };
  };
  return {
    create: (args, ctx) => apply(args, ctx),
    update: (args, prior, ctx) => apply(args, ctx, prior),
    delete: (prior) => registry.deleteRole(String(prior.attributes.name ?? prior.args.name)),
    replaceOn: ["name", "name_prefix", "path"],
  };
}

function rolePolicyProvider(registry: PrincipalRegistry): ResourceProvider {
  const apply = (args: ValueObject, ctx: ResourceContext, prior?: PriorResource): ValueObject => {
    const role = required(args.role, "role", ctx);
    const name = nameOf(args, ctx, prior);
    registry.putRolePolicy(role, name, required(args.policy, "policy", ctx));
    return { id: `${role}:${name}`, name };
  };
  return {
    create: (args, ctx) => apply(args, ctx),
    update: (args, prior, ctx) => apply(args, ctx, prior),
    delete: (prior) => registry.deleteRolePolicy(String(prior.args.role), String(prior.attributes.name ?? prior.args.name)),
    replaceOn: ["role", "name", "name_prefix"],
  };
}

function policyProvider(registry: PrincipalRegistry): ResourceProvider {
  const apply = (args: ValueObject, ctx: ResourceContext, prior?: PriorResource): ValueObject => {
    const name = nameOf(args, ctx, prior);
    const path = text(args.path) ?? "/";
    const arn = registry.putPolicy(name, required(args.policy, "policy", ctx), { path });
    return { id: arn, arn, name, path, policy_id: awsStyleId("ANPA", 17, arn) };
  };
  return {
    create: (args, ctx) => apply(args, ctx),
    update: (args, prior, ctx) => apply(args, ctx, prior),
    delete: (prior) => registry.deletePolicy(String(prior.attributes.arn)),
    replaceOn: ["name", "name_prefix", "path"],
  };
}

function attachmentProvider(registry: PrincipalRegistry): ResourceProvider {
  return {
    create(args, ctx) {
      const role = required(args.role, "role", ctx);
      const policyArn = required(args.policy_arn, "policy_arn", ctx);
      registry.attachRolePolicy(role, policyArn);
      return { id: `${role}-${createHash("sha256").update(policyArn).digest("hex").slice(0, 26)}` };
    },
    delete: (prior) => registry.detachRolePolicy(String(prior.args.role), String(prior.args.policy_arn)),
    replaceOn: ["role", "policy_arn"],
  };
}

function multiAttachmentProvider(registry: PrincipalRegistry): ResourceProvider {
  return {
    create(args, ctx) {
      const policyArn = required(args.policy_arn, "policy_arn", ctx);
      for (const role of strings(args.roles)) registry.attachRolePolicy(role, policyArn);
      return { id: required(args.name, "name", ctx) };
    },
    delete(prior) {
      for (const role of strings(prior.args.roles)) registry.detachRolePolicy(role, String(prior.args.policy_arn));
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
