import type { CallContext } from "../core/service.js";
import type { Principal } from "../iam/principals.js";

export interface CallerIdentity {
  Account: string;
  Arn: string;
  UserId: string;
}

/**
 * Who the caller is: a function's execution environment is its role session
 * (`arn:aws:sts::<account>:assumed-role/<role>/<function>`); any other key is
 * the account's root user, which is what tools expect from a dummy-key local
 * endpoint (moto and LocalStack answer the same way).
 */
export function getCallerIdentity(ctx: CallContext, principal?: Principal): CallerIdentity {
  if (principal && principal.kind !== "root") return { Account: principal.accountId, Arn: principal.arn, UserId: principal.userId };
  return {
    Account: ctx.accountId,
    Arn: `arn:aws:iam::${ctx.accountId}:root`,
    UserId: ctx.accountId,
  };
}
