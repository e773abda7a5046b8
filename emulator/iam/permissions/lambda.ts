import { AwsError } from "../../core/aws-error.js";
import { str } from "./call-input.js";
import { same, type RequiredPermission, type ServiceCall } from "./required-permission.js";

/** Operations whose IAM action is not `lambda:<Operation>`. */
const ACTIONS: Record<string, string> = {
  Invoke: "lambda:InvokeFunction",
  InvokeAsync: "lambda:InvokeFunction",
  InvokeWithResponseStream: "lambda:InvokeFunction",
};

const ACCOUNT_WIDE = new Set(["ListFunctions", "ListEventSourceMappings", "CreateEventSourceMapping", "GetAccountSettings", "ListLayers"]);

/**
 * Lambda: on the function ARN, qualified when the call names a version or
 * alias. Giving a function a role also needs iam:PassRole on that role, as
 * on AWS: without it a function allowed lambda:CreateFunction could run code
 * under any role of the account.
 */
export function lambdaPermissions(call: ServiceCall): RequiredPermission[] {
  const role = str(call.input, "Role");
  const main = lambdaActionPermissions(call);
  if (!role || (call.operation !== "CreateFunction" && call.operation !== "UpdateFunctionConfiguration")) return main;
  return [...main, { action: "iam:PassRole", resource: role, context: { "iam:PassedToService": "lambda.amazonaws.com" } }];
}

function lambdaActionPermissions(call: ServiceCall): RequiredPermission[] {
  const { operation, input } = call;
  const action = ACTIONS[operation] ?? `lambda:${operation}`;
  if (ACCOUNT_WIDE.has(operation)) return same("lambda", call, "*");
  // Tag operations name the function by its ARN in the path.
  const tagged = str(input, "Resource");
  if (tagged) return [{ action, resource: tagged }];
  const uuid = str(input, "UUID");
  if (uuid) return [{ action, resource: `arn:aws:lambda:${call.region}:${call.accountId}:event-source-mapping:${uuid}` }];
  const ref = str(input, "FunctionName");
  if (!ref) throw new AwsError("ValidationException", "1 validation error detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null");
  return [{ action, resource: functionArn(call, ref, str(input, "Qualifier")) }];
}

/** `name`, `name:qualifier`, `123456789012:function:name[:q]` or the full ARN -> the ARN IAM checks. */
function functionArn(call: ServiceCall, ref: string, qualifier: string | undefined): string {
  const m = /^(?:arn:[^:]+:lambda:([^:]+):)?(?:(\d{12}):function:)?([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?$/.exec(ref);
  if (!m) throw new AwsError("ValidationException", `1 validation error detected: Value '${ref}' at 'functionName' failed to satisfy constraint: Member must be a function name or ARN`);
  const q = qualifier ?? m[4];
  return `arn:aws:lambda:${m[1] ?? call.region}:${m[2] ?? call.accountId}:function:${m[3]}${q ? `:${q}` : ""}`;
}
