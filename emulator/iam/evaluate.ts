import { conditionMiss } from "./conditions.js";
import type { PolicyDocument, PrincipalSpec, Statement } from "./policy.js";
import { normaliseContext, substituteVariables, type RequestContext } from "./policy-variables.js";
import { actionMatches, arnMatches, splitArn } from "./wildcard.js";

/**
 * AWS's policy evaluation logic for one request, for the policy types the
 * embedded cloud has: identity policies and one resource policy (no SCPs,
 * permission boundaries or session policies, which a Lambda role does not use).
 *
 * 1. An explicit Deny in any applicable statement wins.
 * 2. Within one account, an Allow in an identity policy or a resource policy
 *    that names the caller (or its role) is enough.
 * 3. Across accounts, both sides must allow.
 * 4. Anything else is an implicit deny.
 */

export interface EvaluationRequest {
  /** e.g. "dynamodb:GetItem" */
  action: string;
  /** e.g. "arn:aws:dynamodb:us-east-1:000000000000:table/Movies", or "*" for actions without resources */
  resource: string;
  /** the caller: an assumed-role session, a role, a user or an account root */
  principalArn?: string;
  /** a service acting on its own (e.g. "sns.amazonaws.com" delivering to a queue); only resource policies apply */
  principalService?: string;
  /** condition keys (case-insensitive): aws:SourceArn, aws:PrincipalArn, ses:FromAddress, ... */
  context?: Record<string, string | string[] | undefined>;
}

export interface NamedPolicy {
  /** how diagnostics name it: a policy ARN, or "role/<role>/inline/<name>" */
  name: string;
  document: PolicyDocument;
}

export interface PolicySet {
  identityPolicies: readonly NamedPolicy[];
  resourcePolicy?: NamedPolicy;
  /** account that owns the resource; defaults to the account in the resource ARN */
  resourceAccount?: string;
}

export interface MatchedStatement {
  policy: string;
  source: "identity" | "resource";
  effect: "Allow" | "Deny";
  index: number;
  sid?: string;
}

export interface Decision {
  decision: "Allow" | "ExplicitDeny" | "ImplicitDeny";
  allowed: boolean;
  /** the statement that decided: the Deny that matched, or the Allow that granted */
  matched?: MatchedStatement;
  /** AWS's wording of why a denial happened, e.g. "because no identity-based policy allows the sqs:SendMessage action" */
  reason: string;
}

type PrincipalMatch = "none" | "account" | "direct";

interface Caller {
  arn?: string;
  /** the role behind an assumed-role session: resource policies may name the role instead of the session */
  roleArn?: string;
  account?: string;
  service?: string;
}

export function evaluate(request: EvaluationRequest, policies: PolicySet): Decision {
  const ctx = withDefaults(normaliseContext(request.context ?? {}));
  const caller = describeCaller(request, ctx);
  const resourceAccount = policies.resourceAccount ?? accountOf(request.resource) ?? caller.account;

  let identityAllow: MatchedStatement | undefined;
  let resourceAllow: { m: MatchedStatement; via: PrincipalMatch } | undefined;

  if (!caller.service) {
    for (const p of policies.identityPolicies) {
      for (const st of p.document.statements) {
        if (!applies(st, request, ctx, p.document.version)) continue;
        const m = matched(p.name, "identity", st);
        if (st.effect === "Deny") return deny(m, "with an explicit deny in an identity-based policy");
        identityAllow ??= m;
      }
    }
  }

  const rp = policies.resourcePolicy;
  if (rp) {
    for (const st of rp.document.statements) {
      const via = principalMatch(st, caller);
      if (via === "none" || !applies(st, request, ctx, rp.document.version)) continue;
      const m = matched(rp.name, "resource", st);
      if (st.effect === "Deny") return deny(m, "with an explicit deny in a resource-based policy");
      if (!resourceAllow || (resourceAllow.via === "account" && via === "direct")) resourceAllow = { m, via };
    }
  }

  const noIdentity = `because no identity-based policy allows the ${request.action} action`;
  const noResource = `because no resource-based policy allows the ${request.action} action`;

  if (caller.service) {
    return resourceAllow ? allow(resourceAllow.m) : implicit(noResource);
  }
  const sameAccount = resourceAccount === undefined || caller.account === undefined || resourceAccount === caller.account;
  if (sameAccount) {
    if (identityAllow) return allow(identityAllow);
    // Naming the account only delegates to the account's own identity policies.
    if (resourceAllow?.via === "direct") return allow(resourceAllow.m);
    return implicit(noIdentity);
  }
  if (!identityAllow) return implicit(noIdentity);
  if (!resourceAllow) return implicit(noResource);
  return allow(identityAllow);
}

function applies(st: Statement, req: EvaluationRequest, ctx: RequestContext, version: string): boolean {
  if (st.action && !st.action.some((a) => actionMatches(a, req.action))) return false;
  if (st.notAction && st.notAction.some((a) => actionMatches(a, req.action))) return false;
  if (st.resource && !st.resource.some((r) => resourceMatches(r, req.resource, ctx, version))) return false;
  if (st.notResource && st.notResource.some((r) => resourceMatches(r, req.resource, ctx, version))) return false;
  if (st.condition && conditionMiss(st.condition, ctx, version)) return false;
  return true;
}

function resourceMatches(pattern: string, resource: string, ctx: RequestContext, version: string): boolean {
  const p = substituteVariables(pattern, ctx, version);
  return p !== undefined && arnMatches(p, resource);
}

function principalMatch(st: Statement, caller: Caller): PrincipalMatch {
  if (st.principal) return specMatch(st.principal, caller);
  if (st.notPrincipal) return specMatch(st.notPrincipal, caller) === "none" ? "direct" : "none";
  return "none";
}

function specMatch(spec: PrincipalSpec, caller: Caller): PrincipalMatch {
  if (spec === "*") return "direct";
  let best: PrincipalMatch = "none";
  for (const id of spec.AWS ?? []) {
    // {"AWS": "*"} means everyone, as "*" does, services included.
    if (id === "*") return "direct";
    if (caller.service) continue;
    if (id === caller.arn || (caller.roleArn !== undefined && id === caller.roleArn)) return "direct";
    if (caller.account && (id === caller.account || id === `arn:aws:iam::${caller.account}:root`)) {
      // The root user itself is named directly; everyone else in the account by delegation.
      best = caller.arn === `arn:aws:iam::${caller.account}:root` ? "direct" : "account";
    }
  }
  if (caller.service && (spec.Service ?? []).some((s) => s.toLowerCase() === caller.service!.toLowerCase())) return "direct";
  return best;
}

function describeCaller(req: EvaluationRequest, ctx: RequestContext): Caller {
  if (req.principalService) return { service: req.principalService };
  const arn = req.principalArn;
  const explicitRole = ctx.get("aws:principalarn")?.[0];
  const parts = arn ? splitArn(arn) : undefined;
  const account = ctx.get("aws:principalaccount")?.[0] ?? parts?.[4];
  let roleArn = explicitRole !== arn ? explicitRole : undefined;
  if (!roleArn && parts && parts[2] === "sts" && parts[5]!.startsWith("assumed-role/")) {
    roleArn = `arn:${parts[1]}:iam::${parts[4]}:role/${parts[5]!.split("/")[1]}`;
  }
  return { arn, roleArn, account: account || undefined };
}

let clock = { ms: -1, iso: "", epoch: "" };

/** aws:CurrentTime and aws:EpochTime are in every request; formatting the date once per millisecond keeps checks cheap. */
function withDefaults(ctx: Map<string, string[]>): RequestContext {
  if (ctx.has("aws:currenttime") && ctx.has("aws:epochtime")) return ctx;
  const ms = Date.now();
  if (ms !== clock.ms) clock = { ms, iso: new Date(ms).toISOString(), epoch: String(Math.floor(ms / 1000)) };
  if (!ctx.has("aws:currenttime")) ctx.set("aws:currenttime", [clock.iso]);
  if (!ctx.has("aws:epochtime")) ctx.set("aws:epochtime", [clock.epoch]);
  return ctx;
}

function accountOf(resource: string): string | undefined {
  const account = splitArn(resource)?.[4];
  return account ? account : undefined;
}

function matched(policy: string, source: MatchedStatement["source"], st: Statement): MatchedStatement {
  return { policy, source, effect: st.effect, index: st.index, sid: st.sid };
}

function allow(m: MatchedStatement): Decision {
  return { decision: "Allow", allowed: true, matched: m, reason: `allowed by ${describeStatement(m)}` };
}

function deny(m: MatchedStatement, reason: string): Decision {
  return { decision: "ExplicitDeny", allowed: false, matched: m, reason };
}

function implicit(reason: string): Decision {
  return { decision: "ImplicitDeny", allowed: false, reason };
}

/** "statement 0 (Sid ReadMovies) of arn:aws:iam::000000000000:policy/movies-read" */
export function describeStatement(m: MatchedStatement): string {
  return `statement ${m.index}${m.sid ? ` (Sid ${m.sid})` : ""} of ${m.policy}`;
}
