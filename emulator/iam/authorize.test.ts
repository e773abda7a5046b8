import { describe, expect, it } from "vitest";
import { AwsError } from "../core/aws-error.js";
import { accessDeniedMessage } from "./access-denied.js";
import { authorizeCall, checkCall, type CallToCheck } from "./authorize.js";
import { PrincipalRegistry } from "./principals.js";

const ACCOUNT = "000000000000";
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Movies`;
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:movie-updates-topic`;
const QUEUE_URL = `http://127.0.0.1:4566/${ACCOUNT}/movie-updates-queue`;
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:movie-updates-queue`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/get-movie-role/get-movie`;

/** The MoviesStack's get-movie function, reading the table, plus the usual logging policy. */
function stack(getMovieActions: string[] = ["dynamodb:GetItem"]) {
  const registry = new PrincipalRegistry({ accountId: ACCOUNT });
  registry.putRole("get-movie-role");
  registry.putRolePolicy("get-movie-role", "movies", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: getMovieActions, Resource: TABLE }] });
  registry.attachRolePolicy("get-movie-role", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
  registry.registerFunction("get-movie", `arn:aws:iam::${ACCOUNT}:role/get-movie-role`);
  const { accessKeyId } = registry.issueSession("get-movie");
  return { registry, accessKeyId };
}

function call(accessKeyId: string | undefined, service: string, operation: string, input: Record<string, unknown>, extra: Partial<CallToCheck> = {}): CallToCheck {
  return { service, operation, input, region: "us-east-1", accountId: ACCOUNT, accessKeyId, ...extra };
}

function thrown(f: () => void): AwsError {
  try {
    f();
  } catch (e) {
    if (e instanceof AwsError) return e;
    throw e;
  }
  throw new Error("expected an AwsError");
}

describe("checkCall", () => {
  it("lets a function do what its role allows", () => {
    const { registry, accessKeyId } = stack();
    expect(() => checkCall(call(accessKeyId, "dynamodb", "GetItem", { TableName: "Movies", Key: {} }), registry)).not.toThrow();
  });

  it("denies DynamoDB with AccessDeniedException, HTTP 400, and AWS's message", () => {
    const { registry, accessKeyId } = stack();
    const err = thrown(() => checkCall(call(accessKeyId, "dynamodb", "PutItem", { TableName: "Movies", Item: {} }), registry));
    expect(err.code).toBe("AccessDeniedException");
    expect(err.statusCode).toBe(400);
    expect(err.message).toBe(
      `User: ${SESSION} is not authorized to perform: dynamodb:PutItem on resource: ${TABLE} because no identity-based policy allows the dynamodb:PutItem action`,
    );
  });

  it("a role missing dynamodb:GetItem makes GetItem fail (the issue's stack variant)", () => {
    const { registry, accessKeyId } = stack(["dynamodb:Query", "dynamodb:Scan"]);
    const err = thrown(() => checkCall(call(accessKeyId, "dynamodb", "GetItem", { TableName: "Movies" }), registry));
    expect(err.message).toContain(`is not authorized to perform: dynamodb:GetItem on resource: ${TABLE}`);
  });

  it("reports an explicit deny as AWS does", () => {
    const { registry, accessKeyId } = stack(["dynamodb:*"]);
    registry.putRolePolicy("get-movie-role", "no-delete", { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "dynamodb:DeleteItem", Resource: "*" }] });
    const err = thrown(() => checkCall(call(accessKeyId, "dynamodb", "DeleteItem", { TableName: "Movies" }), registry));
    expect(err.message).toBe(`User: ${SESSION} is not authorized to perform: dynamodb:DeleteItem on resource: ${TABLE} with an explicit deny in an identity-based policy`);
  });

  it("checks every table of a transaction and names the first one refused", () => {
    const { registry, accessKeyId } = stack(["dynamodb:PutItem"]);
    const err = thrown(() =>
      checkCall(call(accessKeyId, "dynamodb", "TransactWriteItems", { TransactItems: [{ Put: { TableName: "Movies" } }, { Put: { TableName: "Idempotency" } }] }), registry),
    );
    expect(err.message).toContain(`dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Idempotency`);
  });

  it("SQS: AccessDenied, 403, with the action in lower case as SQS writes it", () => {
    const { registry, accessKeyId } = stack();
    const err = thrown(() => checkCall(call(accessKeyId, "sqs", "SendMessageBatch", { QueueUrl: QUEUE_URL, Entries: [] }), registry));
    expect([err.code, err.statusCode]).toEqual(["AccessDenied", 403]);
    expect(err.message).toBe(`User: ${SESSION} is not authorized to perform: sqs:sendmessage on resource: ${QUEUE} because no identity-based policy allows the sqs:sendmessage action`);
  });

  it("SNS: AuthorizationError, 403, action written SNS:Publish", () => {
    const { registry, accessKeyId } = stack();
    const err = thrown(() => checkCall(call(accessKeyId, "sns", "Publish", { TopicArn: TOPIC, Message: "{}" }), registry));
    expect([err.code, err.statusCode]).toEqual(["AuthorizationError", 403]);
    expect(err.message).toBe(`User: ${SESSION} is not authorized to perform: SNS:Publish on resource: ${TOPIC} because no identity-based policy allows the SNS:Publish action`);
  });

  it("SES v1: AccessDenied, 403, in SES's own wording; v2 and Lambda: AccessDeniedException", () => {
    const { registry, accessKeyId } = stack();
    const ses = thrown(() => checkCall(call(accessKeyId, "ses", "SendEmail", { Source: "noreply@movies.example" }), registry));
    expect([ses.code, ses.statusCode]).toEqual(["AccessDenied", 403]);
    expect(ses.message).toBe(
      `User \`${SESSION}' is not authorized to perform \`ses:SendEmail' on resource \`arn:aws:ses:us-east-1:${ACCOUNT}:identity/noreply@movies.example'`,
    );
    const v2 = thrown(() => checkCall(call(accessKeyId, "sesv2", "SendEmail", { FromEmailAddress: "noreply@movies.example" }), registry));
    expect([v2.code, v2.statusCode]).toEqual(["AccessDeniedException", 403]);
    const lambda = thrown(() => checkCall(call(accessKeyId, "lambda", "Invoke", { FunctionName: "list-movies" }), registry));
    expect([lambda.code, lambda.statusCode]).toEqual(["AccessDeniedException", 403]);
    expect(lambda.message).toContain(`lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:${ACCOUNT}:function:list-movies because`);
  });

  it("never restricts STS GetCallerIdentity, the account root, or anyone when enforcement is off", () => {
    const { registry, accessKeyId } = stack(["dynamodb:DescribeTable"]);
    expect(() => checkCall(call(accessKeyId, "sts", "GetCallerIdentity", {}), registry)).not.toThrow();
    expect(() => checkCall(call("AKIAIOSFODNN7EXAMPLE", "dynamodb", "DeleteTable", { TableName: "Movies" }), registry)).not.toThrow();
    expect(() => checkCall(call(undefined, "sqs", "SendMessage", { QueueUrl: QUEUE_URL }), registry)).not.toThrow();
    registry.enforce = false;
    expect(() => checkCall(call(accessKeyId, "dynamodb", "DeleteTable", { TableName: "Movies" }), registry)).not.toThrow();
  });

  it("applies SES condition keys from the message (ForAllValues on recipients)", () => {
    const { registry, accessKeyId } = stack();
    registry.putRolePolicy("get-movie-role", "mail", {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "ses:SendEmail", Resource: "*", Condition: { "ForAllValues:StringLike": { "ses:Recipients": "*@movies.example" } } }],
    });
    const send = (to: string) => call(accessKeyId, "ses", "SendEmail", { Source: "noreply@movies.example", "Destination.ToAddresses.member.1": to });
    expect(() => checkCall(send("fan@movies.example"), registry)).not.toThrow();
    expect(() => checkCall(send("fan@elsewhere.example"), registry)).toThrow(AwsError);
  });

  it("sets global keys: aws:PrincipalArn is the role, aws:RequestedRegion the call's region", () => {
    const { registry, accessKeyId } = stack(["dynamodb:DescribeTable"]);
    registry.putRolePolicy("get-movie-role", "scoped", {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "dynamodb:GetItem",
          Resource: "*",
          Condition: { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/get-movie-role` }, StringEquals: { "aws:RequestedRegion": "us-east-1" } },
        },
      ],
    });
    expect(() => checkCall(call(accessKeyId, "dynamodb", "GetItem", { TableName: "Movies" }), registry)).not.toThrow();
    expect(() => checkCall({ ...call(accessKeyId, "dynamodb", "GetItem", { TableName: "Movies" }), region: "eu-west-1" }, registry)).toThrow(AwsError);
  });

  it("a resource policy can allow (naming the role) or deny (explicitly) a function's call", () => {
    const { registry, accessKeyId } = stack();
    const allowRole = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/get-movie-role` }, Action: "sqs:SendMessage", Resource: QUEUE }],
    });
    const send = call(accessKeyId, "sqs", "SendMessage", { QueueUrl: QUEUE_URL }, { resourcePolicyOf: (arn) => (arn === QUEUE ? allowRole : undefined) });
    expect(authorizeCall(send, registry)).toMatchObject({ allowed: true, checked: [{ decision: { matched: { source: "resource" } } }] });

    registry.putRolePolicy("get-movie-role", "sqs", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }] });
    const denyAll = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE }] };
    const err = thrown(() => checkCall({ ...send, resourcePolicyOf: () => denyAll }, registry));
    expect(err.message).toContain("with an explicit deny in a resource-based policy");
  });

  it("authorizeCall explains which statement decided", () => {
    const { registry, accessKeyId } = stack();
    const result = authorizeCall(call(accessKeyId, "dynamodb", "GetItem", { TableName: "Movies" }), registry);
    expect(result.allowed).toBe(true);
    expect(result.principal.arn).toBe(SESSION);
    expect(result.checked[0]!.decision.reason).toBe(`allowed by statement 0 of arn:aws:iam::${ACCOUNT}:role/get-movie-role (inline policy movies)`);
  });
});

describe("accessDeniedMessage", () => {
  it("keeps other services' actions as written", () => {
    expect(
      accessDeniedMessage({ service: "logs", principalArn: SESSION, action: "logs:PutLogEvents", resource: "*", reason: "because no identity-based policy allows the logs:PutLogEvents action" }),
    ).toBe(`User: ${SESSION} is not authorized to perform: logs:PutLogEvents on resource: * because no identity-based policy allows the logs:PutLogEvents action`);
  });
});
