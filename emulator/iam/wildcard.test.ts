import { describe, expect, it } from "vitest";
import { actionMatches, arnMatches, globMatch, splitArn } from "./wildcard.js";

describe("wildcards", () => {
  it("treat regex characters in patterns literally", () => {
    const stream = "arn:aws:logs:us-east-1:0:log-group:/aws/lambda/f:log-stream:2026/11/29/[$LATEST]ab.c";
    expect(arnMatches("arn:aws:logs:us-east-1:0:log-group:/aws/lambda/f:log-stream:2026/11/29/[$LATEST]*", stream)).toBe(true);
    expect(arnMatches("arn:aws:logs:us-east-1:0:log-group:/aws/lambda/f:log-stream:2026/11/29/[$LATEST]abxc", stream)).toBe(false);
    expect(globMatch("a+b(c)", "a+b(c)")).toBe(true);
    expect(globMatch("a.c", "abc")).toBe(false);
  });
  it("* matches the empty string, ? exactly one character", () => {
    expect(globMatch("movies*", "movies")).toBe(true);
    expect(globMatch("movie?", "movie")).toBe(false);
    expect(actionMatches("s3:*Object", "s3:GetObject")).toBe(true);
    expect(actionMatches("*", "anything:AtAll")).toBe(true);
  });
  it("split ARNs into six parts, keeping colons in the resource", () => {
    expect(splitArn("arn:aws:lambda:us-east-1:0:function:f:live")).toEqual(["arn", "aws", "lambda", "us-east-1", "0", "function:f:live"]);
    expect(splitArn("arn:aws:s3:::bucket/key")).toEqual(["arn", "aws", "s3", "", "", "bucket/key"]);
    expect(splitArn("not-an-arn")).toBeUndefined();
    expect(splitArn("urn:a:b:c:d:e")).toBeUndefined();
  });
  it("a qualified function ARN is not covered by the unqualified one, but is by name*", () => {
    const fn = "arn:aws:lambda:us-east-1:0:function:get-movie";
    expect(arnMatches(fn, `${fn}:live`)).toBe(false);
    expect(arnMatches(`${fn}*`, `${fn}:live`)).toBe(true);
    expect(arnMatches(`${fn}:*`, fn)).toBe(false);
  });
});
