import type { IncomingMessage, ServerResponse } from "node:http";
import type { CallContext, RouteInfo, Service } from "../core/service.js";
import { checkCall } from "../iam/authorize.js";
import type { PrincipalRegistry } from "../iam/principals.js";
import { AwsError, isAwsError } from "../core/aws-error.js";
import { SQS_ERROR_TYPE_PREFIX, shapeOf } from "../sqs/errors.js";
import { sendJsonError } from "../wire/aws-json.js";
import { readBody } from "../wire/body.js";
import { callOfRequest } from "./call-of-request.js";
import { replayedRequest } from "./replayed-request.js";

export interface IamGuardOptions {
  iam: PrincipalRegistry;
  /** a resource's policy (the queue's Policy attribute...), when the call acts on one */
  resourcePolicyOf?: (resourceArn: string) => string | object | undefined;
  sesIdentityExists?: (region: string, identity: string) => boolean;
}

/**
 * Puts the IAM evaluator in front of a service: a call made with a
 * function's credentials is decoded and checked against the function's role
 * before the service sees it; a denial is thrown as the service's own
 * AwsError, which the router encodes in the service's protocol. Any other
 * caller (the account root: SDK users, the CLI) goes straight through, body
 * unread.
 */
export function withIamCheck(service: Service, opts: IamGuardOptions): Service {
  const guarded: Service = Object.create(service) as Service;
  guarded.handle = async (req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext) => {
    if (!opts.iam.enforce || opts.iam.principalFor(ctx.accessKeyId).kind === "root") return service.handle(req, res, route, ctx);
    const body = await readBody(req);
    const call = callOfRequest(service.name, route, body);
    if (call) {
      try {
        checkCall(
          {
            ...call,
            accessKeyId: ctx.accessKeyId,
            region: ctx.region,
            accountId: ctx.accountId,
            resourcePolicyOf: opts.resourcePolicyOf,
            sesIdentityExists: opts.sesIdentityExists ? (identity) => opts.sesIdentityExists!(ctx.region, identity) : undefined,
          },
          opts.iam,
        );
      } catch (err) {
        // SQS's JSON errors name the modelled shape and carry the query code beside it; the router's generic JSON error would not
        if (service.name !== "sqs" || !isAwsError(err)) throw err;
        sendJsonError(res, ctx, new AwsError(shapeOf(err.code), err.message, err.statusCode, err.fault), { typePrefix: SQS_ERROR_TYPE_PREFIX, queryErrorCode: err.code });
        return;
      }
    }
    return service.handle(replayedRequest(req, body), res, route, ctx);
  };
  return guarded;
}
