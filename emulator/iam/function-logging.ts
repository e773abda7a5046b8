import { evaluate } from "./evaluate.js";
import type { PrincipalRegistry } from "./principals.js";

export interface LoggingCheck {
  allowed: boolean;
  /** for the cloud's log when refused: what the role lacks */
  reason: string;
}

/**
 * Lambda writes a function's console output to CloudWatch Logs with the
 * function's own role; without logs:CreateLogStream and logs:PutLogEvents on
 * its log group (AWSLambdaBasicExecutionRole grants them) AWS keeps no logs
 * at all. The Lambda runtime asks this before storing log events.
 */
export function functionMayWriteLogs(registry: PrincipalRegistry, functionName: string, region: string, logGroup = `/aws/lambda/${functionName}`): LoggingCheck {
  const resolved = registry.resolveFunction(functionName);
  if (!registry.enforce || !resolved) return { allowed: true, reason: "not restricted" };
  const groupArn = `arn:aws:logs:${region}:${registry.accountId}:log-group:${logGroup}`;
  const checks: [string, string][] = [
    ["logs:CreateLogStream", `${groupArn}:*`],
    ["logs:PutLogEvents", `${groupArn}:log-stream:*`],
  ];
  for (const [action, resource] of checks) {
    const decision = evaluate({ action, resource, principalArn: resolved.principal.arn }, { identityPolicies: resolved.policies });
    if (!decision.allowed) {
      return {
        allowed: false,
        reason: `Lambda keeps no logs for ${functionName}: its role ${resolved.principal.roleArn ?? ""} does not allow ${action} on ${resource}; attach arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole or grant it`,
      };
    }
  }
  return { allowed: true, reason: "allowed" };
}
