import type { CallContext } from "../core/service.js";

export interface CallerIdentity {
  Account: string;
  Arn: string;
  UserId: string;
}

/**
 * Who the caller is. Any access key maps to the account's root user, which is
 * what tools expect from a dummy-key local endpoint (moto and LocalStack answer
 * the same way).
 */
export function getCallerIdentity(ctx: CallContext): CallerIdentity {
  return {
    Account: ctx.accountId,
    Arn: `arn:aws:iam::${ctx.accountId}:root`,
    UserId: ctx.accountId,
  };
}
