import { parsePolicy, type PolicyDocument } from "./policy.js";

/**
 * AWS managed policies a Lambda stack commonly attaches, with the documents
 * AWS publishes for their default versions (AWS Managed Policy reference,
 * docs.aws.amazon.com/aws-managed-policy/latest/reference/). Keyed by the ARN
 * a stack uses in `aws_iam_role_policy_attachment.policy_arn`.
 */
const DOCUMENTS: Record<string, object> = {
  // v1, 2015-04-09
  "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole": {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }],
  },
  // what Lambda's SQS event source mapping needs to poll a queue, plus logs
  "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole": {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: "*",
      },
    ],
  },
  // v1, 2015-04-09
  "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole": {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "dynamodb:DescribeStream",
          "dynamodb:GetRecords",
          "dynamodb:GetShardIterator",
          "dynamodb:ListStreams",
          "logs:CreateLogGroup",
          "logs:CreateLogStream",
          "logs:PutLogEvents",
        ],
        Resource: "*",
      },
    ],
  },
  // v2, 2024-02-13; note: not under service-role/
  "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess": {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AWSXRayDaemonWriteAccess",
        Effect: "Allow",
        Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"],
        Resource: ["*"],
      },
    ],
  },
  "arn:aws:iam::aws:policy/AdministratorAccess": {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
  },
};

const parsed = new Map<string, PolicyDocument>(Object.entries(DOCUMENTS).map(([arn, doc]) => [arn, parsePolicy(doc)]));

/** ARNs of the AWS managed policies the embedded cloud knows. */
export const MANAGED_POLICY_ARNS: readonly string[] = [...parsed.keys()];

/** The managed policy's document, or undefined if the embedded cloud does not carry it. */
export function managedPolicy(arn: string): PolicyDocument | undefined {
  return parsed.get(normalisePartition(arn));
}

/** The managed policy's document as JSON text (what GetPolicyVersion returns), or undefined. */
export function managedPolicyJson(arn: string): string | undefined {
  const doc = DOCUMENTS[normalisePartition(arn)];
  return doc ? JSON.stringify(doc) : undefined;
}

export function isAwsManagedPolicyArn(arn: string): boolean {
  return /^arn:[^:]+:iam::aws:policy\//.test(arn);
}

/** Stacks built with `${data.aws_partition.current.partition}` may say aws-cn or aws-us-gov; the documents are the same. */
function normalisePartition(arn: string): string {
  return arn.replace(/^arn:[^:]+:iam::aws:/, "arn:aws:iam::aws:");
}
