import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEvent, Context, SQSEvent, SQSRecord } from "aws-lambda";

/** Test fixtures shaped like what Lambda receives; never bundled (no handler imports them). */

export interface ApiRequest {
  method: string;
  path: string;
  pathParameters?: Record<string, string> | null;
  query?: Record<string, string> | null;
  headers?: Record<string, string>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** An API Gateway REST (v1 proxy) event. */
export function apiEvent(request: ApiRequest): APIGatewayProxyEvent {
  const headers = request.headers ?? {};
  const requestId = randomUUID();
  return {
    resource: request.pathParameters ? "/movies/{movieID}" : "/movies",
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: request.query ?? null,
    multiValueQueryStringParameters: request.query
      ? Object.fromEntries(Object.entries(request.query).map(([k, v]) => [k, [v]]))
      : null,
    pathParameters: request.pathParameters ?? null,
    stageVariables: null,
    body: request.body ?? null,
    isBase64Encoded: request.isBase64Encoded ?? false,
    requestContext: {
      accountId: "123456789012",
      apiId: "testapi",
      authorizer: null,
      protocol: "HTTP/1.1",
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: "127.0.0.1",
        user: null,
        userAgent: "vitest",
        userArn: null,
      },
      path: `/live${request.path}`,
      stage: "live",
      requestId,
      requestTimeEpoch: 0,
      resourceId: "res",
      resourcePath: request.pathParameters ? "/movies/{movieID}" : "/movies",
    },
  };
}

export const JSON_HEADERS = { "Content-Type": "application/json" };

export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: "256",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "test",
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface QueueMessage {
  messageId?: string;
  body: string;
  type?: string;
  traceparent?: string;
}

/** An SQS record as Lambda's event source mapping delivers it from a raw SNS subscription. */
export function sqsRecord(message: QueueMessage): SQSRecord {
  const messageAttributes: SQSRecord["messageAttributes"] = {};
  if (message.type !== undefined) messageAttributes.Type = { dataType: "String", stringValue: message.type, stringListValues: [], binaryListValues: [] };
  if (message.traceparent !== undefined) {
    messageAttributes.traceparent = { dataType: "String", stringValue: message.traceparent, stringListValues: [], binaryListValues: [] };
  }
  return {
    messageId: message.messageId ?? randomUUID(),
    receiptHandle: randomUUID(),
    body: message.body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "0",
      SenderId: "AIDTEST",
      ApproximateFirstReceiveTimestamp: "0",
    },
    messageAttributes,
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:movie-updates-queue",
    awsRegion: "us-east-1",
  };
}

export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}
