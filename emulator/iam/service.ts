import type { IncomingMessage, ServerResponse } from "node:http";
import type { CallContext, RouteInfo, Service } from "../core/service.js";
import { serveQuery, type QueryAction, type QueryParams, type QueryService } from "../wire/aws-query.js";
import { toXml } from "../wire/xml.js";
import type { IamModel, IamSnapshot } from "./model.js";
import { IAM_OPERATIONS, type IamInput } from "./operations.js";

export const IAM_NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";

/**
 * The flat awsQuery form as a tree: `Tags.member.2.Key=k` becomes
 * `Tags: [_, { Key: "k" }]`, `TagKeys.member.1=a` becomes `TagKeys: ["a"]`.
 */
export function decodeQueryInput(params: QueryParams): IamInput {
  const root: IamInput = {};
  for (const [key, value] of Object.entries(params)) {
    const parts = key.split(".");
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      // `Name.member.N` is element N-1 of the list Name
      if (parts[i + 1] === "member" && i + 2 < parts.length && /^[1-9]\d{0,3}$/.test(parts[i + 2]!)) {
        const obj = node as Record<string, unknown>;
        const list = (Array.isArray(obj[part]) ? obj[part] : (obj[part] = [])) as unknown[];
        const index = Number(parts[i + 2]) - 1;
        if (i + 3 === parts.length) {
          list[index] = value;
          break;
        }
        node = (list[index] && typeof list[index] === "object" ? list[index] : (list[index] = {})) as Record<string, unknown>;
        i += 2;
        continue;
      }
      const obj = node as Record<string, unknown>;
      if (last) obj[part] = value;
      else node = (obj[part] && typeof obj[part] === "object" ? obj[part] : (obj[part] = {})) as Record<string, unknown>;
    }
  }
  for (const v of Object.values(root)) if (Array.isArray(v)) for (let i = 0; i < v.length; i++) v[i] ??= {};
  return root;
}

/** IAM over awsQuery: claimed by the SigV4 scope `iam`, a global service (any region in the scope). */
export function createIamService(model: IamModel): Service {
  // an operation without output (DeleteRole) answers with no result element, as IAM does
  const actions = Object.fromEntries(
    Object.entries(IAM_OPERATIONS).map(([name, op]): [string, QueryAction] => [name, (params) => {
      const out = op(model, decodeQueryInput(params));
      return out === undefined ? undefined : toXml(out);
    }]),
  );
  const query: QueryService = { label: "IAM", namespace: IAM_NAMESPACE, actions };
  return {
    name: "iam",
    claims: (route: RouteInfo) => route.signingService === "iam" && !route.target,
    handle: (req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext) => serveQuery(req, res, route, ctx, query),
    status: () => ({ roles: model.listRoles().length }),
    snapshot: () => model.snapshot(),
    restore: (state) => model.restore(state as IamSnapshot),
  };
}
