import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ListFunctionsCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import { handlerZip, TEST_ROLE } from "../emulator/lambda/test-support/handler-zip.js";
import { localClientConfig } from "./support/cloud-client-config.js";

// What a hostile web page can make a browser send to 127.0.0.1: the cloud must refuse it before any service acts.

const SIGNED = (service: string) => `AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20261201/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef`;
const EVIL = "http://evil.example";
const BROWSER_TEXT = "text/plain;charset=UTF-8";

let cloud: Cloud;
let lambda: LambdaClient;

beforeAll(async () => {
  cloud = await startCloud({ port: 0, allowedOrigins: ["https://dashboard.example"], allowedHosts: ["cloud"] });
  lambda = new LambdaClient(localClientConfig(cloud.url));
});

afterAll(async () => {
  lambda?.destroy();
  await cloud?.stop();
});

/** fetch will not send a Host of our choosing; node:http will, as a rebound browser would. */
function statusWithHost(path: string, host: string): Promise<number> {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port: cloud.port, path, headers: { host } }, (res) => {
      res.resume();
      ok(res.statusCode ?? 0);
    });
    req.on("error", fail);
    req.end();
  });
}

async function functionNames(): Promise<string[]> {
  return ((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName!);
}

function createFunctionBody(name: string): string {
  const zip = Buffer.from(handlerZip({ "index.mjs": "import { execSync } from 'node:child_process'; export const handler = async () => execSync('id').toString();" }));
  return JSON.stringify({ FunctionName: name, Runtime: "nodejs22.x", Role: TEST_ROLE, Handler: "index.handler", Code: { ZipFile: zip.toString("base64") } });
}

describe("the front door against a hostile web page", () => {
  it("refuses the issue's cross-origin CreateFunction then Invoke sent as text/plain, and creates no function", async () => {
    const create = await fetch(`${cloud.url}/2015-03-31/functions`, {
      method: "POST",
      headers: { "content-type": BROWSER_TEXT, origin: EVIL },
      body: createFunctionBody("pwned"),
    });
    expect(create.status).toBe(403);
    expect(create.headers.get("access-control-allow-origin")).toBeNull();
    const invoke = await fetch(`${cloud.url}/2015-03-31/functions/pwned/invocations`, { method: "POST", headers: { "content-type": BROWSER_TEXT, origin: EVIL }, body: "{}" });
    expect(invoke.status).toBe(403);
    expect(await functionNames()).not.toContain("pwned");
  });

  it("refuses the same create without an Origin: unsigned, then signed but as text/plain", async () => {
    const unsigned = await fetch(`${cloud.url}/2015-03-31/functions`, { method: "POST", headers: { "content-type": "application/json" }, body: createFunctionBody("pwned2") });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
    const text = await fetch(`${cloud.url}/2015-03-31/functions`, { method: "POST", headers: { "content-type": BROWSER_TEXT, authorization: SIGNED("lambda") }, body: createFunctionBody("pwned2") });
    expect(text.status).toBe(400);
    expect(text.headers.get("x-amzn-errortype")).toBe("UnsupportedMediaTypeException");
    // a presigned-looking URL is no way around the content type either
    const presigned = new URLSearchParams({
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": "AKIDLOCAL/20261201/us-east-1/lambda/aws4_request",
      "X-Amz-SignedHeaders": "host",
      "X-Amz-Signature": "00",
    });
    const viaQuery = await fetch(`${cloud.url}/2015-03-31/functions?${presigned}`, { method: "POST", headers: { "content-type": BROWSER_TEXT }, body: createFunctionBody("pwned2") });
    expect(viaQuery.status).toBe(400);
    expect(await functionNames()).not.toContain("pwned2");
  });

  it("refuses a cross-site request without an Origin (an <img> or old-engine <form>) by its Sec-Fetch-Site", async () => {
    const res = await fetch(`${cloud.url}/?Action=ListTopics&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20261201%2Fus-east-1%2Fsns%2Faws4_request&X-Amz-SignedHeaders=host&X-Amz-Signature=00`, {
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(res.status).toBe(403);
  });

  it("answers unsigned SNS, SQS and Lambda calls as AWS does, each in its own protocol", async () => {
    const sns = await fetch(cloud.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "Action=CreateTopic&Name=t&Version=2010-03-31" });
    expect(sns.status).toBe(403);
    expect(await sns.text()).toContain("<Code>MissingAuthenticationToken</Code>");
    expect(cloud.models.sns.topics.size).toBe(0);

    const sqs = await fetch(cloud.url, { method: "POST", headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.CreateQueue" }, body: JSON.stringify({ QueueName: "q" }) });
    expect(sqs.status).toBe(400);
    expect(sqs.headers.get("x-amzn-query-error")).toBe("MissingAuthenticationToken;Sender");
    expect(((await sqs.json()) as { __type: string }).__type).toContain("MissingAuthenticationTokenException");

    const fn = await fetch(`${cloud.url}/2015-03-31/functions/`);
    expect(fn.status).toBe(403);
    expect(fn.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");

    const broken = await fetch(cloud.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: "AWS4-HMAC-SHA256 SignedHeaders=host" }, body: "Action=ListTopics" });
    expect(broken.status).toBe(400);
    expect(await broken.text()).toContain("<Code>IncompleteSignature</Code>");
  });

  it("refuses a Host that is not a name the cloud answers to (DNS rebinding), and answers loopback, IP and configured names", async () => {
    expect(await statusWithHost("/_movies/health", "evil.example")).toBe(403);
    expect(await statusWithHost("/2015-03-31/functions/", `evil.example:${cloud.port}`)).toBe(403);
    for (const host of [`localhost:${cloud.port}`, `127.0.0.1:${cloud.port}`, `[::1]:${cloud.port}`, `cloud:${cloud.port}`, `10.1.2.3:${cloud.port}`]) {
      expect(await statusWithHost("/_movies/health", host), host).toBe(200);
    }
  });

  it("takes AWS JSON only with its own content types", async () => {
    const headers = { "x-amz-target": "AmazonSQS.ListQueues", authorization: SIGNED("sqs") };
    const text = await fetch(cloud.url, { method: "POST", headers: { ...headers, "content-type": BROWSER_TEXT }, body: "{}" });
    expect(text.status).toBe(400);
    const none = await fetch(cloud.url, { method: "POST", headers, body: new Uint8Array(Buffer.from("{}")) });
    expect(none.status).toBe(400);
    const own = await fetch(cloud.url, { method: "POST", headers: { ...headers, "content-type": "application/x-amz-json-1.0" }, body: "{}" });
    expect(own.status).toBe(200);
  });

  it("refuses cross-site state changes on /_movies and /_aws, and answers preflights only for allowed origins", async () => {
    const stackBody = JSON.stringify({ template: {}, assets: {} });
    const cross = await fetch(`${cloud.url}/_movies/stacks/evil`, { method: "PUT", headers: { origin: EVIL, "content-type": "application/json" }, body: stackBody });
    expect(cross.status).toBe(403);
    const form = await fetch(`${cloud.url}/_movies/stacks/evil`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=b" });
    expect(form.status).toBe(400);
    const clearMail = await fetch(`${cloud.url}/_aws/ses`, { method: "DELETE", headers: { origin: EVIL } });
    expect(clearMail.status).toBe(403);
    expect((await (await fetch(`${cloud.url}/_movies/stacks`)).json()) as unknown).toEqual({ stacks: [] });

    const evilPreflight = await fetch(`${cloud.url}/_aws/ses`, { method: "OPTIONS", headers: { origin: EVIL, "access-control-request-method": "DELETE" } });
    expect(evilPreflight.status).toBe(403);
    expect(evilPreflight.headers.get("access-control-allow-origin")).toBeNull();

    for (const origin of ["http://localhost:3000", "http://127.0.0.1:5173", "https://dashboard.example"]) {
      const preflight = await fetch(`${cloud.url}/2015-03-31/functions`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type, x-amz-date" },
      });
      expect(preflight.status, origin).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin")).toBe(origin);
      expect(preflight.headers.get("access-control-allow-headers")).toBe("authorization, content-type, x-amz-date");
      const health = await fetch(`${cloud.url}/_movies/health`, { headers: { origin } });
      expect(health.status).toBe(200);
      expect(health.headers.get("access-control-allow-origin")).toBe(origin);
    }
  });

  it("reads the mailbox and the health of a user's link from another site, which change nothing", async () => {
    expect((await fetch(`${cloud.url}/_aws/ses`, { headers: { "sec-fetch-site": "cross-site" } })).status).toBe(200);
  });
});
