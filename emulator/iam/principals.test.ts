import { describe, expect, it } from "vitest";
import { isAwsError } from "../core/aws-error.js";
import { evaluate } from "./evaluate.js";
import { issueSessionCredentials } from "./function-credentials.js";
import { managedPolicy, MANAGED_POLICY_ARNS } from "./managed-policies.js";
import { PrincipalRegistry, roleNameFromArn } from "./principals.js";

const ACCOUNT = "000000000000";
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Movies`;
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:movie-updates-queue`;
const BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const SQS_EXEC = "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole";

function allowed(registry: PrincipalRegistry, accessKeyId: string, action: string, resource: string): boolean {
  const principal = registry.principalFor(accessKeyId);
  return evaluate({ action, resource, principalArn: principal.arn }, { identityPolicies: registry.identityPoliciesOf(principal) }).allowed;
}

describe("managed policies", () => {
  it("carries the Lambda execution policies with AWS's documents", () => {
    expect(MANAGED_POLICY_ARNS).toEqual(
      expect.arrayContaining([
        BASIC,
        SQS_EXEC,
        "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole",
        "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
        "arn:aws:iam::aws:policy/AdministratorAccess",
      ]),
    );
    expect(managedPolicy(BASIC)!.statements[0]!.action).toEqual(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(managedPolicy(SQS_EXEC)!.statements[0]!.action).toEqual(
      expect.arrayContaining(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]),
    );
    expect(managedPolicy("arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")).toBe(managedPolicy(BASIC));
    expect(managedPolicy("arn:aws:iam::aws:policy/NotAPolicy")).toBeUndefined();
  });

  it("grant exactly what they say: the SQS execution role can receive but not send", () => {
    const r = new PrincipalRegistry();
    r.putRole("email-role");
    r.attachRolePolicy("email-role", SQS_EXEC);
    r.registerFunction("email-notification", `arn:aws:iam::${ACCOUNT}:role/email-role`);
    const { accessKeyId } = r.issueSession("email-notification");
    expect(allowed(r, accessKeyId, "sqs:ReceiveMessage", QUEUE)).toBe(true);
    expect(allowed(r, accessKeyId, "logs:PutLogEvents", `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/email-notification:*`)).toBe(true);
    expect(allowed(r, accessKeyId, "sqs:SendMessage", QUEUE)).toBe(false);
    expect(allowed(r, accessKeyId, "ses:SendEmail", "*")).toBe(false);
  });
});

describe("session credentials", () => {
  it("are random, shaped like STS keys, never the same twice", () => {
    const a = issueSessionCredentials();
    const b = issueSessionCredentials();
    expect(a.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(a.secretAccessKey).toHaveLength(40);
    expect(a.sessionToken.length).toBeGreaterThan(40);
    expect(b.accessKeyId).not.toBe(a.accessKeyId);
    expect(b.secretAccessKey).not.toBe(a.secretAccessKey);
  });

  it("stop working when the session ends or the function goes: revoked, not root", () => {
    const r = new PrincipalRegistry({ accountId: ACCOUNT });
    r.putRole("role");
    r.registerFunction("f", `arn:aws:iam::${ACCOUNT}:role/role`);
    const one = r.issueSession("f");
    const two = r.issueSession("f");
    expect(r.standing(one.accessKeyId)).toMatchObject({ kind: "issued", secretAccessKey: one.secretAccessKey });
    r.endSession(one.accessKeyId);
    expect(r.standing(one.accessKeyId)).toEqual({ kind: "revoked" });
    expect(r.principalFor(two.accessKeyId).kind).toBe("assumed-role");
    r.unregisterFunction("f");
    expect(r.standing(two.accessKeyId)).toEqual({ kind: "revoked" });
    expect(r.standing("AKIAIOSFODNN7EXAMPLE")).toEqual({ kind: "unknown" });
  });
});

describe("PrincipalRegistry", () => {
  function movies(): PrincipalRegistry {
    const r = new PrincipalRegistry({ accountId: ACCOUNT });
    r.putRole("get-movie-role", { path: "/service-role/" });
    r.putRolePolicy("get-movie-role", "read-movies", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: TABLE }] });
    r.attachRolePolicy("get-movie-role", BASIC);
    return r;
  }

  it("maps a function's key to its assumed-role session, and unknown keys to the account root", () => {
    const r = movies();
    r.registerFunction("get-movie", `arn:aws:iam::${ACCOUNT}:role/service-role/get-movie-role`);
    const creds = r.issueSession("get-movie");
    const p = r.principalFor(creds.accessKeyId);
    expect(p).toMatchObject({
      kind: "assumed-role",
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/get-movie-role/get-movie`,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/service-role/get-movie-role`,
      roleName: "get-movie-role",
      sessionName: "get-movie",
      accountId: ACCOUNT,
    });
    expect(p.userId).toMatch(/^AROA[A-Z2-7]{17}:get-movie$/);
    expect(r.principalFor("AKIAIOSFODNN7EXAMPLE")).toEqual({ kind: "root", arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, userId: ACCOUNT });
    expect(r.principalFor(undefined).kind).toBe("root");
  });

  it("collects inline and attached policies, and sees changes on the next lookup", () => {
    const r = movies();
    r.registerFunction("get-movie", `arn:aws:iam::${ACCOUNT}:role/get-movie-role`);
    const { accessKeyId } = r.issueSession("get-movie");
    expect(r.identityPoliciesOf(r.principalFor(accessKeyId)).map((p) => p.name)).toEqual([
      `arn:aws:iam::${ACCOUNT}:role/service-role/get-movie-role (inline policy read-movies)`,
      BASIC,
    ]);
    expect(allowed(r, accessKeyId, "dynamodb:GetItem", TABLE)).toBe(true);
    expect(allowed(r, accessKeyId, "dynamodb:PutItem", TABLE)).toBe(false);

    const writeArn = r.putPolicy("movies-write", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: TABLE }] });
    expect(writeArn).toBe(`arn:aws:iam::${ACCOUNT}:policy/movies-write`);
    r.attachRolePolicy("get-movie-role", writeArn);
    expect(allowed(r, accessKeyId, "dynamodb:PutItem", TABLE)).toBe(true);

    r.detachRolePolicy("get-movie-role", writeArn);
    r.deleteRolePolicy("get-movie-role", "read-movies");
    expect(allowed(r, accessKeyId, "dynamodb:PutItem", TABLE)).toBe(false);
    expect(allowed(r, accessKeyId, "dynamodb:GetItem", TABLE)).toBe(false);
  });

  it("a function whose role is gone can do nothing; an unregistered function is no longer recognised", () => {
    const r = movies();
    r.registerFunction("get-movie", `arn:aws:iam::${ACCOUNT}:role/get-movie-role`);
    const { accessKeyId } = r.issueSession("get-movie");
    expect(() => r.deleteRole("get-movie-role")).toThrow("Cannot delete entity, must delete policies first.");
    r.deleteRolePolicy("get-movie-role", "read-movies");
    r.detachRolePolicy("get-movie-role", BASIC);
    r.deleteRole("get-movie-role");
    expect(allowed(r, accessKeyId, "dynamodb:GetItem", TABLE)).toBe(false);
    r.unregisterFunction("get-movie");
    expect(r.principalFor(accessKeyId).kind).toBe("root");
  });

  it("refuses unknown policies and roles with errors that say what to do", () => {
    const r = movies();
    const err = (() => {
      try {
        r.attachRolePolicy("get-movie-role", "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess");
      } catch (e) {
        return e;
      }
    })();
    expect(isAwsError(err) && err.code).toBe("NoSuchEntity");
    expect((err as Error).message).toContain("does not exist or is not attachable. The embedded cloud carries these AWS managed policies:");
    expect(() => r.attachRolePolicy("get-movie-role", `arn:aws:iam::${ACCOUNT}:policy/missing`)).toThrow(`Policy arn:aws:iam::${ACCOUNT}:policy/missing does not exist or is not attachable.`);
    expect(() => r.putRolePolicy("nope", "p", { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] })).toThrow("The role with name nope cannot be found");
    expect(() => r.putRolePolicy("get-movie-role", "bad", { Statement: [{ Effect: "Allow", Action: "GetItem", Resource: "*" }] })).toThrow(
      'Statement[0].Action: "GetItem" is not an action',
    );
    expect(() => r.registerFunction("f", "get-movie-role")).toThrow("is not a role ARN");
    expect(roleNameFromArn(`arn:aws:iam::${ACCOUNT}:role/a/b/name`)).toBe("name");
  });

  it("checks the trust policy: a role Lambda cannot assume is refused when the function is registered", () => {
    const r = new PrincipalRegistry();
    const trust = (service: string) => ({
      Version: "2012-10-17",
      Statement: [{ Sid: "", Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
    });
    r.putRole("ok-role", { assumeRolePolicy: JSON.stringify(trust("lambda.amazonaws.com")) });
    r.putRole("ec2-role", { assumeRolePolicy: trust("ec2.amazonaws.com") });
    expect(r.roleTrustsService("ok-role", "lambda.amazonaws.com")).toBe(true);
    expect(r.roleTrustsService("ec2-role", "lambda.amazonaws.com")).toBe(false);
    expect(r.roleTrustsService("unknown", "lambda.amazonaws.com")).toBeUndefined();
    expect(() => r.registerFunction("f", `arn:aws:iam::${ACCOUNT}:role/ok-role`)).not.toThrow();
    expect(() => r.registerFunction("g", `arn:aws:iam::${ACCOUNT}:role/ec2-role`)).toThrow("The role defined for the function cannot be assumed by Lambda.");
    expect(() => r.putRole("bad", { assumeRolePolicy: { Statement: [{ Effect: "Allow", Action: "sts:AssumeRole" }] } })).toThrow("needs Principal");
  });

  it("snapshots to JSON and restores the same decisions", () => {
    const r = movies();
    r.putRole("get-movie-role", { path: "/service-role/", assumeRolePolicy: { Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] } });
    const logs = r.putPolicy("logs", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "logs:*", Resource: "*" }] }, { path: "/app/" });
    r.attachRolePolicy("get-movie-role", logs);
    r.registerFunction("get-movie", `arn:aws:iam::${ACCOUNT}:role/service-role/get-movie-role`);
    const { accessKeyId } = r.issueSession("get-movie");

    const copy = new PrincipalRegistry({ accountId: ACCOUNT });
    copy.restore(JSON.parse(JSON.stringify(r.snapshot())));
    // Sessions are not IAM state: a restored cloud issues new ones as Lambda registers its functions again.
    expect(copy.standing(accessKeyId).kind).toBe("unknown");
    copy.registerFunction("get-movie", `arn:aws:iam::${ACCOUNT}:role/service-role/get-movie-role`);
    const restoredKey = copy.issueSession("get-movie").accessKeyId;
    expect(copy.principalFor(restoredKey)).toEqual(r.principalFor(accessKeyId));
    expect(copy.identityPoliciesOf(copy.principalFor(restoredKey)).map((p) => p.name)).toEqual(r.identityPoliciesOf(r.principalFor(accessKeyId)).map((p) => p.name));
    expect(allowed(copy, restoredKey, "dynamodb:GetItem", TABLE)).toBe(true);
    expect(allowed(copy, restoredKey, "logs:CreateLogGroup", "*")).toBe(true);
    expect(allowed(copy, accessKeyId, "dynamodb:PutItem", TABLE)).toBe(false);
    expect(copy.roleTrustsService("get-movie-role", "lambda.amazonaws.com")).toBe(true);
    expect(copy.snapshot()).toEqual(r.snapshot());
  });
});
