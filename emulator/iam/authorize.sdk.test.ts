import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { SendEmailCommand, SESClient } from "@aws-sdk/client-ses";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsError } from "../core/aws-error.js";
import type { CallContext } from "../core/service.js";
import { credentialScope } from "../core/sigv4-scope.js";
import { readJson, sendJson, sendJsonError } from "../wire/aws-json.js";
import { readQueryParams, sendQueryError, sendQueryResult } from "../wire/aws-query.js";
import { checkCall } from "./authorize.js";
import { PrincipalRegistry } from "./principals.js";

/**
 * The denials as the real AWS SDK v3 clients see them: a small server that
 * runs checkCall before answering and encodes the AwsError with the shared
 * wire codecs, as the services do.
 */
const ACCOUNT = "000000000000";
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/get-movie-role/get-movie`;
const registry = new PrincipalRegistry({ accountId: ACCOUNT });
registry.putRole("get-movie-role");
registry.putRolePolicy("get-movie-role", "read", {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Movies` }],
});
registry.registerFunction("get-movie", `arn:aws:iam::${ACCOUNT}:role/get-movie-role`);
const functionCreds = registry.issueSession("get-movie");
const rootCreds = { accessKeyId: "test", secretAccessKey: "test" };

let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const scope = credentialScope(req.headers, url.searchParams);
    const ctx: CallContext = { requestId: "req-1", region: scope?.region ?? "us-east-1", accountId: ACCOUNT, baseUrl: endpoint, accessKeyId: scope?.accessKeyId };
    const target = req.headers["x-amz-target"];
    if (typeof target === "string") {
      const [prefix, operation] = target.split(".") as [string, string];
      const service = prefix.startsWith("AmazonSQS") ? "sqs" : "dynamodb";
      try {
        const input = await readJson(req);
        checkCall({ service, operation, input, region: ctx.region, accountId: ACCOUNT, accessKeyId: ctx.accessKeyId }, registry);
        sendJson(res, ctx, service === "sqs" ? { MessageId: "m-1", MD5OfMessageBody: "acbd18db4cc2f85cedef654fccc4a4d8" } : {});
      } catch (e) {
        const err = e as AwsError;
        sendJsonError(res, ctx, err, service === "sqs" ? { typePrefix: "com.amazonaws.sqs#", queryErrorCode: err.code } : { typePrefix: "com.amazonaws.dynamodb.v20120810#" });
      }
      return;
    }
    const params = await readQueryParams(req, url.searchParams);
    const service = scope?.service ?? "sns";
    const ns = service === "ses" ? "http://ses.amazonaws.com/doc/2010-12-01/" : "http://sns.amazonaws.com/doc/2010-03-31/";
    try {
      checkCall({ service, operation: params.Action!, input: params, region: ctx.region, accountId: ACCOUNT, accessKeyId: ctx.accessKeyId }, registry);
      sendQueryResult(res, ctx, params.Action!, ns, "<MessageId>m-1</MessageId>");
    } catch (e) {
      sendQueryError(res, ctx, e as AwsError, ns);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const clientConfig = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => ({
  region: "us-east-1",
  endpoint,
  credentials,
  maxAttempts: 1,
});

async function rejection(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error("expected the call to be refused");
}

describe("denials through the real SDK clients", () => {
  it("DynamoDB: the function may GetItem but gets AccessDeniedException on another table", async () => {
    const ddb = new DynamoDBClient(clientConfig(functionCreds));
    await expect(ddb.send(new GetItemCommand({ TableName: "Movies", Key: { movieID: { S: "1" } } }))).resolves.toBeDefined();
    const err = await rejection(ddb.send(new GetItemCommand({ TableName: "Ratings", Key: { movieID: { S: "1" } } })));
    expect(err).toEqual({
      name: "AccessDeniedException",
      status: 400,
      message: `User: ${SESSION} is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Ratings because no identity-based policy allows the dynamodb:GetItem action`,
    });
    ddb.destroy();
  });

  it("SQS: AccessDenied from the query-compatible error code", async () => {
    const sqs = new SQSClient(clientConfig(functionCreds));
    const err = await rejection(sqs.send(new SendMessageCommand({ QueueUrl: `${endpoint}/${ACCOUNT}/movie-updates-queue`, MessageBody: "foo" })));
    expect(err.name).toBe("AccessDenied");
    expect(err.status).toBe(403);
    expect(err.message).toContain("is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:000000000000:movie-updates-queue");
    sqs.destroy();
  });

  it("SNS: AuthorizationError; SES: AccessDenied", async () => {
    const sns = new SNSClient(clientConfig(functionCreds));
    const snsErr = await rejection(sns.send(new PublishCommand({ TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:movie-updates-topic`, Message: "{}" })));
    // The wire code is AuthorizationError; SDK v3 surfaces its modeled shape, as it does against AWS.
    expect([snsErr.name, snsErr.status]).toEqual(["AuthorizationErrorException", 403]);
    expect(snsErr.message).toContain(`User: ${SESSION} is not authorized to perform: SNS:Publish`);
    const ses = new SESClient(clientConfig(functionCreds));
    const sesErr = await rejection(
      ses.send(new SendEmailCommand({ Source: "noreply@movies.example", Destination: { ToAddresses: ["a@b.example"] }, Message: { Subject: { Data: "s" }, Body: { Text: { Data: "b" } } } })),
    );
    expect([sesErr.name, sesErr.status]).toEqual(["AccessDenied", 403]);
    expect(sesErr.message).toContain("is not authorized to perform `ses:SendEmail' on resource `arn:aws:ses:us-east-1:000000000000:identity/noreply@movies.example'");
    sns.destroy();
    ses.destroy();
  });

  it("ordinary credentials are the account root and are never refused", async () => {
    const sns = new SNSClient(clientConfig(rootCreds));
    await expect(sns.send(new PublishCommand({ TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:movie-updates-topic`, Message: "{}" }))).resolves.toMatchObject({ MessageId: "m-1" });
    sns.destroy();
  });
});
