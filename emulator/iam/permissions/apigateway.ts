import { str } from "./call-input.js";
import type { RequiredPermission, ServiceCall } from "./required-permission.js";

/**
 * API Gateway's control plane: the action is the HTTP verb (`apigateway:GET`,
 * `apigateway:PATCH`...) and the resource is the path the call acts on,
 * `arn:aws:apigateway:{region}::/restapis/{id}/stages/{name}`, as AWS defines them.
 */
export function apigatewayPermissions(call: ServiceCall): RequiredPermission[] {
  const path = str(call.input, "ResourcePath") ?? "/";
  return [{ action: `apigateway:${call.operation}`, resource: `arn:aws:apigateway:${call.region}::${path.replace(/\/$/, "") || "/"}` }];
}
