import { createHash, createHmac } from "node:crypto";
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateFunctionCommand, GetFunctionConcurrencyCommand, InvokeCommand, LambdaClient, PutFunctionConcurrencyCommand } from "@aws-sdk/client-lambda";
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import { handlerZip } from "../emulator/providers/testing.js";

/**
 * IAM walked around the ways issue 11 found: derived keys, forged
 * signatures, undecoded routes, functions created through the Lambda API,
 * unknown keys in strict mode.
 */

const ACCOUNT = "000000000000";
const REGION = "us-east-1";
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/secrets`;
// The role may write the table, publish nowhere, and do nothing to Lambda.
const POLICY = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: TABLE_ARN }] });
const STACK = {
  resource: {
    aws_iam_role: { r: { name: "fn-role", assume_role_policy: TRUST } },
    aws_iam_role_policy: { p: { role: "${aws_iam_role.r.id}", name: "access", policy: POLICY } },
    aws_sns_topic: { t: { name: "t" } },
    aws_lambda_function: {
      fn: { function_name: "fn", role: "${aws_iam_role.r.arn}", handler: "index.handler", runtime: "nodejs22.x", filename: "fn.zip" },
      victim: { function_name: "victim", role: "${aws_iam_role.r.arn}", handler: "index.handler", runtime: "nodejs22.x", filename: "fn.zip" },
    },
  },
};
const ROOT = { accessKeyId: "test", secretAccessKey: "test" };

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

async function cloudWithStack(iam: true | "strict"): Promise<Cloud> {
  const cloud = await startCloud({ port: 0, iam });
  const zip = handlerZip("export const handler = async () => 1;\n").toString("base64");
  const res = await fetch(`${cloud.url}/_movies/stacks/s`, { method: "PUT", body: JSON.stringify({ template: STACK, assets: { "fn.zip": zip } }) });
  if (res.status !== 200) throw new Error(await res.text());
  const root = new DynamoDBClient({ endpoint: cloud.url, region: REGION, credentials: ROOT });
  await root.send(new CreateTableCommand({ TableName: "secrets", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" }));
  await root.send(new PutItemCommand({ TableName: "secrets", Item: { id: { S: "k" }, v: { S: "the secret" } } }));
  root.destroy();
  return cloud;
}

const client = (cloud: Cloud, credentials: Creds) => ({ endpoint: cloud.url, region: REGION, credentials, maxAttempts: 1 });

/** The key the cloud used to hand a function: a hash of account and function name, computable by anyone. */
function oldDerivedKey(functionName: string): Creds {
  const digest = (...parts: string[]) => createHash("sha256").update(parts.join("\0")).digest();
  const bytes = digest("ASIA", "function", ACCOUNT, functionName);
  let id = "ASIA";
  for (let i = 0; id.length < 20; i++) id += "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[bytes[i % bytes.length]! % 32];
  return {
    accessKeyId: id,
    secretAccessKey: digest("secret", ACCOUNT, functionName).toString("base64").slice(0, 40),
    sessionToken: Buffer.concat([digest("token", ACCOUNT, functionName), digest("token2", ACCOUNT, functionName)]).toString("base64"),
  };
}

function bytes(d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof d === "string") return d;
  return d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** The hash the SDK's signer takes, on node:crypto. */
class NodeSha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret ? createHmac("sha256", bytes(secret)) : createHash("sha256");
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

/** A GetCallerIdentity URL presigned as the SDK presigns, for `creds`. */
async function presignedCallerIdentity(cloud: Cloud, creds: Creds): Promise<URL> {
  const url = new URL(cloud.url);
  const signer = new SignatureV4({ credentials: creds as Required<Creds>, region: REGION, service: "sts", sha256: NodeSha256 });
  const signed = await signer.presign(
    { method: "GET", protocol: "http:", hostname: url.hostname, port: Number(url.port), path: "/", query: { Action: "GetCallerIdentity", Version: "2011-06-15" }, headers: { host: url.host } },
    { expiresIn: 300 },
  );
  const out = new URL(`${cloud.url}/`);
  for (const [k, v] of Object.entries(signed.query ?? {})) out.searchParams.set(k, String(v));
  return out;
}

describe("IAM against a hostile caller (root by default)", () => {
  let cloud: Cloud;
  let fnCreds: Required<Creds>;
  beforeAll(async () => {
    cloud = await cloudWithStack(true);
    fnCreds = cloud.lambda.credentialsOf("fn");
  });
  afterAll(() => cloud?.stop());

  it("gives each execution environment its own random key, not one anyone can compute", async () => {
    const inside = await cloud.lambda.invoke("fn", "{}");
    expect(inside.statusCode).toBe(200);
    const derived = oldDerivedKey("fn");
    expect(fnCreds.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(fnCreds.accessKeyId).not.toBe(derived.accessKeyId);
    expect(cloud.lambda.credentialsOf("fn").accessKeyId).not.toBe(fnCreds.accessKeyId);
    // The key the cloud once derived is just an unknown key now: the account root, never the function.
    const who = await new STSClient(client(cloud, derived)).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:iam::${ACCOUNT}:root`);
    const me = await new STSClient(client(cloud, fnCreds)).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/fn-role/fn`);
  });

  it("refuses a forged signature made with a function's key id", async () => {
    const forged = { ...fnCreds, secretAccessKey: oldDerivedKey("fn").secretAccessKey };
    await expect(new DynamoDBClient(client(cloud, forged)).send(new GetItemCommand({ TableName: "secrets", Key: { id: { S: "k" } } }))).rejects.toMatchObject({
      name: "InvalidSignatureException",
      $metadata: { httpStatusCode: 400 },
    });
    await expect(new SNSClient(client(cloud, forged)).send(new PublishCommand({ TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:t`, Message: "x" }))).rejects.toMatchObject({
      name: "SignatureDoesNotMatch",
      $metadata: { httpStatusCode: 403 },
    });
    // Right key and secret, someone else's session token.
    await expect(new DynamoDBClient(client(cloud, { ...fnCreds, sessionToken: "x" + fnCreds.sessionToken.slice(1) })).send(new PutItemCommand({ TableName: "secrets", Item: { id: { S: "n" } } }))).rejects.toMatchObject({
      name: "UnrecognizedClientException",
    });
    const item = await new DynamoDBClient(client(cloud, ROOT)).send(new GetItemCommand({ TableName: "secrets", Key: { id: { S: "n" } } }));
    expect(item.Item).toBeUndefined();
  });

  it("refuses a body swapped after signing (the signature covers the payload hash)", async () => {
    const ddb = new DynamoDBClient(client(cloud, fnCreds));
    ddb.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { body: string };
        req.body = req.body.replace('"n2"', '"n3"');
        return next(args);
      },
      { step: "deserialize", name: "swapBodyAfterSigning" },
    );
    await expect(ddb.send(new PutItemCommand({ TableName: "secrets", Item: { id: { S: "n2" } } }))).rejects.toMatchObject({ name: "InvalidSignatureException" });
    const root = new DynamoDBClient(client(cloud, ROOT));
    expect((await root.send(new GetItemCommand({ TableName: "secrets", Key: { id: { S: "n3" } } }))).Item).toBeUndefined();
    // Unmodified, the same call goes through: the role may PutItem.
    await new DynamoDBClient(client(cloud, fnCreds)).send(new PutItemCommand({ TableName: "secrets", Item: { id: { S: "n2" } } }));
    expect((await root.send(new GetItemCommand({ TableName: "secrets", Key: { id: { S: "n2" } } }))).Item?.id?.S).toBe("n2");
  });

  it("refuses a signed request replayed more than 15 minutes later", async () => {
    const signer = new SignatureV4({ credentials: fnCreds, region: REGION, service: "sts", sha256: NodeSha256 });
    const u = new URL(cloud.url);
    const body = "Action=GetCallerIdentity&Version=2011-06-15";
    const signed = await signer.sign(
      { method: "POST", protocol: "http:", hostname: u.hostname, port: Number(u.port), path: "/", query: {}, headers: { host: u.host, "content-type": "application/x-www-form-urlencoded" }, body },
      { signingDate: new Date(Date.now() - 20 * 60_000) },
    );
    const res = await fetch(`${cloud.url}/`, { method: "POST", headers: signed.headers, body });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Signature expired");
  });

  it("verifies presigned URLs of issued keys too", async () => {
    const good = await presignedCallerIdentity(cloud, fnCreds);
    const ok = await fetch(good);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain(`assumed-role/fn-role/fn`);
    const bad = new URL(good);
    bad.searchParams.set("X-Amz-Signature", "0".repeat(64));
    const refused = await fetch(bad);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
  });

  it("denies the concurrency routes to a function whose role has no Lambda permission", async () => {
    await expect(new LambdaClient(client(cloud, fnCreds)).send(new PutFunctionConcurrencyCommand({ FunctionName: "victim", ReservedConcurrentExecutions: 0 }))).rejects.toMatchObject({
      name: "AccessDeniedException",
      message: expect.stringContaining("lambda:PutFunctionConcurrency"),
    });
    const seen = await new LambdaClient(client(cloud, ROOT)).send(new GetFunctionConcurrencyCommand({ FunctionName: "victim" }));
    expect(seen.ReservedConcurrentExecutions).toBeUndefined();
  });

  it("needs iam:PassRole to give a new function a role, as AWS does", async () => {
    const admin = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["lambda:CreateFunction"], Resource: "*" }] });
    cloud.iam.putRolePolicy("fn-role", "may-create", admin);
    try {
      await expect(
        new LambdaClient(client(cloud, fnCreds)).send(
          new CreateFunctionCommand({ FunctionName: "escalate", Role: `arn:aws:iam::${ACCOUNT}:role/fn-role`, Handler: "index.handler", Runtime: "nodejs22.x", Code: { ZipFile: handlerZip("export const handler = async () => 1;") } }),
        ),
      ).rejects.toMatchObject({ name: "AccessDeniedException", message: expect.stringContaining("iam:PassRole on resource: arn:aws:iam::000000000000:role/fn-role") });
      expect(cloud.lambda.has("escalate")).toBe(false);
    } finally {
      cloud.iam.deleteRolePolicy("fn-role", "may-create");
    }
  });

  it("denies, for issued keys, any request it cannot name an IAM action for", async () => {
    const url = `${cloud.url}/2015-03-31/functions/victim/no-such-part`;
    const signer = new SignatureV4({ credentials: fnCreds, region: REGION, service: "lambda", sha256: NodeSha256 });
    const u = new URL(url);
    const signed = await signer.sign({ method: "PUT", protocol: "http:", hostname: u.hostname, port: Number(u.port), path: u.pathname, query: {}, headers: { host: u.host, "content-type": "application/json" }, body: "{}" });
    const res = await fetch(url, { method: "PUT", headers: signed.headers, body: "{}" });
    expect(res.status).toBe(403);
    expect(res.headers.get("x-amzn-errortype")).toBe("AccessDeniedException");
  });

  it("answers a revoked key (its environment ended, its function deleted) with ExpiredToken", async () => {
    const gone = cloud.lambda.credentialsOf("victim");
    await cloud.lambda.delete("victim");
    await expect(new DynamoDBClient(client(cloud, gone)).send(new GetItemCommand({ TableName: "secrets", Key: { id: { S: "k" } } }))).rejects.toMatchObject({
      name: "ExpiredTokenException",
    });
    await expect(new STSClient(client(cloud, gone)).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: "ExpiredToken" });
  });

  it("enforces the role of a function created through the Lambda API", async () => {
    const source = `
      import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
      const ddb = new DynamoDBClient({});
      export const handler = async () => {
        try {
          const got = await ddb.send(new GetItemCommand({ TableName: "secrets", Key: { id: { S: "k" } } }));
          return { item: got.Item?.v?.S };
        } catch (e) {
          return { error: e.name, message: e.message };
        }
      };`;
    // Role and function both made through the APIs, as Terraform or the AWS CLI would.
    const iam = new IAMClient(client(cloud, ROOT));
    const role = await iam.send(new CreateRoleCommand({ RoleName: "api-role", AssumeRolePolicyDocument: TRUST }));
    await iam.send(new PutRolePolicyCommand({ RoleName: "api-role", PolicyName: "write-only", PolicyDocument: POLICY }));
    const lambda = new LambdaClient(client(cloud, ROOT));
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: "api-made",
        Role: role.Role!.Arn,
        Handler: "index.handler",
        Runtime: "nodejs22.x",
        Code: { ZipFile: handlerZip(source) },
      }),
    );
    const out = await lambda.send(new InvokeCommand({ FunctionName: "api-made" }));
    const result = JSON.parse(Buffer.from(out.Payload!).toString()) as { error?: string; message?: string; item?: string };
    expect(result.item).toBeUndefined();
    expect(result.error).toBe("AccessDeniedException");
    expect(result.message).toContain(`assumed-role/api-role/api-made is not authorized to perform: dynamodb:GetItem on resource: ${TABLE_ARN}`);
  });
});

describe("IAM in strict mode", () => {
  let cloud: Cloud;
  beforeAll(async () => {
    cloud = await cloudWithStack("strict");
  });
  afterAll(() => cloud?.stop());

  it("refuses keys it never issued, in each protocol's words", async () => {
    const stranger = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
    await expect(new DynamoDBClient(client(cloud, stranger)).send(new GetItemCommand({ TableName: "secrets", Key: { id: { S: "k" } } }))).rejects.toMatchObject({
      name: "UnrecognizedClientException",
    });
    await expect(new STSClient(client(cloud, stranger)).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: "InvalidClientTokenId",
      $metadata: { httpStatusCode: 403 },
    });
    await expect(new SNSClient(client(cloud, oldDerivedKey("fn"))).send(new PublishCommand({ TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:t`, Message: "x" }))).rejects.toMatchObject({
      name: "InvalidClientTokenId",
    });
    await expect(new LambdaClient(client(cloud, stranger)).send(new InvokeCommand({ FunctionName: "fn" }))).rejects.toMatchObject({ name: "UnrecognizedClientException" });
  });

  it("lets the root key in, signature checked, and functions keep working", async () => {
    const root = new DynamoDBClient(client(cloud, ROOT));
    expect((await root.send(new GetItemCommand({ TableName: "secrets", Key: { id: { S: "k" } } }))).Item?.v?.S).toBe("the secret");
    await expect(new DynamoDBClient(client(cloud, { accessKeyId: "test", secretAccessKey: "wrong" })).send(new GetItemCommand({ TableName: "secrets", Key: { id: { S: "k" } } }))).rejects.toMatchObject({
      name: "InvalidSignatureException",
    });
    const out = await new LambdaClient(client(cloud, ROOT)).send(new InvokeCommand({ FunctionName: "fn" }));
    expect(Buffer.from(out.Payload!).toString()).toBe("1");
  });
});
