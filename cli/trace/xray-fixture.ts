/**
 * One traced POST /movies on AWS as BatchGetTraces returns it: segment
 * documents shaped as the X-Ray developer guide documents them (API Gateway
 * stage segment with its Lambda subsegment, the Lambda service segment, the
 * function segment with Initialization/Invocation/Overhead, an AWS SDK
 * subsegment of an instrumented call that failed, and the inferred DynamoDB
 * segment X-Ray adds for it).
 */
export const XRAY_TRACE_ID = "1-6925f0a1-5f2b8c0d9e3a4b1c2d3e4f50";
export const TRACE_HEX = "6925f0a15f2b8c0d9e3a4b1c2d3e4f50";
const t = 1764094113; // epoch seconds of the trace id

export const apiGatewaySegment = {
  id: "2b4e8b5a3e1d8cd7",
  name: "movies-api/live",
  start_time: t + 0.1,
  end_time: t + 0.412,
  http: {
    request: { url: "https://abc123defg.execute-api.eu-west-1.amazonaws.com/live/movies", method: "POST", client_ip: "203.0.113.9", x_forwarded_for: true },
    response: { status: 500, content_length: 36 },
  },
  aws: { api_gateway: { account_id: "123456789012", rest_api_id: "abc123defg", stage: "live", request_id: "c1a1e3b4-6f7e-4b2f-9d4a-0e1f2a3b4c5d" } },
  annotations: { "aws:api_id": "abc123defg", "aws:api_stage": "live" },
  trace_id: XRAY_TRACE_ID,
  origin: "AWS::ApiGateway::Stage",
  resource_arn: "arn:aws:apigateway:eu-west-1::/restapis/abc123defg/stages/live",
  fault: true,
  subsegments: [
    {
      id: "53995c3f42cd8ad8",
      name: "Lambda",
      start_time: t + 0.102,
      end_time: t + 0.41,
      http: { request: { url: "https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:movies-create-movie/invocations", method: "POST" }, response: { status: 200, content_length: 36 } },
      aws: { function_name: "movies-create-movie", region: "eu-west-1", operation: "Invoke", resource_names: ["movies-create-movie"] },
      namespace: "aws",
    },
  ],
};

export const lambdaServiceSegment = {
  id: "0d3c6c1e9a4b7f21",
  name: "movies-create-movie",
  start_time: t + 0.104,
  end_time: t + 0.409,
  parent_id: "53995c3f42cd8ad8",
  http: { response: { status: 200 } },
  aws: { request_id: "6d3d9c1f-0b2a-4c4e-8f3a-2b1c0d9e8f7a" },
  trace_id: XRAY_TRACE_ID,
  origin: "AWS::Lambda",
  resource_arn: "arn:aws:lambda:eu-west-1:123456789012:function:movies-create-movie",
};

export const functionSegment = {
  id: "7a1f2e3d4c5b6a79",
  name: "movies-create-movie",
  start_time: t + 0.106,
  end_time: t + 0.408,
  parent_id: "0d3c6c1e9a4b7f21",
  aws: {
    account_id: "123456789012",
    function_arn: "arn:aws:lambda:eu-west-1:123456789012:function:movies-create-movie",
    cloudwatch_logs: [{ log_group: "/aws/lambda/movies-create-movie" }],
    resource_names: ["movies-create-movie"],
  },
  trace_id: XRAY_TRACE_ID,
  origin: "AWS::Lambda::Function",
  subsegments: [
    { id: "1b2c3d4e5f6a7b8c", name: "Initialization", start_time: t + 0.106, end_time: t + 0.287, aws: { function_arn: "arn:aws:lambda:eu-west-1:123456789012:function:movies-create-movie" } },
    {
      id: "2c3d4e5f6a7b8c9d",
      name: "Invocation",
      start_time: t + 0.288,
      end_time: t + 0.404,
      aws: { function_arn: "arn:aws:lambda:eu-west-1:123456789012:function:movies-create-movie" },
      subsegments: [
        {
          id: "3d4e5f6a7b8c9d0e",
          name: "DynamoDB",
          start_time: t + 0.301,
          end_time: t + 0.329,
          http: { response: { status: 400 } },
          aws: { operation: "PutItem", region: "eu-west-1", request_id: "V2L3M8R2JD0KQ8C5D2NF7R4UIVVV4KQNSO5AEMVJF66Q9ASUAAJG", retries: 0, table_name: "movies-movies" },
          error: true,
          cause: {
            working_directory: "/var/task",
            exceptions: [
              {
                id: "e4f5a6b7c8d9e0f1",
                message: "User: arn:aws:sts::123456789012:assumed-role/movies-create-movie-role/movies-create-movie is not authorized to perform: dynamodb:PutItem",
                type: "AccessDeniedException",
                remote: true,
              },
            ],
          },
          namespace: "aws",
        },
      ],
    },
    { id: "4e5f6a7b8c9d0e1f", name: "Overhead", start_time: t + 0.405, end_time: t + 0.408, aws: { function_arn: "arn:aws:lambda:eu-west-1:123456789012:function:movies-create-movie" } },
  ],
};

export const inferredDynamoDbSegment = {
  id: "5f6a7b8c9d0e1f2a",
  name: "DynamoDB",
  start_time: t + 0.301,
  end_time: t + 0.329,
  parent_id: "3d4e5f6a7b8c9d0e",
  inferred: true,
  http: { response: { status: 400 } },
  aws: { operation: "PutItem", region: "eu-west-1", request_id: "V2L3M8R2JD0KQ8C5D2NF7R4UIVVV4KQNSO5AEMVJF66Q9ASUAAJG", retries: 0, table_name: "movies-movies" },
  error: true,
  trace_id: XRAY_TRACE_ID,
  origin: "AWS::DynamoDB::Table",
};

/** BatchGetTraces' `Traces[0]`: documents are JSON strings, in no particular order. */
export const batchTrace = {
  Id: XRAY_TRACE_ID,
  Duration: 0.312,
  LimitExceeded: false,
  Segments: [functionSegment, inferredDynamoDbSegment, apiGatewaySegment, lambdaServiceSegment].map((d) => ({ Id: d.id, Document: JSON.stringify(d) })),
};
