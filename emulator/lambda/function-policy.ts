import { AwsError } from "../core/aws-error.js";

/** AddPermission's input, as the Lambda API names it. */
export interface AddPermissionInput {
  StatementId: string;
  Action: string;
  Principal: string;
  SourceArn?: string;
  SourceAccount?: string;
  PrincipalOrgID?: string;
  EventSourceToken?: string;
  FunctionUrlAuthType?: string;
}

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Principal: "*" | { Service: string } | { AWS: string };
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

/** Turns an AddPermission call into the statement GetPolicy shows, as Lambda writes it. */
export function permissionStatement(input: AddPermissionInput, resource: string): PolicyStatement {
  if (!input.StatementId || !/^[a-zA-Z0-9-_.]{1,100}$/.test(input.StatementId)) {
    throw new AwsError("ValidationException", `1 validation error detected: Value '${input.StatementId}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)`);
  }
  if (!input.Action || !/^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/.test(input.Action)) {
    throw new AwsError("ValidationException", `1 validation error detected: Value '${input.Action}' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])`);
  }
  if (!input.Principal) throw new AwsError("ValidationException", "Principal is required: a service (apigateway.amazonaws.com), an account id, an ARN or *.");
  const principal: PolicyStatement["Principal"] =
    input.Principal === "*"
      ? "*"
      : /^\d{12}$/.test(input.Principal)
        ? { AWS: `arn:aws:iam::${input.Principal}:root` }
        : input.Principal.startsWith("arn:")
          ? { AWS: input.Principal }
          : { Service: input.Principal };
  const condition: Record<string, Record<string, string>> = {};
  if (input.SourceArn) condition.ArnLike = { "AWS:SourceArn": input.SourceArn };
  if (input.SourceAccount) (condition.StringEquals ??= {})["AWS:SourceAccount"] = input.SourceAccount;
  if (input.PrincipalOrgID) (condition.StringEquals ??= {})["aws:PrincipalOrgID"] = input.PrincipalOrgID;
  if (input.EventSourceToken) (condition.StringEquals ??= {})["lambda:EventSourceToken"] = input.EventSourceToken;
  if (input.FunctionUrlAuthType) (condition.StringEquals ??= {})["lambda:FunctionUrlAuthType"] = input.FunctionUrlAuthType;
  const statement: PolicyStatement = { Sid: input.StatementId, Effect: "Allow", Principal: principal, Action: input.Action, Resource: resource };
  if (Object.keys(condition).length > 0) statement.Condition = condition;
  return statement;
}

/** ARN matching with `*` and `?` as in ArnLike. */
export function arnLike(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  return regex.test(value);
}

export interface InvokeCaller {
  /** a service principal, e.g. apigateway.amazonaws.com */
  service: string;
  sourceArn?: string;
  sourceAccount?: string;
}

/** Whether the function's resource policy lets this service (from this source) invoke it. */
export function policyAllowsInvoke(statements: readonly PolicyStatement[], caller: InvokeCaller): boolean {
  return statements.some((s) => {
    const actionOk = s.Action === "*" || s.Action === "lambda:*" || s.Action === "lambda:InvokeFunction";
    const principalOk = s.Principal === "*" || ("Service" in s.Principal && s.Principal.Service === caller.service);
    const sourceArn = s.Condition?.ArnLike?.["AWS:SourceArn"];
    const sourceAccount = s.Condition?.StringEquals?.["AWS:SourceAccount"];
    const arnOk = sourceArn === undefined || (caller.sourceArn !== undefined && arnLike(sourceArn, caller.sourceArn));
    const accountOk = sourceAccount === undefined || sourceAccount === caller.sourceAccount;
    return actionOk && principalOk && arnOk && accountOk;
  });
}
