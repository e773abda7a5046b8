import { describe, expect, it } from "vitest";
import { conditionMiss } from "./conditions.js";
import type { ConditionBlock } from "./policy.js";
import { normaliseContext } from "./policy-variables.js";

/** Does `operator: { key: values }` hold for this request context? */
function holds(operator: string, key: string, values: string | string[], context: Record<string, string | string[]>, version = "2012-10-17"): boolean {
  const block: ConditionBlock = { [operator]: { [key]: Array.isArray(values) ? values : [values] } };
  return conditionMiss(block, normaliseContext(context), version) === undefined;
}

describe("string operators", () => {
  it("StringEquals is case-sensitive, matches any of the policy values, keys are case-insensitive", () => {
    expect(holds("StringEquals", "aws:username", ["alice", "bob"], { "aws:username": "bob" })).toBe(true);
    expect(holds("StringEquals", "AWS:UserName", "bob", { "aws:username": "bob" })).toBe(true);
    expect(holds("StringEquals", "aws:username", "bob", { "aws:username": "Bob" })).toBe(false);
    expect(holds("StringEquals", "aws:username", "bob", {})).toBe(false);
  });
  it("StringNotEquals holds when no value equals, and when the key is missing", () => {
    expect(holds("StringNotEquals", "k", ["a", "b"], { k: "c" })).toBe(true);
    expect(holds("StringNotEquals", "k", ["a", "b"], { k: "b" })).toBe(false);
    expect(holds("StringNotEquals", "k", "a", {})).toBe(true);
  });
  it("IgnoreCase variants", () => {
    expect(holds("StringEqualsIgnoreCase", "k", "MOVIES", { k: "movies" })).toBe(true);
    expect(holds("StringNotEqualsIgnoreCase", "k", "MOVIES", { k: "movies" })).toBe(false);
    expect(holds("StringNotEqualsIgnoreCase", "k", "MOVIES", { k: "films" })).toBe(true);
  });
  it("StringLike and StringNotLike use * and ?", () => {
    expect(holds("StringLike", "ses:FromAddress", "*@example.com", { "ses:FromAddress": "noreply@example.com" })).toBe(true);
    expect(holds("StringLike", "k", "ab?d", { k: "abcd" })).toBe(true);
    expect(holds("StringLike", "k", "ab?d", { k: "abccd" })).toBe(false);
    expect(holds("StringNotLike", "k", "*@example.com", { k: "x@evil.com" })).toBe(true);
    expect(holds("StringNotLike", "k", "*@example.com", { k: "x@example.com" })).toBe(false);
  });
  it("substitutes policy variables in 2012-10-17 policies only, literally", () => {
    expect(holds("StringEquals", "k", "home/${aws:username}", { k: "home/alice", "aws:username": "alice" })).toBe(true);
    expect(holds("StringEquals", "k", "home/${aws:username}", { k: "home/${aws:username}", "aws:username": "alice" }, "2008-10-17")).toBe(true);
    expect(holds("StringLike", "k", "${aws:username}", { k: "alice", "aws:username": "a*" })).toBe(false);
    expect(holds("StringLike", "k", "a${*}b", { k: "a*b" })).toBe(true);
    expect(holds("StringLike", "k", "a${*}b", { k: "axxb" })).toBe(false);
    expect(holds("StringEquals", "k", "${aws:PrincipalTag/team, 'none'}", { k: "none" })).toBe(true);
    expect(holds("StringEquals", "k", "${aws:username}", { k: "" })).toBe(false);
  });
});

describe("numeric operators", () => {
  it.each([
    ["NumericEquals", "10", "10", true],
    ["NumericEquals", "10", "10.0", true],
    ["NumericEquals", "10", "11", false],
    ["NumericNotEquals", "10", "11", true],
    ["NumericNotEquals", "10", "10", false],
    ["NumericLessThan", "10", "9", true],
    ["NumericLessThan", "10", "10", false],
    ["NumericLessThanEquals", "10", "10", true],
    ["NumericGreaterThan", "10", "11", true],
    ["NumericGreaterThan", "10", "10", false],
    ["NumericGreaterThanEquals", "10", "10", true],
    ["NumericGreaterThanEquals", "10", "9", false],
    ["NumericEquals", "10", "ten", false],
  ])("%s policy %s, request %s -> %s", (op, policy, request, expected) => {
    expect(holds(op, "k", policy, { k: request })).toBe(expected);
  });
});

describe("date operators", () => {
  it.each([
    ["DateLessThan", "2030-01-01T00:00:00Z", "2026-11-29T20:00:00Z", true],
    ["DateLessThan", "2020-01-01T00:00:00Z", "2026-11-29T20:00:00Z", false],
    ["DateGreaterThan", "2020-01-01T00:00:00Z", "2026-11-29T20:00:00Z", true],
    ["DateGreaterThanEquals", "2026-11-29T20:00:00Z", "2026-11-29T20:00:00.000Z", true],
    ["DateLessThanEquals", "2026-11-29T20:00:00Z", "2026-11-29T20:00:01Z", false],
    ["DateEquals", "1764446400", "2025-11-29T20:00:00Z", true],
    ["DateNotEquals", "1764446400", "2025-11-29T20:00:00Z", false],
    ["DateNotEquals", "1764446400", "2025-11-29T20:00:01Z", true],
  ])("%s policy %s, request %s -> %s", (op, policy, request, expected) => {
    expect(holds(op, "aws:CurrentTime", policy, { "aws:CurrentTime": request })).toBe(expected);
  });
});

describe("Bool, Binary, Null", () => {
  it("Bool compares true/false case-insensitively", () => {
    expect(holds("Bool", "aws:SecureTransport", "true", { "aws:SecureTransport": "TRUE" })).toBe(true);
    expect(holds("Bool", "aws:SecureTransport", "true", { "aws:SecureTransport": "false" })).toBe(false);
    expect(holds("Bool", "aws:SecureTransport", "false", {})).toBe(false);
  });
  it("BinaryEquals compares decoded bytes", () => {
    expect(holds("BinaryEquals", "k", Buffer.from("hi").toString("base64"), { k: "aGk=" })).toBe(true);
    expect(holds("BinaryEquals", "k", "aGk=", { k: "aGo=" })).toBe(false);
  });
  it("Null true means absent, false means present", () => {
    expect(holds("Null", "aws:TokenIssueTime", "true", {})).toBe(true);
    expect(holds("Null", "aws:TokenIssueTime", "true", { "aws:TokenIssueTime": "x" })).toBe(false);
    expect(holds("Null", "aws:TokenIssueTime", "false", { "aws:TokenIssueTime": "x" })).toBe(true);
    expect(holds("Null", "aws:TokenIssueTime", "false", {})).toBe(false);
  });
});

describe("IpAddress / NotIpAddress", () => {
  it.each([
    ["IpAddress", "203.0.113.0/24", "203.0.113.7", true],
    ["IpAddress", "203.0.113.0/24", "203.0.114.7", false],
    ["IpAddress", "10.1.2.3", "10.1.2.3", true],
    ["IpAddress", "0.0.0.0/0", "127.0.0.1", true],
    ["IpAddress", "2001:db8::/32", "2001:db8:1::5", true],
    ["IpAddress", "2001:db8::/32", "2001:db9::5", false],
    ["IpAddress", "::ffff:127.0.0.0/104", "::ffff:127.0.0.1", true],
    ["IpAddress", "203.0.113.0/24", "2001:db8::1", false],
    ["NotIpAddress", "203.0.113.0/24", "198.51.100.1", true],
    ["NotIpAddress", "203.0.113.0/24", "203.0.113.1", false],
  ])("%s %s vs %s -> %s", (op, cidr, ip, expected) => {
    expect(holds(op, "aws:SourceIp", cidr, { "aws:SourceIp": ip })).toBe(expected);
  });
});

describe("ARN operators", () => {
  const topic = "arn:aws:sns:us-east-1:000000000000:movie-updates-topic";
  it("ArnEquals and ArnLike match segment by segment with wildcards", () => {
    expect(holds("ArnEquals", "aws:SourceArn", topic, { "aws:SourceArn": topic })).toBe(true);
    expect(holds("ArnLike", "aws:SourceArn", "arn:aws:sns:*:000000000000:movie-*", { "aws:SourceArn": topic })).toBe(true);
    expect(holds("ArnLike", "aws:SourceArn", "arn:aws:sns:*:111111111111:*", { "aws:SourceArn": topic })).toBe(false);
    expect(holds("ArnEquals", "aws:SourceArn", topic, { "aws:SourceArn": topic.replace("movie", "other") })).toBe(false);
  });
  it("ArnNotEquals / ArnNotLike", () => {
    expect(holds("ArnNotEquals", "aws:SourceArn", topic, { "aws:SourceArn": topic })).toBe(false);
    expect(holds("ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:*:other-*", { "aws:SourceArn": topic })).toBe(true);
    expect(holds("ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:*:other-*", {})).toBe(true);
  });
});

describe("IfExists", () => {
  it("holds when the key is absent, and checks the value when it is present", () => {
    expect(holds("StringEqualsIfExists", "ec2:InstanceType", "t3.micro", {})).toBe(true);
    expect(holds("StringEqualsIfExists", "ec2:InstanceType", "t3.micro", { "ec2:InstanceType": "t3.micro" })).toBe(true);
    expect(holds("StringEqualsIfExists", "ec2:InstanceType", "t3.micro", { "ec2:InstanceType": "m5.large" })).toBe(false);
    expect(holds("ArnLikeIfExists", "aws:SourceArn", "arn:aws:sns:*:*:t", {})).toBe(true);
    expect(holds("NumericLessThanIfExists", "k", "5", { k: "9" })).toBe(false);
  });
});

describe("set qualifiers", () => {
  const recipients = { "ses:Recipients": ["a@example.com", "b@example.com"] };
  it("ForAllValues: every request value must be in the policy set; vacuously true when absent", () => {
    expect(holds("ForAllValues:StringLike", "ses:Recipients", "*@example.com", recipients)).toBe(true);
    expect(holds("ForAllValues:StringEquals", "ses:Recipients", ["a@example.com"], recipients)).toBe(false);
    expect(holds("ForAllValues:StringEquals", "ses:Recipients", ["a@example.com"], {})).toBe(true);
  });
  it("ForAnyValue: at least one request value must match; false when absent", () => {
    expect(holds("ForAnyValue:StringEquals", "ses:Recipients", ["b@example.com", "z@example.com"], recipients)).toBe(true);
    expect(holds("ForAnyValue:StringEquals", "ses:Recipients", ["z@example.com"], recipients)).toBe(false);
    expect(holds("ForAnyValue:StringEquals", "ses:Recipients", ["z@example.com"], {})).toBe(false);
    expect(holds("ForAnyValue:StringEqualsIfExists", "ses:Recipients", ["z@example.com"], {})).toBe(true);
  });
  it("negated operators under qualifiers", () => {
    // ForAllValues:StringNotLike: no recipient may be at evil.com
    expect(holds("ForAllValues:StringNotLike", "ses:Recipients", "*@evil.com", recipients)).toBe(true);
    expect(holds("ForAllValues:StringNotLike", "ses:Recipients", "*@evil.com", { "ses:Recipients": ["a@example.com", "x@evil.com"] })).toBe(false);
    // ForAnyValue:StringNotEquals: at least one value outside the set
    expect(holds("ForAnyValue:StringNotEquals", "ses:Recipients", ["a@example.com"], recipients)).toBe(true);
    expect(holds("ForAnyValue:StringNotEquals", "ses:Recipients", ["a@example.com", "b@example.com"], recipients)).toBe(false);
  });
  it("a plain operator on a multivalued key: positive matches any value, negated needs all values outside", () => {
    expect(holds("StringEquals", "ses:Recipients", "b@example.com", recipients)).toBe(true);
    expect(holds("StringNotEquals", "ses:Recipients", "b@example.com", recipients)).toBe(false);
  });
});

describe("combining", () => {
  it("several operators and keys must all hold (AND), several values of one key any (OR)", () => {
    const block: ConditionBlock = {
      StringEquals: { "aws:RequestedRegion": ["us-east-1", "eu-west-1"], "aws:PrincipalAccount": ["000000000000"] },
      Bool: { "aws:SecureTransport": ["true"] },
    };
    const ctx = { "aws:RequestedRegion": "eu-west-1", "aws:PrincipalAccount": "000000000000", "aws:SecureTransport": "true" };
    expect(conditionMiss(block, normaliseContext(ctx), "2012-10-17")).toBeUndefined();
    expect(conditionMiss(block, normaliseContext({ ...ctx, "aws:SecureTransport": "false" }), "2012-10-17")).toEqual({
      operator: "Bool",
      key: "aws:SecureTransport",
    });
    expect(conditionMiss(block, normaliseContext({ ...ctx, "aws:PrincipalAccount": "1" }), "2012-10-17")).toEqual({
      operator: "StringEquals",
      key: "aws:PrincipalAccount",
    });
  });
});
