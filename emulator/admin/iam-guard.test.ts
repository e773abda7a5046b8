import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { SendEmailCommand, SESClient } from "@aws-sdk/client-ses";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type Cloud } from "../cloud.js";
import { handlerZip } from "../providers/testing.js";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: "arn:aws:dynamodb:us-east-1:000000000000:table/movies-t" },
    { Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:000000000000:allowed" },
  ],
});
const STACK = {
  resource: {
    aws_iam_role: { r: { name: "fn-role", assume_role_policy: TRUST } },
    aws_iam_role_policy: { p: { role: "${aws_iam_role.r.id}", name: "access", policy: POLICY } },
    aws_sqs_queue: { allowed: { name: "allowed" }, other: { name: "other" } },
    aws_sns_topic: { t: { name: "t" } },
    aws_lambda_function: { fn: { function_name: "fn", role: "${aws_iam_role.r.arn}", handler: "index.handler", runtime: "nodejs22.x", filename: "fn.zip" } },
  },
};

async function withStack(iam: boolean): Promise<{ cloud: Cloud; as: { credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }; region: string; endpoint: string } }> {
  const cloud = await startCloud({ port: 0, iam });
  const res = await fetch(`${cloud.url}/_movies/stacks/s`, { method: "PUT", body: JSON.stringify({ template: STACK, assets: { "fn.zip": handlerZip("export const handler = async () => 1;\n").toString("base64") } }) });
  if (res.status !== 200) throw new Error(await res.text());
  const root = new DynamoDBClient({ endpoint: cloud.url, region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
  await root.send(new CreateTableCommand({ TableName: "movies-t", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" }));
  root.destroy();
  return { cloud, as: { credentials: cloud.lambda.credentialsOf("fn"), region: "us-east-1", endpoint: cloud.url } };
}

const denial = (action: string, resource: string) => `User: arn:aws:sts::000000000000:assumed-role/fn-role/fn is not authorized to perform: ${action} on resource: ${resource}`;

describe("IAM checks on calls made with a function's credentials", () => {
  let cloud: Cloud;
  let as: Awaited<ReturnType<typeof withStack>>["as"];
  beforeAll(async () => {
    ({ cloud, as } = await withStack(true));
  });
  afterAll(() => cloud?.stop());

  it("lets through what the role allows", async () => {
    await new DynamoDBClient(as).send(new PutItemCommand({ TableName: "movies-t", Item: { id: { S: "1" } } }));
    const sent = await new SQSClient(as).send(new SendMessageCommand({ QueueUrl: `${cloud.url}/000000000000/allowed`, MessageBody: "x" }));
    expect(sent.MessageId).toBeDefined();
  });

  it("denies DynamoDB, SQS, SNS, SES and Lambda calls the role does not allow, as AWS words it", async () => {
    await expect(new DynamoDBClient(as).send(new GetItemCommand({ TableName: "movies-t", Key: { id: { S: "1" } } }))).rejects.toMatchObject({
      name: "AccessDeniedException",
      message: expect.stringContaining(denial("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:000000000000:table/movies-t")),
    });
    // SQS spells the action in lower case in its denials
    await expect(new SQSClient(as).send(new SendMessageCommand({ QueueUrl: `${cloud.url}/000000000000/other`, MessageBody: "x" }))).rejects.toMatchObject({
      name: "AccessDenied",
      message: expect.stringContaining(denial("sqs:sendmessage", "arn:aws:sqs:us-east-1:000000000000:other")),
    });
    await expect(new SNSClient(as).send(new PublishCommand({ TopicArn: "arn:aws:sns:us-east-1:000000000000:t", Message: "x" }))).rejects.toMatchObject({
      name: "AuthorizationErrorException",
      message: expect.stringContaining(denial("SNS:Publish", "arn:aws:sns:us-east-1:000000000000:t")),
    });
    await expect(
      new SESClient(as).send(new SendEmailCommand({ Source: "a@example.com", Destination: { ToAddresses: ["b@example.com"] }, Message: { Subject: { Data: "s" }, Body: { Text: { Data: "b" } } } })),
    ).rejects.toMatchObject({ name: "AccessDenied" });
    await expect(new LambdaClient(as).send(new InvokeCommand({ FunctionName: "fn" }))).rejects.toMatchObject({
      name: "AccessDeniedException",
      message: expect.stringContaining(denial("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:000000000000:function:fn")),
    });
  });

  it("leaves other callers alone", async () => {
    const root = new DynamoDBClient({ endpoint: cloud.url, region: "us-east-1", credentials: { accessKeyId: "someone", secretAccessKey: "x" } });
    expect((await root.send(new GetItemCommand({ TableName: "movies-t", Key: { id: { S: "1" } } }))).Item?.id?.S).toBe("1");
  });

  it("checks nothing when the cloud runs with iam: false", async () => {
    const off = await withStack(false);
    try {
      const got = await new DynamoDBClient(off.as).send(new GetItemCommand({ TableName: "movies-t", Key: { id: { S: "1" } } }));
      expect(got.Item).toBeUndefined();
    } finally {
      await off.cloud.stop();
    }
  });
});
