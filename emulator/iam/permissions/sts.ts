import { str } from "./call-input.js";
import { same, type RequiredPermission, type ServiceCall } from "./required-permission.js";

/** STS: GetCallerIdentity needs no permission (AWS cannot deny it); AssumeRole is checked on the role. */
export function stsPermissions(call: ServiceCall): RequiredPermission[] {
  switch (call.operation) {
    case "GetCallerIdentity":
      return [];
    case "AssumeRole":
    case "AssumeRoleWithWebIdentity":
    case "AssumeRoleWithSAML":
      return same("sts", call, str(call.input, "RoleArn") ?? "*");
    default:
      return same("sts", call, "*");
  }
}
