import { APIGatewayProxyEventSchema } from "@aws-lambda-powertools/parser/schemas/api-gateway";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRouter } from "../core/router.js";
import { FunctionRegistry } from "../lambda/functions.js";
import { handlerZip, TEST_ROLE } from "../lambda/test-support/handler-zip.js";
import { createApiGatewayDataPlane } from "./data-plane.js";
import { ApiGatewayModel } from "./model.js";
import { RequestLog } from "./request-log.js";

const ACCOUNT = "000000000000";
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
const uri = (name: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fnArn(name)}/invocations`;

const ECHO = `export const handler = async (event) => ({ statusCode: 200, headers: { "content-type": "application/json", "x-echo": "1" }, body: JSON.stringify(event) });`;
const BROKEN = `export const handler = async () => ({ status: "fine" });`;
const THROWS = `export const handler = async () => { throw new Error("boom"); };`;

let server: Server;
let base: string;
let registry: FunctionRegistry;
const model = new ApiGatewayModel();
const log = new RequestLog();
const executionErrors: string[] = [];
let apiId = "";
let keyValue = "";

beforeAll(async () => {
  registry = new FunctionRegistry({ region: "us-east-1", accountId: ACCOUNT });
  for (const [name, code] of [["echo", ECHO], ["broken", BROKEN], ["throws", THROWS], ["no-permission", ECHO]] as const) {
    registry.create({ FunctionName: name, Role: TEST_ROLE, Handler: "index.handler", Runtime: "nodejs22.x", Code: { ZipFile: handlerZip({ "index.mjs": code }) } });
    if (name !== "no-permission") {
      registry.addPermission(name, { StatementId: "apigw", Action: "lambda:InvokeFunction", Principal: "apigateway.amazonaws.com", SourceArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:*/*/*` });
    }
  }
  const api = model.createRestApi({ name: "movies-api" });
  apiId = api.id;
  const movies = model.createResource(api.id, api.rootResourceId, "movies");
  const movie = model.createResource(api.id, movies.id, "{movieID}");
  const route = (resourceId: string, method: string, fn: string, apiKeyRequired = false) => {
    model.putMethod(api.id, resourceId, { httpMethod: method, authorizationType: "NONE", apiKeyRequired });
    model.putIntegration(api.id, resourceId, method, { type: "AWS_PROXY", httpMethod: "POST", uri: uri(fn) });
  };
  route(movies.id, "GET", "echo");
  route(movies.id, "POST", "echo", true);
  route(movie.id, "GET", "echo");
  route(movie.id, "PUT", "broken");
  route(movie.id, "DELETE", "throws");
  route(movie.id, "PATCH", "no-permission");
  const deployment = model.createDeployment(api.id);
  model.createStage(api.id, { name: "live", deploymentId: deployment.id });
  // added after the deployment: not served until the next deployment, as on AWS
  route(movie.id, "HEAD", "echo");
  const key = model.createApiKey({ name: "cli", enabled: true });
  keyValue = key.value;
  const plan = model.createUsagePlan({ name: "writers", apiStages: [{ apiId: api.id, stage: "live" }], throttle: { rateLimit: 1, burstLimit: 3 } });
  model.addUsagePlanKey(plan.id, key.id);

  const dataPlane = createApiGatewayDataPlane({ model, lambda: () => registry, log, accountId: ACCOUNT, onExecutionError: (m) => executionErrors.push(m) });
  server = createServer(createRouter({ services: [dataPlane], accountId: ACCOUNT, fallbackHost: () => "127.0.0.1" }));
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/restapis/${apiId}/live/_user_request_`;
});

afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  await registry.close();
});

describe("API Gateway REST data plane", () => {
  it("invokes the function with a v1 proxy event that passes Powertools' schema", async () => {
    const res = await fetch(`${base}/movies/42?x=1&x=2&y=3`, { headers: { "X-Custom": "abc" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-echo")).toBe("1");
    const event = (await res.json()) as Record<string, any>;
    expect(APIGatewayProxyEventSchema.safeParse(event).success).toBe(true);
    expect(event.resource).toBe("/movies/{movieID}");
    expect(event.path).toBe("/movies/42");
    expect(event.pathParameters).toEqual({ movieID: "42" });
    expect(event.queryStringParameters).toEqual({ x: "2", y: "3" });
    expect(event.multiValueQueryStringParameters).toEqual({ x: ["1", "2"], y: ["3"] });
    expect(event.headers["X-Custom"]).toBe("abc");
    expect(event.body).toBeNull();
    expect(event.stageVariables).toBeNull();
    expect(event.requestContext).toMatchObject({ stage: "live", resourcePath: "/movies/{movieID}", httpMethod: "GET", path: "/live/movies/42", apiId, accountId: ACCOUNT });
    expect(event.requestContext.identity.sourceIp).toBe("127.0.0.1");
  });

  it("uses null for empty maps and passes the body as text", async () => {
    const res = await fetch(`${base}/movies`, { method: "POST", headers: { "x-api-key": keyValue, "content-type": "application/json" }, body: '{"a":1}' });
    const event = (await res.json()) as Record<string, any>;
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
    expect(event.pathParameters).toBeNull();
    expect(event.body).toBe('{"a":1}');
    expect(event.requestContext.identity.apiKey).toBe(keyValue);
  });

  it("answers AWS's 403 Missing Authentication Token for unknown routes and methods, and for methods not yet deployed", async () => {
    for (const [path, method] of [["/nope", "GET"], ["/movies", "DELETE"], ["/movies/1", "HEAD"]] as const) {
      const res = await fetch(`${base}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(403);
      if (method !== "HEAD") expect(await res.json()).toEqual({ message: "Missing Authentication Token" });
    }
  });

  it("requires an API key of a usage plan for api_key_required methods", async () => {
    expect((await fetch(`${base}/movies`, { method: "POST", body: "{}" })).status).toBe(403);
    const wrong = await fetch(`${base}/movies`, { method: "POST", body: "{}", headers: { "x-api-key": "not-a-key-of-any-plan-000" } });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ message: "Forbidden" });
  });

  it("answers 429 Too Many Requests past the plan's burst", async () => {
    const answers: Array<{ status: number; body: unknown }> = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${base}/movies`, { method: "POST", body: "{}", headers: { "x-api-key": keyValue } });
      answers.push({ status: res.status, body: await res.json() });
    }
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.body).toEqual({ message: "Too Many Requests" });
  });

  it("answers 502 for a malformed proxy response and for a function error", async () => {
    for (const method of ["PUT", "DELETE"]) {
      const res = await fetch(`${base}/movies/1`, { method });
      expect(res.status).toBe(502);
      expect(await res.json()).toEqual({ message: "Internal server error" });
    }
    expect(executionErrors.some((m) => m.includes("Malformed Lambda proxy response"))).toBe(true);
    expect(executionErrors.some((m) => m.includes("boom"))).toBe(true);
  });

  it("answers 500 when no lambda permission lets the API invoke the function", async () => {
    const res = await fetch(`${base}/movies/1`, { method: "PATCH" });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: "Internal server error" });
    expect(executionErrors.some((m) => m.includes("Invalid permissions on Lambda function"))).toBe(true);
  });

  it("serves the same routes under /_aws/execute-api and logs every request", async () => {
    const url = base.replace(`/restapis/${apiId}/live/_user_request_`, `/_aws/execute-api/${apiId}/live`);
    expect((await fetch(`${url}/movies`)).status).toBe(200);
    expect(log.since(0).some((r) => r.path === "/movies" && r.status === 200 && r.method === "GET")).toBe(true);
  });

  it("answers 404 for an unknown API or stage", async () => {
    expect((await fetch(base.replace(apiId, "nosuchapi1"))).status).toBe(404);
    expect((await fetch(base.replace("/live/", "/dev/"))).status).toBe(404);
  });
});
