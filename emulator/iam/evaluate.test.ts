import { describe, expect, it } from "vitest";
import { evaluate, type NamedPolicy } from "./evaluate.js";
import { parsePolicy } from "./policy.js";

const ACCOUNT = "000000000000";
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Movies`;
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:movie-updates-queue`;
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:movie-updates-topic`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/get-movie-role/get-movie`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/get-movie-role`;

function identity(name: string, ...statements: object[]): NamedPolicy {
  return { name, document: parsePolicy({ Version: "2012-10-17", Statement: statements }) };
}
function resourcePolicy(...statements: object[]): NamedPolicy {
  return { name: "queue-policy", document: parsePolicy({ Version: "2012-10-17", Statement: statements }, "resource") };
}
function check(action: string, resource: string, policies: NamedPolicy[], context: Record<string, string | string[]> = {}) {
  return evaluate({ action, resource, principalArn: SESSION, context }, { identityPolicies: policies });
}

describe("evaluate: identity policies", () => {
  const read = identity("movies-read", { Sid: "Read", Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: TABLE });

  it("allows what a statement grants and names the statement", () => {
    const d = check("dynamodb:GetItem", TABLE, [read]);
    expect(d).toMatchObject({ decision: "Allow", allowed: true, matched: { policy: "movies-read", sid: "Read", index: 0, source: "identity" } });
  });

  it("denies implicitly what nothing grants, in AWS's words", () => {
    const d = check("dynamodb:PutItem", TABLE, [read]);
    expect(d).toEqual({ decision: "ImplicitDeny", allowed: false, reason: "because no identity-based policy allows the dynamodb:PutItem action" });
    expect(check("dynamodb:GetItem", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Other`, [read]).allowed).toBe(false);
    expect(check("dynamodb:GetItem", TABLE, []).decision).toBe("ImplicitDeny");
  });

  it("an explicit Deny wins over any Allow, in whichever policy it is", () => {
    const all = identity("admin", { Effect: "Allow", Action: "*", Resource: "*" });
    const denyDelete = identity("no-delete", { Sid: "NoDelete", Effect: "Deny", Action: "dynamodb:Delete*", Resource: "*" });
    const d = check("dynamodb:DeleteItem", TABLE, [all, denyDelete]);
    expect(d).toMatchObject({ decision: "ExplicitDeny", reason: "with an explicit deny in an identity-based policy", matched: { policy: "no-delete", sid: "NoDelete" } });
    expect(check("dynamodb:GetItem", TABLE, [all, denyDelete]).allowed).toBe(true);
  });

  it("matches actions case-insensitively with * and ?", () => {
    expect(check("dynamodb:GetItem", TABLE, [identity("p", { Effect: "Allow", Action: "DynamoDB:getitem", Resource: TABLE })]).allowed).toBe(true);
    expect(check("dynamodb:GetItem", TABLE, [identity("p", { Effect: "Allow", Action: "dynamodb:Get*", Resource: TABLE })]).allowed).toBe(true);
    expect(check("dynamodb:GetItem", TABLE, [identity("p", { Effect: "Allow", Action: "dynamodb:?etItem", Resource: TABLE })]).allowed).toBe(true);
    expect(check("dynamodb:BatchGetItem", TABLE, [identity("p", { Effect: "Allow", Action: "dynamodb:Get*", Resource: TABLE })]).allowed).toBe(false);
    expect(check("sqs:SendMessage", QUEUE, [identity("p", { Effect: "Allow", Action: "*", Resource: "*" })]).allowed).toBe(true);
    expect(check("sqs:SendMessage", QUEUE, [identity("p", { Effect: "Allow", Action: "sns:*", Resource: "*" })]).allowed).toBe(false);
  });

  it("matches ARNs per segment, with * spanning : and / only in the resource part", () => {
    const grant = (resource: string) => identity("p", { Effect: "Allow", Action: "*", Resource: resource });
    expect(check("dynamodb:Query", `${TABLE}/index/ByGenre`, [grant(`${TABLE}/index/*`)]).allowed).toBe(true);
    expect(check("dynamodb:Query", `${TABLE}/index/ByGenre`, [grant(TABLE)]).allowed).toBe(false);
    expect(check("dynamodb:GetItem", TABLE, [grant("arn:aws:dynamodb:*:*:table/Movies")]).allowed).toBe(true);
    expect(check("dynamodb:GetItem", TABLE, [grant("arn:aws:dynamodb:*:*:table/Mov??s")]).allowed).toBe(true);
    expect(check("dynamodb:GetItem", TABLE, [grant("arn:aws:dynamodb:us-west-2:*:table/Movies")]).allowed).toBe(false);
    expect(check("dynamodb:GetItem", TABLE, [grant("arn:aws:dynamodb:*:111111111111:table/*")]).allowed).toBe(false);
    const stream = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/get-movie:log-stream:2026/11/29/[$LATEST]abc`;
    expect(check("logs:PutLogEvents", stream, [grant("arn:aws:logs:*:*:*")]).allowed).toBe(true);
    // A wildcard in the region segment cannot swallow the account segment.
    const group = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/get-movie`;
    expect(check("logs:CreateLogGroup", group, [grant("arn:aws:logs:*:log-group:*")]).allowed).toBe(false);
    expect(check("logs:CreateLogGroup", group, [grant("arn:aws:logs:*:*:log-group:*")]).allowed).toBe(true);
    // ARNs are case-sensitive.
    expect(check("dynamodb:GetItem", TABLE, [grant(TABLE.replace("Movies", "movies"))]).allowed).toBe(false);
  });

  it("NotAction grants everything except the listed actions", () => {
    const p = identity("p", { Effect: "Allow", NotAction: ["dynamodb:Delete*", "dynamodb:DropTable"], Resource: "*" });
    expect(check("dynamodb:PutItem", TABLE, [p]).allowed).toBe(true);
    expect(check("sqs:SendMessage", QUEUE, [p]).allowed).toBe(true);
    expect(check("dynamodb:DeleteItem", TABLE, [p]).allowed).toBe(false);
  });

  it("NotResource grants on everything except the listed resources; Deny with NotResource fences a role in", () => {
    const p = identity("p", { Effect: "Allow", Action: "dynamodb:*", NotResource: `arn:aws:dynamodb:*:*:table/Secrets*` });
    expect(check("dynamodb:GetItem", TABLE, [p]).allowed).toBe(true);
    expect(check("dynamodb:GetItem", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/SecretsTable`, [p]).allowed).toBe(false);
    const fence = identity("fence", { Effect: "Deny", Action: "*", NotResource: [TABLE, QUEUE] });
    const all = identity("all", { Effect: "Allow", Action: "*", Resource: "*" });
    expect(check("sqs:SendMessage", QUEUE, [all, fence]).allowed).toBe(true);
    expect(check("sns:Publish", TOPIC, [all, fence]).decision).toBe("ExplicitDeny");
  });

  it("applies conditions against the request context", () => {
    const p = identity("p", {
      Effect: "Allow",
      Action: "ses:SendEmail",
      Resource: "*",
      Condition: { StringLike: { "ses:FromAddress": "*@movies.example" }, "ForAllValues:StringLike": { "ses:Recipients": "*@movies.example" } },
    });
    const identityArn = `arn:aws:ses:us-east-1:${ACCOUNT}:identity/movies.example`;
    expect(check("ses:SendEmail", identityArn, [p], { "ses:FromAddress": "noreply@movies.example", "ses:Recipients": ["a@movies.example"] }).allowed).toBe(true);
    expect(check("ses:SendEmail", identityArn, [p], { "ses:FromAddress": "noreply@movies.example", "ses:Recipients": ["a@elsewhere.example"] }).allowed).toBe(false);
    expect(check("ses:SendEmail", identityArn, [p], { "ses:FromAddress": "x@elsewhere.example" }).allowed).toBe(false);
  });

  it("a Deny whose condition does not hold does not apply", () => {
    const all = identity("all", { Effect: "Allow", Action: "*", Resource: "*" });
    const denyOutside = identity("region", { Effect: "Deny", Action: "*", Resource: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": "us-east-1" } } });
    expect(check("dynamodb:GetItem", TABLE, [all, denyOutside], { "aws:RequestedRegion": "us-east-1" }).allowed).toBe(true);
    expect(check("dynamodb:GetItem", TABLE, [all, denyOutside], { "aws:RequestedRegion": "eu-west-1" }).decision).toBe("ExplicitDeny");
  });

  it("fills aws:CurrentTime so date conditions work without the caller passing it", () => {
    const p = identity("p", { Effect: "Allow", Action: "*", Resource: "*", Condition: { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } } });
    expect(check("dynamodb:GetItem", TABLE, [p]).allowed).toBe(true);
    const expired = identity("p", { Effect: "Allow", Action: "*", Resource: "*", Condition: { DateLessThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } } });
    expect(check("dynamodb:GetItem", TABLE, [expired]).allowed).toBe(false);
  });

  it("substitutes policy variables in Resource", () => {
    const p = identity("p", { Effect: "Allow", Action: "dynamodb:*", Resource: `arn:aws:dynamodb:*:*:table/\${aws:PrincipalTag/table}` });
    expect(check("dynamodb:GetItem", TABLE, [p], { "aws:PrincipalTag/table": "Movies" }).allowed).toBe(true);
    expect(check("dynamodb:GetItem", TABLE, [p], { "aws:PrincipalTag/table": "Other" }).allowed).toBe(false);
    expect(check("dynamodb:GetItem", TABLE, [p]).allowed).toBe(false);
  });
});

describe("evaluate: resource policies", () => {
  it("within one account, a resource policy naming the role or session suffices without identity policies", () => {
    const byRole = resourcePolicy({ Effect: "Allow", Principal: { AWS: ROLE }, Action: "sqs:SendMessage", Resource: QUEUE });
    const d = evaluate({ action: "sqs:SendMessage", resource: QUEUE, principalArn: SESSION }, { identityPolicies: [], resourcePolicy: byRole });
    expect(d).toMatchObject({ allowed: true, matched: { source: "resource", policy: "queue-policy" } });
    const bySession = resourcePolicy({ Effect: "Allow", Principal: { AWS: [SESSION] }, Action: "sqs:*" });
    expect(evaluate({ action: "sqs:SendMessage", resource: QUEUE, principalArn: SESSION }, { identityPolicies: [], resourcePolicy: bySession }).allowed).toBe(true);
    const everyone = resourcePolicy({ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage" });
    expect(evaluate({ action: "sqs:SendMessage", resource: QUEUE, principalArn: SESSION }, { identityPolicies: [], resourcePolicy: everyone }).allowed).toBe(true);
  });

  it("naming only the account delegates to identity policies", () => {
    const byAccount = resourcePolicy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sqs:*" });
    const d = evaluate({ action: "sqs:SendMessage", resource: QUEUE, principalArn: SESSION }, { identityPolicies: [], resourcePolicy: byAccount });
    expect(d.decision).toBe("ImplicitDeny");
    const root = evaluate({ action: "sqs:SendMessage", resource: QUEUE, principalArn: `arn:aws:iam::${ACCOUNT}:root` }, { identityPolicies: [], resourcePolicy: byAccount });
    expect(root.allowed).toBe(true);
  });

  it("an explicit Deny in the resource policy beats an identity Allow", () => {
    const all = identity("all", { Effect: "Allow", Action: "*", Resource: "*" });
    const rp = resourcePolicy({ Sid: "deny-send", Effect: "Deny", Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE });
    const d = evaluate({ action: "sqs:SendMessage", resource: QUEUE, principalArn: SESSION }, { identityPolicies: [all], resourcePolicy: rp });
    expect(d).toMatchObject({ decision: "ExplicitDeny", reason: "with an explicit deny in a resource-based policy", matched: { sid: "deny-send", source: "resource" } });
  });

  it("statements for other principals do not apply; NotPrincipal applies to everyone else", () => {
    const other = resourcePolicy({ Effect: "Deny", Principal: { AWS: "arn:aws:iam::000000000000:role/other" }, Action: "*" });
    const all = identity("all", { Effect: "Allow", Action: "*", Resource: "*" });
    expect(evaluate({ action: "sqs:SendMessage", resource: QUEUE, principalArn: SESSION }, { identityPolicies: [all], resourcePolicy: other }).allowed).toBe(true);
    const notMe = resourcePolicy({ Effect: "Deny", NotPrincipal: { AWS: ROLE }, Action: "*" });
    expect(evaluate({ action: "sqs:SendMessage", resource: QUEUE, principalArn: SESSION }, { identityPolicies: [all], resourcePolicy: notMe }).allowed).toBe(true);
    const notOther = resourcePolicy({ Effect: "Deny", NotPrincipal: { AWS: "arn:aws:iam::000000000000:role/other" }, Action: "*" });
    expect(evaluate({ action: "sqs:SendMessage", resource: QUEUE, principalArn: SESSION }, { identityPolicies: [all], resourcePolicy: notOther }).decision).toBe("ExplicitDeny");
  });

  it("across accounts both the identity and the resource policy must allow", () => {
    const foreign = "arn:aws:sts::111111111111:assumed-role/r/f";
    const all = identity("all", { Effect: "Allow", Action: "*", Resource: "*" });
    const rp = resourcePolicy({ Effect: "Allow", Principal: { AWS: "111111111111" }, Action: "sqs:SendMessage" });
    expect(evaluate({ action: "sqs:SendMessage", resource: QUEUE, principalArn: foreign }, { identityPolicies: [all] })).toMatchObject({
      allowed: false,
      reason: "because no resource-based policy allows the sqs:SendMessage action",
    });
    expect(evaluate({ action: "sqs:SendMessage", resource: QUEUE, principalArn: foreign }, { identityPolicies: [], resourcePolicy: rp })).toMatchObject({
      allowed: false,
      reason: "because no identity-based policy allows the sqs:SendMessage action",
    });
    expect(evaluate({ action: "sqs:SendMessage", resource: QUEUE, principalArn: foreign }, { identityPolicies: [all], resourcePolicy: rp }).allowed).toBe(true);
  });

  it("a service principal is judged by the resource policy alone, conditions included", () => {
    const rp = resourcePolicy({
      Effect: "Allow",
      Principal: { Service: "sns.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: QUEUE,
      Condition: { ArnEquals: { "aws:SourceArn": TOPIC } },
    });
    const req = { action: "sqs:SendMessage", resource: QUEUE, principalService: "sns.amazonaws.com" };
    expect(evaluate({ ...req, context: { "aws:SourceArn": TOPIC } }, { identityPolicies: [], resourcePolicy: rp }).allowed).toBe(true);
    expect(evaluate({ ...req, context: { "aws:SourceArn": TOPIC + "-2" } }, { identityPolicies: [], resourcePolicy: rp })).toMatchObject({
      allowed: false,
      reason: "because no resource-based policy allows the sqs:SendMessage action",
    });
    expect(evaluate({ ...req, principalService: "events.amazonaws.com", context: { "aws:SourceArn": TOPIC } }, { identityPolicies: [], resourcePolicy: rp }).allowed).toBe(false);
  });
});
