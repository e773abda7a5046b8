import { accessDeniedError } from "./access-denied.js";
import { evaluate, type Decision, type NamedPolicy } from "./evaluate.js";
import { parsePolicy } from "./policy.js";
import type { Principal, PrincipalRegistry } from "./principals.js";
import { requiredPermissions, type RequiredPermission, type ServiceCall } from "./required-permissions.js";

/**
 * The one entry services call before doing an operation: who is calling, what
 * the call needs, and whether the caller's policies allow it.
 */

export interface CallToCheck extends ServiceCall {
  /** from the request's SigV4 signature; missing or unknown keys are the account root */
  accessKeyId?: string;
  /**
   * The resource policy of a resource the call acts on (queue Policy
   * attribute, topic Policy, function policy), as JSON text or object.
   * Services store only policies that parsed (see parsePolicy).
   */
  resourcePolicyOf?: (resourceArn: string) => string | object | undefined;
  /** extra condition keys the service knows, e.g. aws:SourceIp */
  context?: Record<string, string | string[]>;
}

export interface CallAuthorization {
  allowed: boolean;
  principal: Principal;
  /** every permission the call needed, with its decision, in order; stops at the first denial */
  checked: { permission: RequiredPermission; decision: Decision }[];
}

/** Decide without throwing: for diagnostics and logs. */
export function authorizeCall(call: CallToCheck, registry: PrincipalRegistry): CallAuthorization {
  const { principal, policies: identityPolicies } = registry.resolve(call.accessKeyId);
  const checked: CallAuthorization["checked"] = [];
  // The account root may do anything; that is every caller that is not a function.
  if (!registry.enforce || principal.kind === "root") return { allowed: true, principal, checked };

  for (const permission of requiredPermissions(call)) {
    const decision = evaluate(
      {
        action: permission.action,
        resource: permission.resource,
        principalArn: principal.arn,
        context: { ...principalContext(principal, call.region), ...call.context, ...permission.context },
      },
      { identityPolicies, resourcePolicy: resourcePolicy(call, permission.resource) },
    );
    checked.push({ permission, decision });
    if (!decision.allowed) return { allowed: false, principal, checked };
  }
  return { allowed: true, principal, checked };
}

/**
 * Throws the service's own access-denied AwsError when the caller may not
 * make this call; returns quietly when it may.
 */
export function checkCall(call: CallToCheck, registry: PrincipalRegistry): void {
  const result = authorizeCall(call, registry);
  if (result.allowed) return;
  const { permission, decision } = result.checked.at(-1)!;
  throw accessDeniedError({
    service: call.service,
    principalArn: result.principal.arn,
    action: permission.action,
    resource: permission.resource,
    reason: decision.reason,
  });
}

/** Global condition keys AWS sets for a role session. */
function principalContext(p: Principal, region: string): Record<string, string> {
  const ctx: Record<string, string> = {
    "aws:PrincipalAccount": p.accountId,
    "aws:userid": p.userId,
    "aws:PrincipalType": p.kind === "root" ? "Account" : "AssumedRole",
    "aws:RequestedRegion": region,
    // The same code talks TLS to AWS; judging it as plain HTTP would trip aws:SecureTransport guards that pass there.
    "aws:SecureTransport": "true",
  };
  if (p.roleArn) ctx["aws:PrincipalArn"] = p.roleArn;
  return ctx;
}

const parsedResourcePolicies = new Map<string, NamedPolicy>();

function resourcePolicy(call: CallToCheck, resourceArn: string): NamedPolicy | undefined {
  const raw = call.resourcePolicyOf?.(resourceArn);
  if (raw === undefined) return undefined;
  const text = typeof raw === "string" ? raw : JSON.stringify(raw);
  const key = `${resourceArn}\0${text}`;
  let policy = parsedResourcePolicies.get(key);
  if (!policy) {
    policy = { name: `resource policy of ${resourceArn}`, document: parsePolicy(text, "resource") };
    if (parsedResourcePolicies.size > 1000) parsedResourcePolicies.clear();
    parsedResourcePolicies.set(key, policy);
  }
  return policy;
}
