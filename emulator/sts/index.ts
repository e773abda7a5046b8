import type { IncomingMessage, ServerResponse } from "node:http";
import type { CallContext, RouteInfo, Service } from "../core/service.js";
import { serveQuery, type QueryService } from "../wire/aws-query.js";
import { toXml } from "../wire/xml.js";
import { getCallerIdentity } from "./operations.js";
import type { Principal } from "../iam/principals.js";

const NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

/** STS over awsQuery: GetCallerIdentity. */
export function createSts(opts: { accountId: string; principalOf?: (accessKeyId: string | undefined) => Principal }): { service: Service } {
  const query: QueryService = {
    label: "STS",
    namespace: NAMESPACE,
    actions: { GetCallerIdentity: (_params, ctx) => toXml({ ...getCallerIdentity(ctx, opts.principalOf?.(ctx.accessKeyId)) }) },
  };
  const service: Service = {
    name: "sts",
    claims: (route: RouteInfo) => route.signingService === "sts" && !route.target,
    handle: (req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext) => serveQuery(req, res, route, ctx, query),
  };
  return { service };
}
