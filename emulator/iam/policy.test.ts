import { describe, expect, it } from "vitest";
import { parsePolicy, PolicyError } from "./policy.js";

function errorOf(input: unknown, kind: "identity" | "resource" = "identity"): PolicyError {
  try {
    parsePolicy(input as string, kind);
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw e;
  }
  throw new Error("expected a PolicyError");
}

describe("parsePolicy", () => {
  it("normalises a single statement object and single values into lists", () => {
    const doc = parsePolicy(
      JSON.stringify({
        Version: "2012-10-17",
        Statement: { Sid: "Read", Effect: "Allow", Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:us-east-1:000000000000:table/Movies" },
      }),
    );
    expect(doc.version).toBe("2012-10-17");
    expect(doc.statements).toEqual([
      { index: 0, sid: "Read", effect: "Allow", action: ["dynamodb:GetItem"], resource: ["arn:aws:dynamodb:us-east-1:000000000000:table/Movies"] },
    ]);
  });

  it("keeps arrays, NotAction/NotResource and stringifies condition values", () => {
    const doc = parsePolicy({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Deny", NotAction: ["sqs:*", "sns:Publish"], NotResource: "*", Condition: { NumericLessThan: { "s3:max-keys": 10 }, Bool: { "aws:SecureTransport": false } } },
      ],
    });
    const st = doc.statements[0]!;
    expect(st.notAction).toEqual(["sqs:*", "sns:Publish"]);
    expect(st.notResource).toEqual(["*"]);
    expect(st.condition).toEqual({ NumericLessThan: { "s3:max-keys": ["10"] }, Bool: { "aws:SecureTransport": ["false"] } });
  });

  it("defaults a missing Version to 2008-10-17 as IAM does", () => {
    expect(parsePolicy({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }).version).toBe("2008-10-17");
  });

  it("parses resource policies with Principal forms", () => {
    const doc = parsePolicy(
      {
        Version: "2012-10-17",
        Statement: [
          { Sid: "sns-to-sqs", Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:000000000000:q" },
          { Effect: "Allow", Principal: "*", Action: "sqs:SendMessage" },
          { Effect: "Deny", NotPrincipal: { AWS: ["123456789012"] }, Action: "sqs:*", Resource: "*" },
        ],
      },
      "resource",
    );
    expect(doc.statements[0]!.principal).toEqual({ Service: ["sns.amazonaws.com"] });
    expect(doc.statements[1]!.principal).toBe("*");
    expect(doc.statements[1]!.resource).toBeUndefined();
    expect(doc.statements[2]!.notPrincipal).toEqual({ AWS: ["123456789012"] });
  });

  it.each([
    ["not JSON", "{nope", "Policy: is not valid JSON"],
    ["not an object", "[1]", "Policy: must be a JSON object"],
    ["unknown top-level element", { Version: "2012-10-17", Statment: [] }, "Statment: unknown element"],
    ["bad version", { Version: "2012-10-18", Statement: [] }, 'Version: "2012-10-18" is not a policy language version; use "2012-10-17"'],
    ["missing Statement", { Version: "2012-10-17" }, "Statement: is missing"],
    ["empty Statement", { Version: "2012-10-17", Statement: [] }, "Statement: is empty"],
    ["missing Effect", { Statement: [{ Action: "*", Resource: "*" }] }, 'Statement[0].Effect: is missing; use "Allow" or "Deny"'],
    ["lowercase Effect", { Statement: [{ Effect: "allow", Action: "*", Resource: "*" }] }, 'Statement[0].Effect: "allow" is not valid'],
    ["no Action", { Statement: { Effect: "Allow", Resource: "*" } }, "Statement: needs Action (or NotAction)"],
    ["both Action and NotAction", { Statement: [{ Effect: "Allow", Action: "*", NotAction: "s3:*", Resource: "*" }] }, "has both Action and NotAction"],
    ["malformed action", { Statement: [{ Effect: "Allow", Action: "dynamodb GetItem", Resource: "*" }] }, 'Statement[0].Action: "dynamodb GetItem" is not an action; write service:Action'],
    ["no Resource in identity policy", { Statement: [{ Effect: "Allow", Action: "*" }] }, "needs Resource (or NotResource)"],
    ["resource not an ARN", { Statement: [{ Effect: "Allow", Action: "*", Resource: "Movies" }] }, 'Statement[0].Resource: "Movies" is not an ARN'],
    ["empty action list", { Statement: [{ Effect: "Allow", Action: [], Resource: "*" }] }, "Statement[0].Action: is an empty list"],
    ["non-string resource", { Statement: [{ Effect: "Allow", Action: "*", Resource: [42] }] }, "Statement[0].Resource: 42 is not a non-empty string"],
    ["Principal in identity policy", { Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] }, "Principal: is not allowed in an identity policy"],
    ["non-alphanumeric Sid in identity policy", { Statement: [{ Sid: "read-movies", Effect: "Allow", Action: "*", Resource: "*" }] }, "must be alphanumeric"],
    ["duplicate Sid", { Statement: [{ Sid: "A", Effect: "Allow", Action: "*", Resource: "*" }, { Sid: "A", Effect: "Deny", Action: "*", Resource: "*" }] }, '"A" is used twice'],
    ["unknown statement element", { Statement: [{ Effect: "Allow", Actions: "*", Resource: "*" }] }, "Statement[0].Actions: unknown element"],
    ["unknown condition operator", { Statement: [{ Effect: "Allow", Action: "*", Resource: "*", Condition: { StringEqual: { "aws:username": "a" } } }] }, '"StringEqual" is not a condition operator'],
    ["bad set qualifier", { Statement: [{ Effect: "Allow", Action: "*", Resource: "*", Condition: { "ForSomeValues:StringEquals": { k: "a" } } }] }, '"ForSomeValues" is not a set qualifier'],
    ["NullIfExists", { Statement: [{ Effect: "Allow", Action: "*", Resource: "*", Condition: { NullIfExists: { k: "true" } } }] }, "Null takes neither IfExists"],
    ["object condition value", { Statement: [{ Effect: "Allow", Action: "*", Resource: "*", Condition: { StringEquals: { k: { a: 1 } } } }] }, "is not a string, number or boolean"],
  ])("rejects %s with a message saying where and how to fix it", (_name, input, message) => {
    const err = errorOf(input);
    expect(err.message).toContain(message);
    expect(err.name).toBe("MalformedPolicyDocument");
  });

  it("requires a Principal in a resource policy", () => {
    expect(errorOf({ Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "*" }] }, "resource").message).toBe(
      "Statement[0]: needs Principal (or NotPrincipal)",
    );
    expect(errorOf({ Statement: [{ Effect: "Allow", Principal: { Root: "x" }, Action: "sqs:SendMessage" }] }, "resource").message).toContain(
      "Statement[0].Principal.Root: unknown principal type",
    );
  });
});
