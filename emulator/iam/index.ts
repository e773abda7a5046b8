/**
 * IAM in the embedded cloud: the IAM API (service.ts, operations.ts) over
 * one model (model.ts) that the evaluator extends with who each issued key
 * is (principals.ts). The guard (admin/iam-guard.ts) verifies signatures and
 * calls checkCall before an operation; the stack loader applies aws_iam_*
 * through the operations; SNS asks queueAcceptsFromTopic before delivering;
 * Lambda asks serviceAllowedByResourcePolicy before API Gateway invokes a function.
 */
export { accessDeniedError, accessDeniedMessage, type Denial } from "./access-denied.js";
export { authorizeCall, checkCall, type CallAuthorization, type CallToCheck } from "./authorize.js";
export { describeStatement, evaluate, type Decision, type EvaluationRequest, type MatchedStatement, type NamedPolicy, type PolicySet } from "./evaluate.js";
export { issueSessionCredentials, type SessionCredentials } from "./function-credentials.js";
export { verifySignature, sessionTokenOf, type SignatureCheck } from "./sigv4-verify.js";
export { isAwsManagedPolicyArn, managedPolicy, MANAGED_POLICY_ARNS } from "./managed-policies.js";
export { parsePolicy, PolicyError, type PolicyDocument, type PolicyKind, type Statement } from "./policy.js";
export { PrincipalRegistry, ROOT_CREDENTIALS, roleNameFromArn, type KeyStanding, type Principal, type PrincipalRegistryOptions, type RegistrySnapshot, type UnknownKeys } from "./principals.js";
export { queueAcceptsFromTopic, type QueueDeliveryCheck } from "./queue-policy.js";
export { requiredPermissions, type RequiredPermission, type ServiceCall } from "./required-permissions.js";
export { serviceAllowedByResourcePolicy, type ServiceAccessRequest } from "./service-access.js";
export { iamResourceProviders } from "./stack-providers.js";
export { checkEventSourceMappingRole } from "./event-source-permissions.js";
export { functionMayWriteLogs, type LoggingCheck } from "./function-logging.js";
export { IamModel, IAM_LIMITS, type IamSnapshot, type Role, type Tag } from "./model.js";
export { IAM_OPERATIONS, type IamInput, type IamOperation } from "./operations.js";
export { createIamService, IAM_NAMESPACE } from "./service.js";
export { parseIamMode, iamModeArgs, type IamMode } from "./iam-mode.js";

import type { Service } from "../core/service.js";
import type { IamMode } from "./iam-mode.js";
import { PrincipalRegistry } from "./principals.js";
import { createIamService } from "./service.js";

export interface Iam {
  /** the IAM API (awsQuery), with its own state for the state dir */
  service: Service;
  /** roles and policies, and who each issued key is: the evaluator and the stack loader read and write this */
  model: PrincipalRegistry;
}

export function createIam(opts: { accountId: string; mode?: IamMode }): Iam {
  const model = new PrincipalRegistry({ accountId: opts.accountId, enforce: opts.mode !== false, unknownKeys: opts.mode === "strict" ? "refuse" : "root" });
  return { service: createIamService(model), model };
}
