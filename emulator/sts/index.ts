import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsError, isAwsError } from "../core/aws-error.js";
import type { CallContext, RouteInfo, Service } from "../core/service.js";
import { readQueryParams, sendQueryError, sendQueryResult } from "../wire/aws-query.js";
import { toXml } from "../wire/xml.js";
import { getCallerIdentity } from "./operations.js";
import type { Principal } from "../iam/principals.js";

const NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

/** STS over awsQuery: GetCallerIdentity. */
export function createSts(opts: { accountId: string; principalOf?: (accessKeyId: string | undefined) => Principal }): { service: Service } {
  const service: Service = {
    name: "sts",
    claims: (route: RouteInfo) => route.signingService === "sts" && !route.target,
    async handle(req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext) {
      try {
        const params = await readQueryParams(req, route.query);
        const action = params.Action;
        if (action === "GetCallerIdentity") {
          sendQueryResult(res, ctx, action, NAMESPACE, toXml({ ...getCallerIdentity(ctx, opts.principalOf?.(ctx.accessKeyId)) }));
          return;
        }
        if (!action) throw new AwsError("MissingAction", "The request must contain the parameter Action");
        throw new AwsError("InvalidAction", `The action ${action} is not valid for this web service (the embedded cloud's STS implements GetCallerIdentity)`);
      } catch (err) {
        if (!isAwsError(err)) throw err;
        sendQueryError(res, ctx, err, NAMESPACE);
      }
    },
  };
  return { service };
}
