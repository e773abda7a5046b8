import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDBClient, DescribeLimitsCommand } from "@aws-sdk/client-dynamodb";
import { STSClient, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { startCloud, type Cloud } from "../cloud.js";
import { localClientConfig } from "../../test/support/cloud-client-config.js";
import { rejection } from "../../test/support/rejection.js";
import { AwsError } from "./aws-error.js";
import { createRouter, routeInfo } from "./router.js";
import type { RouteInfo, Service } from "./service.js";

const SIGNED_SNS = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261129/eu-central-1/sns/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";

describe("router against the running cloud", () => {
  let cloud: Cloud;
  beforeAll(async () => {
    cloud = await startCloud({ port: 0 });
  });
  afterAll(() => cloud?.stop());

  it("reports every mounted service on GET /_movies/health", async () => {
    const res = await fetch(`${cloud.url}/_movies/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; accountId: string; services: Record<string, { status: string }> };
    expect(body.status).toBe("running");
    expect(body.accountId).toBe("000000000000");
    expect(body.services.dynamodb?.status).toBe("running");
    expect(body.services.sts?.status).toBe("running");
    expect(Object.keys(body.services)).toEqual(Object.keys(cloud.services));
  });

  it("answers a DynamoDB operation it lacks with UnknownOperationException through the SDK", async () => {
    const client = new DynamoDBClient(localClientConfig(cloud.url));
    const err = await rejection(client.send(new DescribeLimitsCommand({})));
    client.destroy();
    expect(err.name).toBe("UnknownOperationException");
    expect(err.$metadata?.httpStatusCode).toBe(400);
  });

  it("answers an STS action it lacks with InvalidAction through the SDK", async () => {
    const client = new STSClient(localClientConfig(cloud.url));
    const err = await rejection(client.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/r", RoleSessionName: "s" })));
    client.destroy();
    expect(err.name).toBe("InvalidAction");
  });

  it("answers an unknown X-Amz-Target in JSON and an unknown awsQuery service in XML, at once", async () => {
    const json = await fetch(cloud.url, { method: "POST", headers: { "x-amz-target": "Nobody_2020.DoThing", "content-type": "application/x-amz-json-1.0", authorization: SIGNED_SNS.replace("/sns/", "/nobody/") }, body: "{}" });
    expect(json.status).toBe(400);
    expect(json.headers.get("x-amzn-requestid")).toMatch(/[0-9a-f-]{36}/);
    expect(((await json.json()) as { __type: string }).__type).toContain("UnknownOperationException");

    const xml = await fetch(cloud.url, {
      method: "POST",
      headers: { authorization: SIGNED_SNS.replace("/sns/", "/cloudformation/"), "content-type": "application/x-www-form-urlencoded" },
      body: "Action=ListStacks&Version=2010-05-15",
    });
    expect(xml.status).toBe(400);
    const text = await xml.text();
    expect(text).toContain("<Code>InvalidAction</Code>");
    expect(text).toContain("<RequestId>");

    const path = await fetch(`${cloud.url}/no/such/thing`, { headers: { authorization: SIGNED_SNS.replace("/sns/", "/nobody/") } });
    expect(path.status).toBe(404);
    // unsigned, it is refused at the front door before any routing, as AWS does
    expect((await fetch(`${cloud.url}/no/such/thing`)).status).toBe(403);
  });
});

describe("router", () => {
  it("reads region, service and access key from the SigV4 credential scope", () => {
    const info = routeInfo({ url: "/x?y=1", method: "post", headers: { authorization: SIGNED_SNS } } as never);
    expect(info).toMatchObject({ method: "POST", path: "/x", signingService: "sns", target: undefined });
    expect(info.query.get("y")).toBe("1");
  });

  describe("with a service that fails", () => {
    let server: Server;
    let url: string;
    const errors: unknown[] = [];
    const seen: { region: string; accessKeyId?: string; baseUrl: string }[] = [];
    const broken: Service = {
      name: "broken",
      claims: (route: RouteInfo) => route.path.startsWith("/broken"),
      async handle(req, res, route, ctx) {
        seen.push(ctx);
        if (route.path === "/broken/aws") throw new AwsError("Throttling", "slow down", 400);
        if (route.path === "/broken/sync") throw new Error("sync boom");
        await new Promise((r) => setTimeout(r, 1));
        if (route.path === "/broken/async") throw new Error("async boom");
        req.resume();
        res.end("ok");
      },
    };
    const badClaims: Service = {
      name: "bad-claims",
      claims: (route: RouteInfo) => {
        if (route.path === "/claims-throw") throw new Error("claims boom");
        return false;
      },
      handle: async () => undefined,
    };

    beforeAll(async () => {
      server = createServer(createRouter({ services: [badClaims, broken], fallbackHost: () => "fallback:1", onInternalError: (e) => errors.push(e) }));
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("turns thrown errors into 500s with a request id and keeps serving", async () => {
      for (const path of ["/broken/sync", "/broken/async", "/claims-throw"]) {
        const res = await fetch(url + path, { method: "POST", body: "{}" });
        expect(res.status).toBe(500);
        const body = (await res.json()) as { __type: string; message: string };
        expect(body.__type).toBe("InternalFailure");
        expect(body.message).toContain(res.headers.get("x-amzn-requestid")!);
      }
      expect(errors.map((e) => (e as Error).message)).toEqual(["sync boom", "async boom", "claims boom"]);
      const aws = await fetch(`${url}/broken/aws`, { headers: { authorization: SIGNED_SNS } });
      expect(aws.status).toBe(400);
      expect(((await aws.json()) as { __type: string }).__type).toBe("Throttling");
      const ok = await fetch(`${url}/broken/ok`, { headers: { authorization: SIGNED_SNS } });
      expect(await ok.text()).toBe("ok");
      expect(seen.at(-1)).toMatchObject({ region: "eu-central-1", accessKeyId: "AKIDTEST", baseUrl: url });
    });
  });
});

describe("routeInfo paths", () => {
  const info = (url: string) => routeInfo({ url, method: "GET", headers: {} } as never);
  it("keeps plain paths and queries as sent, and normalises odd ones as URL does", () => {
    expect(info("/000000000000/my-queue?Action=SendMessage&X=a%20b")).toMatchObject({ path: "/000000000000/my-queue" });
    expect(info("/000000000000/my-queue?Action=SendMessage&X=a%20b").query.get("X")).toBe("a b");
    expect(info("/2015-03-31/functions/fn%3Aalias/invocations").path).toBe("/2015-03-31/functions/fn%3Aalias/invocations");
    expect(info("/a/../_movies/health").path).toBe("/_movies/health");
    expect(info("/a b").path).toBe("/a%20b");
    expect(info("/").path).toBe("/");
  });
});
