import { describe, expect, it } from "vitest";
import { serviceAllowedByResourcePolicy } from "./service-access.js";

const ACCOUNT = "000000000000";
const FN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:get-movie`;

/** The function policy Lambda builds from an aws_lambda_permission for API Gateway. */
const functionPolicy = (sourceArn: string) => ({
  Version: "2012-10-17",
  Id: "default",
  Statement: [
    {
      Sid: "AllowExecutionFromAPIGateway-get-movie",
      Effect: "Allow",
      Principal: { Service: "apigateway.amazonaws.com" },
      Action: "lambda:InvokeFunction",
      Resource: FN,
      Condition: { ArnLike: { "AWS:SourceArn": sourceArn } },
    },
  ],
});

describe("serviceAllowedByResourcePolicy", () => {
  const invoke = (policy: object | undefined, sourceArn: string) =>
    serviceAllowedByResourcePolicy({ policy, service: "apigateway.amazonaws.com", action: "lambda:InvokeFunction", resource: FN, sourceArn });

  it("lets API Gateway invoke a function whose policy allows this API, stage-wildcarded", () => {
    const policy = functionPolicy(`arn:aws:execute-api:us-east-1:${ACCOUNT}:a1b2c3/*/*`);
    expect(invoke(policy, `arn:aws:execute-api:us-east-1:${ACCOUNT}:a1b2c3/live/GET/movies/42`).allowed).toBe(true);
  });

  it("refuses another API, another service, and a function without a policy", () => {
    const policy = functionPolicy(`arn:aws:execute-api:us-east-1:${ACCOUNT}:a1b2c3/*/GET/movies/*`);
    expect(invoke(policy, `arn:aws:execute-api:us-east-1:${ACCOUNT}:zzz999/live/GET/movies/42`).allowed).toBe(false);
    expect(invoke(policy, `arn:aws:execute-api:us-east-1:${ACCOUNT}:a1b2c3/live/POST/movies`).allowed).toBe(false);
    expect(
      serviceAllowedByResourcePolicy({ policy, service: "events.amazonaws.com", action: "lambda:InvokeFunction", resource: FN, sourceArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:a1b2c3/live/GET/movies/1` }).allowed,
    ).toBe(false);
    expect(invoke(undefined, `arn:aws:execute-api:us-east-1:${ACCOUNT}:a1b2c3/live/GET/movies/42`)).toEqual({
      decision: "ImplicitDeny",
      allowed: false,
      reason: "because no resource-based policy allows the lambda:InvokeFunction action",
    });
  });

  it("fills aws:SourceAccount from the source ARN", () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "lambda:InvokeFunction", Resource: FN, Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }],
    };
    const req = { policy, service: "sns.amazonaws.com", action: "lambda:InvokeFunction", resource: FN };
    expect(serviceAllowedByResourcePolicy({ ...req, sourceArn: `arn:aws:sns:us-east-1:${ACCOUNT}:t` }).allowed).toBe(true);
    expect(serviceAllowedByResourcePolicy({ ...req, sourceArn: "arn:aws:sns:us-east-1:111111111111:t" }).allowed).toBe(false);
  });
});
