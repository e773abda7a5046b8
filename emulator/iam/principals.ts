import { AwsError } from "../core/aws-error.js";
import { evaluate, type NamedPolicy } from "./evaluate.js";
import { awsStyleId, issueSessionCredentials, type SessionCredentials } from "./function-credentials.js";
import { IamModel, type IamSnapshot } from "./model.js";

/**
 * Who a request's credentials belong to, and which identity policies apply:
 * the IAM model (model.ts) plus the functions' execution roles and the
 * sessions issued to their execution environments. Policies are looked up
 * when a call is checked, so a changed role takes effect on the next call.
 * Keys it never issued are the account root, or refused in strict mode
 * (see UnknownKeys).
 */

export interface Principal {
  kind: "root" | "assumed-role";
  /** what AWS puts in "User: <arn> is not authorized": the session ARN for a function */
  arn: string;
  accountId: string;
  /** aws:userid: "AROA...:<function>" for a function session, the account id for root */
  userId: string;
  roleName?: string;
  /** the role's own ARN (aws:PrincipalArn), path included */
  roleArn?: string;
  sessionName?: string;
}

/** JSON-serialisable state, for the cloud's state directory. */
export type RegistrySnapshot = IamSnapshot;

/**
 * What the cloud does with access keys it never issued: treat them as the
 * account root (LocalStack's convention; any dummy key works), or refuse them
 * (`--iam strict`) so only the root keys and issued credentials get in.
 */
export type UnknownKeys = "root" | "refuse";

/** The account root's keys in strict mode: LocalStack's well-known `test` / `test`. */
export const ROOT_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" } as const;

/** Where an access key stands with this cloud. */
export type KeyStanding =
  /** credentials the cloud issued to an execution environment, still live */
  | { kind: "issued"; secretAccessKey: string; sessionToken: string }
  /** issued once; the environment ended */
  | { kind: "revoked" }
  /** the root key of strict mode, with the secret its signature must use */
  | { kind: "root-key"; secretAccessKey: string }
  /** anything else (root by default, refused in strict mode) */
  | { kind: "unknown" };

export interface PrincipalRegistryOptions {
  accountId?: string;
  /** false turns enforcement off: every call is allowed (the cloud's --no-iam flag) */
  enforce?: boolean;
  unknownKeys?: UnknownKeys;
}

interface Session {
  functionName: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** Revoked keys remembered so a late call gets ExpiredToken rather than passing as an unknown (root) key. */
const MAX_REVOKED = 10_000;

export class PrincipalRegistry extends IamModel {
  enforce: boolean;
  unknownKeys: UnknownKeys;
  /** function name -> its execution role's ARN */
  private readonly functions = new Map<string, string>();
  /** access key id -> the live session of one execution environment */
  private readonly sessions = new Map<string, Session>();
  private readonly revoked = new Set<string>();
  /** principal and policies per access key, dropped on any change to roles, policies or functions */
  private readonly resolved = new Map<string, { principal: Principal; policies: NamedPolicy[] }>();

  constructor(options: PrincipalRegistryOptions = {}) {
    super(options.accountId ?? "000000000000");
    this.enforce = options.enforce ?? true;
    this.unknownKeys = options.unknownKeys ?? "root";
  }

  protected override changed(): void {
    this.resolved.clear();
  }

  /**
   * Create a role, or replace the trust policy of one that exists: a
   * shorthand for in-process callers and tests (the API and the stack
   * loader call createRole / updateAssumeRolePolicy). Returns the role's ARN.
   */
  putRole(name: string, options: { path?: string; assumeRolePolicy?: string | object } = {}): string {
    const existing = this.findRole(name);
    if (!existing) return this.createRole({ name, path: options.path, assumeRolePolicy: options.assumeRolePolicy }).arn;
    if (options.assumeRolePolicy !== undefined) this.updateAssumeRolePolicy(name, options.assumeRolePolicy);
    return existing.arn;
  }

  /** Create a customer managed policy, or make `document` the new default version of one that exists. Returns its ARN. */
  putPolicy(name: string, document: string | object, options: { path?: string } = {}): string {
    const arn = `arn:aws:iam::${this.accountId}:policy${options.path ?? "/"}${name}`;
    if (!this.customerPolicies.has(arn)) return this.createPolicy({ name, path: options.path, document }).arn;
    const old = this.listPolicyVersions(arn).filter((v) => !v.isDefault);
    for (const v of old) this.deletePolicyVersion(arn, v.id);
    const fresh = this.createPolicyVersion(arn, document, true);
    for (const v of this.listPolicyVersions(arn)) if (v.id !== fresh.id) this.deletePolicyVersion(arn, v.id);
    return arn;
  }

  /** Does the role's trust policy let this service (e.g. "lambda.amazonaws.com") assume it? Unknown when the role has none. */
  roleTrustsService(roleName: string, service: string): boolean | undefined {
    const role = this.findRole(roleName);
    if (!role?.trust) return undefined;
    return evaluate(
      { action: "sts:AssumeRole", resource: role.arn, principalService: service },
      { identityPolicies: [], resourcePolicy: { name: `trust policy of ${role.arn}`, document: role.trust.doc } },
    ).allowed;
  }

  /**
   * A Lambda function and its execution role (the function's `role`
   * attribute, a role ARN), on create, on a role change and on restore.
   * Credentials come from issueSession, one set per execution environment.
   */
  registerFunction(functionName: string, roleArn: string): void {
    this.resolved.clear();
    const roleName = roleNameFromArn(roleArn);
    // Lambda refuses a role it cannot assume when the function is created; so do we.
    if (this.roleTrustsService(roleName, "lambda.amazonaws.com") === false) {
      throw new AwsError(
        "InvalidParameterValueException",
        `The role defined for the function cannot be assumed by Lambda. The trust policy (assume_role_policy) of ${roleArn} must allow sts:AssumeRole to the service principal lambda.amazonaws.com.`,
      );
    }
    this.functions.set(functionName, roleArn);
  }

  /** The function is gone: every session it still has is revoked. */
  unregisterFunction(functionName: string): void {
    this.resolved.clear();
    this.functions.delete(functionName);
    for (const [key, s] of this.sessions) if (s.functionName === functionName) this.endSession(key);
  }

  /**
   * Fresh random credentials for one execution environment of a function,
   * as Lambda hands each environment a role session. Nothing about them can
   * be derived from the function; they stop working at endSession.
   */
  issueSession(functionName: string): SessionCredentials {
    const creds = issueSessionCredentials();
    this.sessions.set(creds.accessKeyId, { functionName, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken });
    return creds;
  }

  /** The environment ended: its key is refused from now on (ExpiredToken). */
  endSession(accessKeyId: string): void {
    if (!this.sessions.delete(accessKeyId)) return;
    this.resolved.delete(accessKeyId);
    if (this.revoked.size >= MAX_REVOKED) this.revoked.delete(this.revoked.values().next().value!);
    this.revoked.add(accessKeyId);
  }

  /** How many sessions are live (diagnostics, tests). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** What the cloud knows of an access key: issued, revoked, the strict-mode root key, or nothing. */
  standing(accessKeyId: string | undefined): KeyStanding {
    if (accessKeyId === undefined) return { kind: "unknown" };
    const s = this.sessions.get(accessKeyId);
    if (s) return this.functions.has(s.functionName) ? { kind: "issued", secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken } : { kind: "revoked" };
    if (this.revoked.has(accessKeyId)) return { kind: "revoked" };
    // Only strict mode holds the root key to its secret; by default any key, `test` included, is the root unchecked.
    if (this.unknownKeys === "refuse" && accessKeyId === ROOT_CREDENTIALS.accessKeyId) return { kind: "root-key", secretAccessKey: ROOT_CREDENTIALS.secretAccessKey };
    return { kind: "unknown" };
  }

  /** A registered function's principal and policies, or undefined if no such function is registered. */
  resolveFunction(functionName: string): { principal: Principal; policies: NamedPolicy[] } | undefined {
    const roleArn = this.functions.get(functionName);
    if (!roleArn) return undefined;
    const principal = this.functionPrincipal(functionName, roleArn);
    return { principal, policies: this.identityPoliciesOf(principal) };
  }

  /** The principal behind an access key id; unknown or missing keys are the account root. */
  principalFor(accessKeyId: string | undefined): Principal {
    return this.resolve(accessKeyId).principal;
  }

  /** The principal and its identity policies in one lookup, cached until the next change. */
  resolve(accessKeyId: string | undefined): { principal: Principal; policies: NamedPolicy[] } {
    const key = accessKeyId ?? "";
    let hit = this.resolved.get(key);
    if (!hit) {
      const principal = this.lookupPrincipal(accessKeyId);
      hit = { principal, policies: this.identityPoliciesOf(principal) };
      // Unknown keys are all root; caching each would let arbitrary keys grow the map.
      if (principal.kind !== "root") this.resolved.set(key, hit);
    }
    return hit;
  }

  private lookupPrincipal(accessKeyId: string | undefined): Principal {
    const session = accessKeyId ? this.sessions.get(accessKeyId) : undefined;
    const roleArn = session ? this.functions.get(session.functionName) : undefined;
    if (!session || !roleArn) return { kind: "root", arn: `arn:aws:iam::${this.accountId}:root`, accountId: this.accountId, userId: this.accountId };
    return this.functionPrincipal(session.functionName, roleArn);
  }

  private functionPrincipal(functionName: string, functionRoleArn: string): Principal {
    const roleName = roleNameFromArn(functionRoleArn);
    const role = this.findRole(roleName);
    const roleArn = role?.arn ?? functionRoleArn;
    const roleId = role?.id ?? awsStyleId("AROA", 17, this.accountId, roleName);
    return {
      kind: "assumed-role",
      arn: `arn:aws:sts::${this.accountId}:assumed-role/${roleName}/${functionName}`,
      accountId: this.accountId,
      userId: `${roleId}:${functionName}`,
      roleName,
      roleArn,
      sessionName: functionName,
    };
  }

  /** The identity policies of a principal's role: inline first, then attached, in the order they were added. */
  identityPoliciesOf(principal: Principal): NamedPolicy[] {
    if (!principal.roleName) return [];
    const role = this.roles.get(principal.roleName);
    if (!role) return [];
    const out: NamedPolicy[] = [];
    for (const [name, kept] of role.inline) out.push({ name: `${role.arn} (inline policy ${name})`, document: kept.doc });
    for (const arn of role.attached) {
      const document = this.policyDocument(arn);
      if (document) out.push({ name: arn, document });
    }
    return out;
  }

}

/** `arn:aws:iam::123456789012:role/service-role/get-movie-role` -> `get-movie-role` */
export function roleNameFromArn(roleArn: string): string {
  const m = /^arn:[^:]+:iam::\d{12}:role\/(?:[^/]+\/)*([^/]+)$/.exec(roleArn);
  if (!m) throw new AwsError("ValidationException", `"${roleArn}" is not a role ARN; expected arn:aws:iam::<account>:role/<name>`);
  return m[1]!;
}
