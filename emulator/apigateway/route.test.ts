import { describe, expect, it } from "vitest";
import type { Method, Resource } from "./model.js";
import { matchRoute } from "./route.js";

const method = (httpMethod: string): Method => ({ httpMethod, authorizationType: "NONE", apiKeyRequired: false }) as Method;
const resource = (path: string, ...methods: string[]): Resource => ({
  id: path,
  pathPart: path.slice(path.lastIndexOf("/") + 1),
  path,
  methods: Object.fromEntries(methods.map((m) => [m, method(m)])),
});

const resources = [
  resource("/"),
  resource("/movies", "GET", "POST"),
  resource("/movies/{movieID}", "GET", "DELETE"),
  resource("/movies/top", "GET"),
  resource("/files/{path+}", "ANY"),
  resource("/{proxy+}", "GET"),
];

describe("matchRoute", () => {
  it("prefers a literal segment over a parameter, and a parameter over a greedy path", () => {
    expect(matchRoute(resources, "GET", "/movies/top")?.resource.path).toBe("/movies/top");
    const byId = matchRoute(resources, "GET", "/movies/m%20one");
    expect(byId?.resource.path).toBe("/movies/{movieID}");
    expect(byId?.pathParameters).toEqual({ movieID: "m one" });
    expect(matchRoute(resources, "GET", "/other/deep/path")?.pathParameters).toEqual({ proxy: "other/deep/path" });
  });

  it("gives a greedy parameter the rest of the path, decoded segment by segment", () => {
    const m = matchRoute(resources, "PUT", "/files/a/b%2Fc/d");
    expect(m?.resource.path).toBe("/files/{path+}");
    expect(m?.method.httpMethod).toBe("ANY");
    expect(m?.pathParameters).toEqual({ path: "a/b/c/d" });
    expect(matchRoute(resources, "GET", "/files")?.resource.path).toBe("/{proxy+}");
  });

  it("falls back to a less specific resource that has the method, and to nothing", () => {
    // /movies/top has no DELETE: /movies/{movieID} does
    expect(matchRoute(resources, "DELETE", "/movies/top")?.pathParameters).toEqual({ movieID: "top" });
    expect(matchRoute(resources, "POST", "/movies/top/extra")).toBeUndefined();
    expect(matchRoute(resources, "GET", "/movies")?.pathParameters).toBeNull();
    expect(matchRoute([resource("/movies", "GET")], "GET", "/movies/x")).toBeUndefined();
  });

  it("answers the same when asked again (split paths are kept between requests)", () => {
    for (let i = 0; i < 3; i++) expect(matchRoute(resources, "GET", `/movies/id-${i}`)?.pathParameters).toEqual({ movieID: `id-${i}` });
  });
});
