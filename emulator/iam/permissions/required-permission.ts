import type { CallInput } from "./call-input.js";

/** One IAM permission a call needs: the action, the resource it acts on, and condition keys the call supplies. */
export interface RequiredPermission {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

/** A call as a service sees it, before it does anything. */
export interface ServiceCall {
  /** "dynamodb", "sqs", "sns", "ses" (v1), "sesv2", "lambda", "sts", ... */
  service: string;
  /** the API operation, e.g. "GetItem", "SendMessage", "Publish" */
  operation: string;
  /**
   * The request parameters by their API names: the JSON body (DynamoDB, SQS,
   * SES v2), the flat form parameters (SNS, SES v1), or for REST calls the
   * path and query parameters (Lambda: FunctionName, Qualifier, UUID).
   */
  input: CallInput;
  region: string;
  accountId: string;
  /**
   * SES only: whether an address or domain is a verified identity, so a send
   * from `a@example.com` is authorised on `identity/example.com` when only the
   * domain is verified. Without it the address identity is used.
   */
  sesIdentityExists?: (identity: string) => boolean;
}

export type PermissionMapper = (call: ServiceCall) => RequiredPermission[];

/** What most operations need: `<prefix>:<Operation>` on one resource. */
export function same(prefix: string, call: ServiceCall, resource: string, context?: RequiredPermission["context"]): RequiredPermission[] {
  return [{ action: `${prefix}:${call.operation}`, resource, ...(context ? { context } : {}) }];
}

/** Several permissions on the same resource collapse into one check each (BatchWriteItem on one table twice). */
export function unique(perms: RequiredPermission[]): RequiredPermission[] {
  const seen = new Set<string>();
  return perms.filter((p) => {
    const key = `${p.action}\0${p.resource}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
