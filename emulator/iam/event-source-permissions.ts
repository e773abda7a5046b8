import { AwsError } from "../core/aws-error.js";
import { evaluate } from "./evaluate.js";
import type { PrincipalRegistry } from "./principals.js";

/** What Lambda's poller calls on a queue with the function's role, in the order Lambda checks them. */
const SQS_POLLER_ACTIONS = ["ReceiveMessage", "DeleteMessage", "GetQueueAttributes"] as const;

/**
 * Lambda validates an SQS event source mapping when it is created: the
 * function's execution role must allow the poller's calls on the queue, or
 * CreateEventSourceMapping fails with InvalidParameterValueException. Throws
 * that error; returns quietly when the role suffices, when enforcement is off,
 * or when the function has no registered role.
 */
export function checkEventSourceMappingRole(registry: PrincipalRegistry, functionName: string, eventSourceArn: string): void {
  if (!registry.enforce || !/^arn:[^:]+:sqs:/.test(eventSourceArn)) return;
  const resolved = registry.resolveFunction(functionName);
  if (!resolved) return;
  for (const op of SQS_POLLER_ACTIONS) {
    const decision = evaluate(
      { action: `sqs:${op}`, resource: eventSourceArn, principalArn: resolved.principal.arn, context: resolved.principal.roleArn ? { "aws:PrincipalArn": resolved.principal.roleArn } : {} },
      { identityPolicies: resolved.policies },
    );
    if (!decision.allowed) {
      throw new AwsError("InvalidParameterValueException", `The provided execution role does not have permissions to call ${op} on SQS`);
    }
  }
}
