import { describe, expect, it } from "vitest";
import type { RouteInfo } from "../core/service.js";
import { callOfRequest } from "./call-of-request.js";

const route = (method: string, path: string, extra: Partial<RouteInfo> = {}): RouteInfo => ({ method, path, query: new URLSearchParams(), headers: {}, ...extra });

describe("decoding a request into the call IAM checks", () => {
  it("reads JSON protocols by X-Amz-Target", () => {
    const body = Buffer.from(JSON.stringify({ TableName: "Movies", Key: { ID: { S: "1" } } }));
    expect(callOfRequest("dynamodb", route("POST", "/", { target: "DynamoDB_20120810.GetItem" }), body)).toEqual({ service: "dynamodb", operation: "GetItem", input: { TableName: "Movies", Key: { ID: { S: "1" } } } });
  });

  it("reads awsQuery form bodies by Action", () => {
    const body = Buffer.from("Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At&Message=hi");
    expect(callOfRequest("sns", route("POST", "/"), body)).toEqual({ service: "sns", operation: "Publish", input: { Action: "Publish", TopicArn: "arn:aws:sns:us-east-1:000000000000:t", Message: "hi" } });
  });

  it("reads Lambda's REST paths, the function name from the path", () => {
    expect(callOfRequest("lambda", route("POST", "/2015-03-31/functions/get-movie/invocations"), Buffer.from("{}"))).toEqual({ service: "lambda", operation: "Invoke", input: { FunctionName: "get-movie" } });
    expect(callOfRequest("lambda", route("DELETE", "/2015-03-31/event-source-mappings/abc"), Buffer.alloc(0))).toEqual({ service: "lambda", operation: "DeleteEventSourceMapping", input: { UUID: "abc" } });
    expect(callOfRequest("lambda", route("GET", "/_movies/lambda/code/x"), Buffer.alloc(0))).toBeUndefined();
  });

  it("reads API Gateway control-plane calls as the HTTP verb on the path", () => {
    expect(callOfRequest("apigateway", route("PATCH", "/restapis/abc/stages/live"), Buffer.from("{}"))).toEqual({ service: "apigateway", operation: "PATCH", input: { ResourcePath: "/restapis/abc/stages/live" } });
  });

  it("reads SES v2 REST paths as the sesv2 service", () => {
    const body = Buffer.from(JSON.stringify({ FromEmailAddress: "a@example.com" }));
    expect(callOfRequest("ses", route("POST", "/v2/email/outbound-emails"), body)).toEqual({ service: "sesv2", operation: "SendEmail", input: { FromEmailAddress: "a@example.com" } });
  });

  it("passes a malformed body on for the service to refuse", () => {
    expect(callOfRequest("sqs", route("POST", "/", { target: "AmazonSQS.SendMessage" }), Buffer.from("{"))).toEqual({ service: "sqs", operation: "SendMessage", input: {} });
  });
});
