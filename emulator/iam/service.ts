import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsError, isAwsError } from "../core/aws-error.js";
import type { CallContext, RouteInfo, Service } from "../core/service.js";
import { readQueryParams, sendQueryError, type QueryParams } from "../wire/aws-query.js";
import { toXml } from "../wire/xml.js";
import type { IamModel, IamSnapshot } from "./model.js";
import { IAM_OPERATIONS, type IamInput, type IamOutput } from "./operations.js";

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

/** `<ActionResponse>` with `<ActionResult>` when the action has a result (even an empty one), then the request id. */
function sendResult(res: ServerResponse, ctx: CallContext, action: string, out: IamOutput): void {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${IAM_NAMESPACE}">` +
    (out === undefined ? "" : `<${action}Result>${toXml(out)}</${action}Result>`) +
    `<ResponseMetadata><RequestId>${ctx.requestId}</RequestId></ResponseMetadata></${action}Response>`;
  res.writeHead(200, { "content-type": "text/xml", "content-length": Buffer.byteLength(body), "x-amzn-requestid": ctx.requestId });
  res.end(body);
}

/** IAM over awsQuery: claimed by the SigV4 scope `iam`, a global service (any region in the scope). */
export function createIamService(model: IamModel): Service {
  return {
    name: "iam",
    claims: (route: RouteInfo) => route.signingService === "iam" && !route.target,
    async handle(req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext) {
      try {
        const params = await readQueryParams(req, route.query);
        const action = params.Action;
        if (!action) throw new AwsError("MissingAction", "The request must contain the parameter Action");
        const op = Object.hasOwn(IAM_OPERATIONS, action) ? IAM_OPERATIONS[action] : undefined;
        if (!op) throw new AwsError("InvalidAction", `The action ${action} is not valid for this web service (the embedded cloud's IAM implements ${Object.keys(IAM_OPERATIONS).join(", ")}).`);
        sendResult(res, ctx, action, op(model, decodeQueryInput(params)));
      } catch (err) {
        if (!isAwsError(err)) throw err;
        sendQueryError(res, ctx, err, IAM_NAMESPACE);
      }
    },
    status: () => ({ roles: model.listRoles().length }),
    snapshot: () => model.snapshot(),
    restore: (state) => model.restore(state as IamSnapshot),
  };
}
