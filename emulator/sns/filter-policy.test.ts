import { describe, expect, it } from "vitest";
import { matchesFilterPolicy, parseFilterPolicy, type FilterPolicyScope } from "./filter-policy.js";
import type { MessageAttributes } from "./message-attributes.js";

const attrs = (a: Record<string, [string, string]>): MessageAttributes =>
  Object.fromEntries(Object.entries(a).map(([k, [DataType, StringValue]]) => [k, { DataType, StringValue }]));

function onAttributes(policy: unknown, a: Record<string, [string, string]>): boolean {
  return matchesFilterPolicy(parseFilterPolicy(JSON.stringify(policy), "MessageAttributes")!, { body: "x", attributes: attrs(a) });
}

function onBody(policy: unknown, body: unknown): boolean {
  return matchesFilterPolicy(parseFilterPolicy(JSON.stringify(policy), "MessageBody")!, { body: JSON.stringify(body), attributes: {} });
}

describe("SNS filter policies on message attributes", () => {
  it("matches exact strings and numbers, ANDing keys and ORing values", () => {
    const p = { type: ["MovieCreated", "MovieUpdated"], year: [1999] };
    expect(onAttributes(p, { type: ["String", "MovieCreated"], year: ["Number", "1999"] })).toBe(true);
    expect(onAttributes(p, { type: ["String", "MovieDeleted"], year: ["Number", "1999"] })).toBe(false);
    expect(onAttributes(p, { type: ["String", "MovieCreated"], year: ["Number", "2000"] })).toBe(false);
    expect(onAttributes(p, { type: ["String", "MovieCreated"] })).toBe(false);
    expect(onAttributes({ year: [1999] }, { year: ["String", "1999"] })).toBe(false);
  });

  it("supports prefix, suffix and equals-ignore-case", () => {
    expect(onAttributes({ t: [{ prefix: "Movie" }] }, { t: ["String", "MovieCreated"] })).toBe(true);
    expect(onAttributes({ t: [{ prefix: "Movie" }] }, { t: ["String", "TvCreated"] })).toBe(false);
    expect(onAttributes({ t: [{ suffix: "Created" }] }, { t: ["String", "MovieCreated"] })).toBe(true);
    expect(onAttributes({ t: [{ suffix: "Created" }] }, { t: ["String", "MovieDeleted"] })).toBe(false);
    expect(onAttributes({ t: [{ "equals-ignore-case": "moviecreated" }] }, { t: ["String", "MovieCREATED"] })).toBe(true);
    expect(onAttributes({ t: [{ prefix: { "equals-ignore-case": "movie" } }] }, { t: ["String", "MOVIEx"] })).toBe(true);
  });

  it("supports anything-but with values, lists and prefixes; a missing key never matches", () => {
    expect(onAttributes({ t: [{ "anything-but": "MovieDeleted" }] }, { t: ["String", "MovieCreated"] })).toBe(true);
    expect(onAttributes({ t: [{ "anything-but": ["MovieDeleted", "MovieUpdated"] }] }, { t: ["String", "MovieUpdated"] })).toBe(false);
    expect(onAttributes({ t: [{ "anything-but": { prefix: "Movie" } }] }, { t: ["String", "MovieCreated"] })).toBe(false);
    expect(onAttributes({ t: [{ "anything-but": { prefix: "Movie" } }] }, { t: ["String", "TvCreated"] })).toBe(true);
    expect(onAttributes({ n: [{ "anything-but": [1, 2] }] }, { n: ["Number", "3"] })).toBe(true);
    expect(onAttributes({ t: [{ "anything-but": "x" }] }, {})).toBe(false);
  });

  it("supports numeric comparisons and ranges on Number attributes only", () => {
    const range = { rating: [{ numeric: [">=", 7, "<", 9.5] }] };
    expect(onAttributes(range, { rating: ["Number", "7"] })).toBe(true);
    expect(onAttributes(range, { rating: ["Number", "9.5"] })).toBe(false);
    expect(onAttributes(range, { rating: ["Number", "6.99"] })).toBe(false);
    expect(onAttributes(range, { rating: ["String", "8"] })).toBe(false);
    expect(onAttributes({ n: [{ numeric: ["=", 3e2] }] }, { n: ["Number", "300"] })).toBe(true);
  });

  it("supports exists true and false", () => {
    expect(onAttributes({ a: [{ exists: true }] }, { a: ["String", "v"] })).toBe(true);
    expect(onAttributes({ a: [{ exists: true }] }, {})).toBe(false);
    expect(onAttributes({ a: [{ exists: false }] }, {})).toBe(true);
    expect(onAttributes({ a: [{ exists: false }] }, { a: ["String", "v"] })).toBe(false);
  });

  it("matches any element of a String.Array attribute", () => {
    expect(onAttributes({ genre: ["Drama"] }, { genre: ["String.Array", '["Comedy","Drama"]'] })).toBe(true);
    expect(onAttributes({ genre: ["Horror"] }, { genre: ["String.Array", '["Comedy","Drama"]'] })).toBe(false);
  });

  it("supports $or between alternatives", () => {
    const p = { source: ["api"], $or: [{ type: ["MovieCreated"] }, { rating: [{ numeric: [">", 8] }] }] };
    expect(onAttributes(p, { source: ["String", "api"], type: ["String", "MovieCreated"] })).toBe(true);
    expect(onAttributes(p, { source: ["String", "api"], rating: ["Number", "9"] })).toBe(true);
    expect(onAttributes(p, { source: ["String", "api"], rating: ["Number", "5"] })).toBe(false);
  });
});

describe("SNS filter policies on the message body", () => {
  it("matches nested keys and array elements in a JSON body", () => {
    const p = { detail: { type: ["MovieCreated"], rating: [{ numeric: [">", 5] }] } };
    expect(onBody(p, { detail: { type: "MovieCreated", rating: 8 } })).toBe(true);
    expect(onBody(p, { detail: { type: "MovieCreated", rating: 2 } })).toBe(false);
    expect(onBody({ tags: ["b"] }, { tags: ["a", "b"] })).toBe(true);
    expect(onBody({ ok: [true], gone: [null] }, { ok: true, gone: null })).toBe(true);
  });

  it("never matches a body that is not JSON", () => {
    const policy = parseFilterPolicy('{"a":["b"]}', "MessageBody")!;
    expect(matchesFilterPolicy(policy, { body: "plain text", attributes: {} })).toBe(false);
  });
});

describe("SNS filter policy validation", () => {
  const bad = (policy: string, scope: FilterPolicyScope = "MessageAttributes") => () => parseFilterPolicy(policy, scope);

  it("treats an empty policy as none", () => {
    expect(parseFilterPolicy("", "MessageAttributes")).toBeUndefined();
    expect(parseFilterPolicy("{}", "MessageAttributes")).toBeUndefined();
  });

  it("rejects malformed policies with InvalidParameter and a reason", () => {
    expect(bad("{nope")).toThrow(/Invalid parameter: FilterPolicy: the policy is not valid JSON/);
    expect(bad('["a"]')).toThrow(/must be a JSON object/);
    expect(bad('{"a":"b"}')).toThrow(/must map to an array/);
    expect(bad('{"a":[]}')).toThrow(/at least one value/);
    expect(bad('{"a":{"b":["c"]}}')).toThrow(/only FilterPolicyScope MessageBody allows/);
    expect(bad('{"a":[{"wildcard":"x*"}]}')).toThrow(/unrecognized match type wildcard/);
    expect(bad('{"a":[{"numeric":[">",10,"<",5]}]}')).toThrow(/lower bound must be below/);
    expect(bad('{"a":[{"numeric":["~",1]}]}')).toThrow(/numeric takes/);
    expect(bad('{"a":[{"exists":"yes"}]}')).toThrow(/exists takes true or false/);
    expect(bad('{"$or":[{"a":["b"]}]}')).toThrow(/at least two policy objects/);
    let err: unknown;
    try {
      parseFilterPolicy("{nope", "MessageAttributes");
    } catch (e) {
      err = e;
    }
    expect((err as { code?: string } | undefined)?.code).toBe("InvalidParameter");
    expect(parseFilterPolicy('{"a":{"b":["c"]}}', "MessageBody")).toBeDefined();
  });
});
