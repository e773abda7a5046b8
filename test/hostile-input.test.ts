import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateFunctionCommand, LambdaClient, ListFunctionsCommand, UpdateFunctionCodeCommand } from "@aws-sdk/client-lambda";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import { handlerZip, TEST_ROLE } from "../emulator/lambda/test-support/handler-zip.js";
import { localClientConfig } from "./support/cloud-client-config.js";
import { rawZip, type RawZipEntry } from "./support/raw-zip.js";
import { rejection } from "./support/rejection.js";

// Input that once froze the cloud or answered 500: each is the caller's error now, and the cloud keeps answering.

const SIGNED = (service: string) => `AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20261201/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef`;

let cloud: Cloud;
let lambda: LambdaClient;
let topicArn: string;

beforeAll(async () => {
  cloud = await startCloud({ port: 0 });
  lambda = new LambdaClient(localClientConfig(cloud.url));
  const sns = new SNSClient(localClientConfig(cloud.url));
  topicArn = (await sns.send(new CreateTopicCommand({ Name: "flood" }))).TopicArn!;
  sns.destroy();
});

afterAll(async () => {
  lambda?.destroy();
  await cloud?.stop();
});

/** A request whose body is written in two halves, with `between` run while the server holds the first half. */
function postInHalves(path: string, headers: Record<string, string>, body: string, between: () => Promise<void>): Promise<{ status: number; text: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port: cloud.port, path, method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => ok({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", fail);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half), () => {
      between().then(() => req.end(body.slice(half)), fail);
    });
  });
}

describe("a flood in one request", () => {
  it("refuses a Publish with 4,000 message attributes while health keeps answering", async () => {
    const params = new URLSearchParams({ Action: "Publish", Version: "2010-03-31", TopicArn: topicArn, Message: "hello" });
    for (let i = 1; i <= 4000; i++) {
      params.set(`MessageAttributes.entry.${i}.Name`, `attribute-number-${i}`);
      params.set(`MessageAttributes.entry.${i}.Value.DataType`, "String");
      params.set(`MessageAttributes.entry.${i}.Value.StringValue`, `value of attribute number ${i} padded ${"x".repeat(40)}`);
    }
    const body = params.toString();
    expect(body.length).toBeGreaterThan(500_000);
    const order: string[] = [];
    const publish = postInHalves("/", { "content-type": "application/x-www-form-urlencoded", authorization: SIGNED("sns") }, body, async () => {
      const health = await fetch(`${cloud.url}/_movies/health`);
      order.push(`health ${health.status}`);
    }).then((r) => {
      order.push("publish answered");
      return r;
    });
    // a second health check while the full body is parsed and refused
    const during = fetch(`${cloud.url}/_movies/health`).then((r) => r.status);
    const answer = await publish;
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("<Code>ParameterValueInvalid</Code>");
    expect(answer.text).toContain("Number of message attributes [4000] exceeds the allowed maximum [10].");
    expect(order).toEqual(["health 200", "publish answered"]);
    expect(await during).toBe(200);
  });

  it("refuses 11 attributes and accepts 10", async () => {
    const publish = async (n: number) => {
      const params = new URLSearchParams({ Action: "Publish", Version: "2010-03-31", TopicArn: topicArn, Message: "hello" });
      for (let i = 1; i <= n; i++) {
        params.set(`MessageAttributes.entry.${i}.Name`, `a${i}`);
        params.set(`MessageAttributes.entry.${i}.Value.DataType`, "String");
        params.set(`MessageAttributes.entry.${i}.Value.StringValue`, "v");
      }
      return fetch(cloud.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: SIGNED("sns") }, body: params.toString() });
    };
    expect((await publish(11)).status).toBe(400);
    expect((await publish(10)).status).toBe(200);
  });
});

describe("malformed percent-encoding in a path", () => {
  const cases: [string, string, Record<string, string>][] = [
    ["GET", "/restapis/abc123/live/_user_request_/movies/%zz", {}],
    ["GET", "/_aws/execute-api/abc123/live/movies/%ED%A0%80", {}],
    ["GET", "/2015-03-31/functions/%zz", { authorization: SIGNED("lambda") }],
    ["POST", "/2015-03-31/functions/%ED%A0%80/invocations", { authorization: SIGNED("lambda"), "content-type": "application/json" }],
    ["PUT", "/_movies/stacks/%zz", { "content-type": "application/json" }],
    ["GET", "/_movies/lambda/logs/%ED%A0%80", {}],
  ];
  for (const [method, path, headers] of cases) {
    it(`${method} ${path} is a 400`, async () => {
      const res = await fetch(`${cloud.url}${path}`, { method, headers, body: method === "GET" ? undefined : "{}" });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("percent-encoding");
    });
  }
});

describe("odd zips", () => {
  const handler = Buffer.from("export const handler = async () => 'ok';\n");
  const zips: [string, RawZipEntry[]][] = [
    ["a '.' entry", [{ name: "." }, { name: "index.mjs", data: handler }]],
    ["a file and a directory of one name", [{ name: "index.mjs", data: handler }, { name: "lib", data: handler }, { name: "lib/" }]],
    ["a file under a file", [{ name: "index.mjs", data: handler }, { name: "index.mjs/x.js", data: handler }]],
    ["a symlink", [{ name: "index.mjs", data: handler }, { name: "passwd", data: Buffer.from("/etc/passwd"), mode: 0o120777 }]],
    ["an absolute path", [{ name: "/tmp/evil.mjs", data: handler }]],
    ["a '..' entry", [{ name: "../evil.mjs", data: handler }]],
    ["a declared size over 250 MB (checked before inflating)", [{ name: "index.mjs", data: handler, declaredSize: 300 * 1024 * 1024 }]],
    ["an entry that inflates past its declared size", [{ name: "index.mjs", data: Buffer.alloc(100_000), declaredSize: 10 }]],
  ];
  for (const [what, entries] of zips) {
    it(`CreateFunction with ${what} is an InvalidParameterValueException`, async () => {
      const err = await rejection(
        lambda.send(new CreateFunctionCommand({ FunctionName: "odd", Runtime: "nodejs22.x", Role: TEST_ROLE, Handler: "index.handler", Code: { ZipFile: rawZip(entries) } })),
      );
      expect(err.name).toBe("InvalidParameterValueException");
      expect(err.$metadata?.httpStatusCode).toBe(400);
    });
  }

  it("UpdateFunctionCode with a symlink is refused and the old code stays", async () => {
    await lambda.send(new CreateFunctionCommand({ FunctionName: "kept", Runtime: "nodejs22.x", Role: TEST_ROLE, Handler: "index.handler", Code: { ZipFile: handlerZip({ "index.mjs": handler.toString() }) } }));
    const before = (await lambda.send(new ListFunctionsCommand({}))).Functions?.find((f) => f.FunctionName === "kept")?.CodeSha256;
    const err = await rejection(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: "kept", ZipFile: rawZip([{ name: "index.mjs", data: Buffer.from("/etc/passwd"), mode: 0o120777 }]) })));
    expect(err.name).toBe("InvalidParameterValueException");
    const after = (await lambda.send(new ListFunctionsCommand({}))).Functions?.find((f) => f.FunctionName === "kept")?.CodeSha256;
    expect(after).toBe(before);
    expect((await lambda.send(new ListFunctionsCommand({}))).Functions?.map((f) => f.FunctionName)).not.toContain("odd");
  });

  it("still answers health after all of it", async () => {
    expect((await fetch(`${cloud.url}/_movies/health`)).status).toBe(200);
  });
});
