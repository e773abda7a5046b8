import { AwsError } from "../core/aws-error.js";

export function functionArn(region: string, accountId: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}${qualifier ? `:${qualifier}` : ""}`;
}

export interface FunctionReference {
  name: string;
  qualifier?: string;
}

/**
 * Accepts every form the Lambda API takes for a function: `name`,
 * `name:qualifier`, `123456789012:function:name[:qualifier]` and the full ARN.
 */
export function parseFunctionReference(ref: string): FunctionReference {
  const full = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:([a-zA-Z0-9_-]{1,64})(?::([a-zA-Z0-9$_-]+))?$/.exec(ref);
  if (full) return { name: full[1], qualifier: full[2] };
  const partial = /^\d{12}:function:([a-zA-Z0-9_-]{1,64})(?::([a-zA-Z0-9$_-]+))?$/.exec(ref);
  if (partial) return { name: partial[1], qualifier: partial[2] };
  const plain = /^([a-zA-Z0-9_-]{1,64})(?::([a-zA-Z0-9$_-]+))?$/.exec(ref);
  if (plain) return { name: plain[1], qualifier: plain[2] };
  throw new AwsError(
    "ValidationException",
    `1 validation error detected: Value '${ref}' at 'functionName' failed to satisfy constraint: Member must be a function name, a partial ARN (123456789012:function:name) or a full function ARN`,
  );
}
