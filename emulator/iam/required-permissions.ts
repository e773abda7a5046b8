import { apigatewayPermissions } from "./permissions/apigateway.js";
import { dynamodbPermissions } from "./permissions/dynamodb.js";
import { lambdaPermissions } from "./permissions/lambda.js";
import type { PermissionMapper, RequiredPermission, ServiceCall } from "./permissions/required-permission.js";
import { same } from "./permissions/required-permission.js";
import { sesPermissions } from "./permissions/ses.js";
import { snsPermissions } from "./permissions/sns.js";
import { sqsPermissions } from "./permissions/sqs.js";
import { stsPermissions } from "./permissions/sts.js";

export type { RequiredPermission, ServiceCall } from "./permissions/required-permission.js";

const MAPPERS: Record<string, PermissionMapper> = {
  dynamodb: dynamodbPermissions,
  sqs: sqsPermissions,
  sns: snsPermissions,
  ses: sesPermissions,
  sesv2: sesPermissions,
  lambda: lambdaPermissions,
  sts: stsPermissions,
  apigateway: apigatewayPermissions,
};

/** IAM prefixes that differ from the service name a caller passes. */
const PREFIX: Record<string, string> = { sesv2: "ses", "cloudwatch-logs": "logs", apigateway: "apigateway" };

/**
 * The IAM permissions an API call needs. An empty list means the call needs
 * none (STS GetCallerIdentity). An operation without a specific mapping
 * needs `<service>:<Operation>` on `*`, which is what AWS requires for most
 * account-level operations; it is never silently allowed.
 */
export function requiredPermissions(call: ServiceCall): RequiredPermission[] {
  const mapper = MAPPERS[call.service];
  if (mapper) return mapper(call);
  return same(PREFIX[call.service] ?? call.service, call, "*");
}
