import { describe, expect, it } from "vitest";
import { requiredPermissions, type ServiceCall } from "./required-permissions.js";

const ACCOUNT = "000000000000";
const base = { region: "us-east-1", accountId: ACCOUNT };
const need = (service: string, operation: string, input: Record<string, unknown> = {}, extra: Partial<ServiceCall> = {}) =>
  requiredPermissions({ ...base, service, operation, input, ...extra });
const actions = (perms: { action: string; resource: string }[]) => perms.map((p) => `${p.action} ${p.resource}`);

const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Movies`;

describe("DynamoDB", () => {
  it.each(["GetItem", "PutItem", "UpdateItem", "DeleteItem", "DescribeTable", "Scan", "Query", "UpdateTimeToLive"])("%s on the table", (op) => {
    expect(actions(need("dynamodb", op, { TableName: "Movies" }))).toEqual([`dynamodb:${op} ${TABLE}`]);
  });
  it("Query and Scan on an index need the index ARN", () => {
    expect(actions(need("dynamodb", "Query", { TableName: "Movies", IndexName: "ByGenre" }))).toEqual([`dynamodb:Query ${TABLE}/index/ByGenre`]);
  });
  it("accepts a table ARN as TableName", () => {
    const arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/Other";
    expect(actions(need("dynamodb", "GetItem", { TableName: arn }))).toEqual([`dynamodb:GetItem ${arn}`]);
  });
  it("batches need the batch action on each table", () => {
    expect(actions(need("dynamodb", "BatchGetItem", { RequestItems: { Movies: {}, Ratings: {} } }))).toEqual([
      `dynamodb:BatchGetItem ${TABLE}`,
      `dynamodb:BatchGetItem arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Ratings`,
    ]);
    expect(actions(need("dynamodb", "BatchWriteItem", { RequestItems: { Movies: [] } }))).toEqual([`dynamodb:BatchWriteItem ${TABLE}`]);
  });
  it("transactions need the item action of each entry", () => {
    const perms = need("dynamodb", "TransactWriteItems", {
      TransactItems: [
        { Put: { TableName: "Movies" } },
        { Update: { TableName: "Movies" } },
        { Delete: { TableName: "Idempotency" } },
        { ConditionCheck: { TableName: "Movies" } },
        { Put: { TableName: "Movies" } },
      ],
    });
    expect(actions(perms)).toEqual([
      `dynamodb:PutItem ${TABLE}`,
      `dynamodb:UpdateItem ${TABLE}`,
      `dynamodb:DeleteItem arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Idempotency`,
      `dynamodb:ConditionCheckItem ${TABLE}`,
    ]);
    expect(actions(need("dynamodb", "TransactGetItems", { TransactItems: [{ Get: { TableName: "Movies" } }] }))).toEqual([`dynamodb:GetItem ${TABLE}`]);
  });
  it("PartiQL statements map to PartiQL actions", () => {
    expect(actions(need("dynamodb", "ExecuteStatement", { Statement: `SELECT "title" FROM "Movies" WHERE movieID = ?` }))).toEqual([`dynamodb:PartiQLSelect ${TABLE}`]);
    expect(actions(need("dynamodb", "ExecuteStatement", { Statement: `select * from "Movies"."ByGenre"` }))).toEqual([`dynamodb:PartiQLSelect ${TABLE}/index/ByGenre`]);
    expect(actions(need("dynamodb", "ExecuteStatement", { Statement: `UPDATE Movies SET title = 'x' WHERE movieID = '1'` }))).toEqual([`dynamodb:PartiQLUpdate ${TABLE}`]);
    expect(actions(need("dynamodb", "ExecuteStatement", { Statement: `INSERT INTO "Movies" VALUE {'movieID': '1'}` }))).toEqual([`dynamodb:PartiQLInsert ${TABLE}`]);
    expect(actions(need("dynamodb", "ExecuteStatement", { Statement: `DELETE FROM "Movies" WHERE movieID = '1'` }))).toEqual([`dynamodb:PartiQLDelete ${TABLE}`]);
    expect(() => need("dynamodb", "ExecuteStatement", { Statement: "DROP TABLE x" })).toThrow("is not a PartiQL SELECT");
  });
  it("ListTables is account-wide; request parameters become condition keys", () => {
    expect(actions(need("dynamodb", "ListTables"))).toEqual([`dynamodb:ListTables arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/*`]);
    expect(need("dynamodb", "Query", { TableName: "Movies", Select: "COUNT" })[0]!.context).toEqual({ "dynamodb:Select": "COUNT" });
  });
  it("a missing TableName is a validation error", () => {
    expect(() => need("dynamodb", "GetItem", {})).toThrow("Value null at 'tableName'");
  });
});

describe("SQS", () => {
  const url = `http://127.0.0.1:4566/${ACCOUNT}/movie-updates-queue`;
  const arn = `arn:aws:sqs:us-east-1:${ACCOUNT}:movie-updates-queue`;
  it.each([
    ["SendMessage", "sqs:SendMessage"],
    ["ReceiveMessage", "sqs:ReceiveMessage"],
    ["DeleteMessage", "sqs:DeleteMessage"],
    ["GetQueueAttributes", "sqs:GetQueueAttributes"],
    ["SendMessageBatch", "sqs:SendMessage"],
    ["DeleteMessageBatch", "sqs:DeleteMessage"],
    ["ChangeMessageVisibilityBatch", "sqs:ChangeMessageVisibility"],
  ])("%s needs %s on the queue from its URL", (op, action) => {
    expect(actions(need("sqs", op, { QueueUrl: url }))).toEqual([`${action} ${arn}`]);
  });
  it("takes region and account from AWS-style queue URLs", () => {
    expect(actions(need("sqs", "SendMessage", { QueueUrl: "https://sqs.eu-west-1.amazonaws.com/111111111111/q" }))).toEqual([
      "sqs:SendMessage arn:aws:sqs:eu-west-1:111111111111:q",
    ]);
  });
  it("CreateQueue and GetQueueUrl use the queue name; ListQueues the account", () => {
    expect(actions(need("sqs", "GetQueueUrl", { QueueName: "movie-updates-queue" }))).toEqual([`sqs:GetQueueUrl ${arn}`]);
    expect(actions(need("sqs", "ListQueues"))).toEqual([`sqs:ListQueues arn:aws:sqs:us-east-1:${ACCOUNT}:`]);
    expect(() => need("sqs", "SendMessage", {})).toThrow("The request must contain the parameter QueueUrl.");
  });
});

describe("SNS", () => {
  const topic = `arn:aws:sns:us-east-1:${ACCOUNT}:movie-updates-topic`;
  it("Publish and PublishBatch on the topic, flat query parameters work", () => {
    expect(actions(need("sns", "Publish", { Action: "Publish", TopicArn: topic, Message: "{}" }))).toEqual([`sns:Publish ${topic}`]);
    expect(actions(need("sns", "PublishBatch", { TopicArn: topic }))).toEqual([`sns:Publish ${topic}`]);
    expect(actions(need("sns", "Publish", { PhoneNumber: "+15555550100" }))).toEqual(["sns:Publish *"]);
  });
  it("subscription operations act on the subscription's topic; Subscribe carries protocol and endpoint", () => {
    expect(actions(need("sns", "Unsubscribe", { SubscriptionArn: `${topic}:1b2c3d4e-0000-4000-8000-000000000000` }))).toEqual([`sns:Unsubscribe ${topic}`]);
    const sub = need("sns", "Subscribe", { TopicArn: topic, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:0:q" })[0]!;
    expect(sub).toEqual({ action: "sns:Subscribe", resource: topic, context: { "sns:Protocol": "sqs", "sns:Endpoint": "arn:aws:sqs:us-east-1:0:q" } });
    expect(actions(need("sns", "CreateTopic", { Name: "movie-updates-topic" }))).toEqual([`sns:CreateTopic ${topic}`]);
    expect(actions(need("sns", "ListTopics"))).toEqual([`sns:ListTopics arn:aws:sns:us-east-1:${ACCOUNT}:*`]);
  });
});

describe("SES", () => {
  const identity = (name: string) => `arn:aws:ses:us-east-1:${ACCOUNT}:identity/${name}`;
  it("SendEmail (v1, flat query form) on the sender's identity with its condition keys", () => {
    const perms = need("ses", "SendEmail", {
      Source: '"Movies" <noreply@movies.example>',
      "Destination.ToAddresses.member.1": "fan@example.com",
      "Destination.CcAddresses.member.1": "Other <other@example.com>",
    });
    expect(perms).toEqual([
      {
        action: "ses:SendEmail",
        resource: identity("noreply@movies.example"),
        context: {
          "ses:ApiVersion": "1",
          "ses:FromAddress": "noreply@movies.example",
          "ses:FromDisplayName": "Movies",
          "ses:Recipients": ["fan@example.com", "other@example.com"],
        },
      },
    ]);
  });
  it("uses the domain identity when only the domain is verified", () => {
    const exists = (i: string) => i === "movies.example";
    expect(actions(need("ses", "SendEmail", { Source: "noreply@movies.example" }, { sesIdentityExists: exists }))).toEqual([`ses:SendEmail ${identity("movies.example")}`]);
    const both = (i: string) => i === "movies.example" || i === "noreply@movies.example";
    expect(actions(need("ses", "SendEmail", { Source: "noreply@movies.example" }, { sesIdentityExists: both }))).toEqual([`ses:SendEmail ${identity("noreply@movies.example")}`]);
  });
  it("SendRawEmail reads From and recipients from the MIME message; SourceArn wins", () => {
    const mime = "From: Movies <noreply@movies.example>\r\nTo: a@example.com, \"B, Jr\" <b@example.com>\r\nSubject: hi\r\n\r\nbody";
    const perms = need("ses", "SendRawEmail", { "RawMessage.Data": Buffer.from(mime).toString("base64") });
    expect(perms[0]).toMatchObject({ action: "ses:SendRawEmail", resource: identity("noreply@movies.example"), context: { "ses:Recipients": ["a@example.com", "b@example.com"] } });
    const arn = identity("movies.example");
    expect(actions(need("ses", "SendEmail", { Source: "noreply@movies.example", SourceArn: arn }))).toEqual([`ses:SendEmail ${arn}`]);
  });
  it("a configuration set needs the same action on the configuration set", () => {
    expect(actions(need("ses", "SendEmail", { Source: "a@movies.example", ConfigurationSetName: "movies" }))).toEqual([
      `ses:SendEmail ${identity("a@movies.example")}`,
      `ses:SendEmail arn:aws:ses:us-east-1:${ACCOUNT}:configuration-set/movies`,
    ]);
  });
  it("SES v2 SendEmail uses FromEmailAddress and the nested Destination", () => {
    const perms = need("sesv2", "SendEmail", { FromEmailAddress: "a@movies.example", Destination: { ToAddresses: ["x@example.com"] }, Content: {} });
    expect(perms).toEqual([
      { action: "ses:SendEmail", resource: identity("a@movies.example"), context: { "ses:ApiVersion": "2", "ses:FromAddress": "a@movies.example", "ses:Recipients": ["x@example.com"] } },
    ]);
  });
  it("other SES operations need ses:<Operation> on *; a send without sender is rejected", () => {
    expect(actions(need("ses", "VerifyEmailIdentity", { EmailAddress: "a@b.c" }))).toEqual(["ses:VerifyEmailIdentity *"]);
    expect(() => need("ses", "SendEmail", {})).toThrow("Missing required header 'From'.");
  });
});

describe("Lambda, STS and the rest", () => {
  const fn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:get-movie`;
  it("Invoke needs lambda:InvokeFunction on the (qualified) function ARN, whatever form the name takes", () => {
    expect(actions(need("lambda", "Invoke", { FunctionName: "get-movie" }))).toEqual([`lambda:InvokeFunction ${fn}`]);
    expect(actions(need("lambda", "Invoke", { FunctionName: fn, Qualifier: "live" }))).toEqual([`lambda:InvokeFunction ${fn}:live`]);
    expect(actions(need("lambda", "Invoke", { FunctionName: `${ACCOUNT}:function:get-movie:3` }))).toEqual([`lambda:InvokeFunction ${fn}:3`]);
    expect(actions(need("lambda", "GetFunction", { FunctionName: "get-movie" }))).toEqual([`lambda:GetFunction ${fn}`]);
    expect(actions(need("lambda", "ListFunctions"))).toEqual(["lambda:ListFunctions *"]);
    expect(actions(need("lambda", "GetEventSourceMapping", { UUID: "abc" }))).toEqual([`lambda:GetEventSourceMapping arn:aws:lambda:us-east-1:${ACCOUNT}:event-source-mapping:abc`]);
  });
  it("GetCallerIdentity needs nothing; unknown services need <service>:<Operation> on *", () => {
    expect(need("sts", "GetCallerIdentity")).toEqual([]);
    expect(actions(need("sts", "AssumeRole", { RoleArn: "arn:aws:iam::0:role/r" }))).toEqual(["sts:AssumeRole arn:aws:iam::0:role/r"]);
    expect(actions(need("cloudwatch-logs", "PutLogEvents"))).toEqual(["logs:PutLogEvents *"]);
    expect(actions(need("kinesis", "PutRecord"))).toEqual(["kinesis:PutRecord *"]);
  });
});

describe("API Gateway control plane", () => {
  it("needs the HTTP verb on the path's apigateway ARN", () => {
    expect(actions(need("apigateway", "PATCH", { ResourcePath: "/restapis/abc/stages/live" }))).toEqual(["apigateway:PATCH arn:aws:apigateway:us-east-1::/restapis/abc/stages/live"]);
    expect(actions(need("apigateway", "GET", { ResourcePath: "/restapis/" }))).toEqual(["apigateway:GET arn:aws:apigateway:us-east-1::/restapis"]);
  });
});
