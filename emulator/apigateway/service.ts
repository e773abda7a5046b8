import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsError, isAwsError } from "../core/aws-error.js";
import type { CallContext, RouteInfo, Service } from "../core/service.js";
import { readBody } from "../wire/body.js";
import { parseInvokePath } from "./data-plane.js";
import type { Input } from "./input.js";
import type { ApiGatewayModel } from "./model.js";
import { API_GATEWAY_OPERATIONS, type ApiGatewayAction } from "./operations.js";
import { CONTROL_PLANE_ROOTS, matchControlRoute } from "./routes.js";
import { sendRestJson } from "../wire/rest-json.js";

/** API Gateway's REST-JSON errors: the code in `x-amzn-errortype`, `{ message }` in the body. */
function sendError(res: ServerResponse, ctx: CallContext, err: AwsError): void {
  sendRestJson(res, ctx, err.statusCode, { message: err.message }, { "x-amzn-errortype": err.code });
}

/**
 * Body members whose wire name differs from their input name: PutIntegration
 * sends the integration's method as `httpMethod`, the name its path label has too.
 */
const BODY_NAMES: Partial<Record<ApiGatewayAction, Record<string, string>>> = { PutIntegration: { httpMethod: "integrationHttpMethod" } };

async function readInput(req: IncomingMessage, route: RouteInfo, action: ApiGatewayAction, params: Record<string, string>): Promise<Input> {
  const raw = await readBody(req);
  let body: Input = {};
  if (raw.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString("utf8"));
    } catch {
      throw new AwsError("BadRequestException", "Request body is not valid JSON");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new AwsError("BadRequestException", "Request body must be a JSON object");
    body = parsed as Input;
    for (const [wire, name] of Object.entries(BODY_NAMES[action] ?? {})) {
      if (Object.hasOwn(body, wire)) {
        body[name] = body[wire];
        delete body[wire];
      }
    }
  }
  const query: Input = {};
  for (const key of new Set(route.query.keys())) {
    const all = route.query.getAll(key);
    query[key] = all.length > 1 ? all : all[0];
  }
  return { ...body, ...query, ...params };
}

/**
 * The API Gateway v1 control plane over REST-JSON (`/restapis`, `/apikeys`,
 * `/usageplans`, `/tags`), as the SDK's APIGatewayClient, the AWS CLI and the
 * Terraform provider call it. The data plane's invoke paths are not claimed.
 */
export class ApiGatewayControlPlane implements Service {
  // "apigateway": the IAM prefix the guard checks, and the state file name the model had before the control plane existed.
  readonly name = "apigateway";

  constructor(private readonly model: ApiGatewayModel) {}

  claims(route: RouteInfo): boolean {
    if (route.target !== undefined) return false;
    if (route.signingService !== undefined && route.signingService !== "apigateway") return false;
    const root = route.path.split("/", 2)[1] ?? "";
    return CONTROL_PLANE_ROOTS.has(root) && parseInvokePath(route.path) === undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext): Promise<void> {
    try {
      const match = matchControlRoute(route.method, route.path);
      if (match === undefined || match === "methodNotAllowed") {
        req.resume();
        throw match === undefined
          ? new AwsError("NotFoundException", `API Gateway has no operation at ${route.method} ${route.path}`, 404)
          : new AwsError("MethodNotAllowedException", `${route.method} is not allowed on ${route.path}`, 405);
      }
      const input = await readInput(req, route, match.action, match.params);
      const out = API_GATEWAY_OPERATIONS[match.action](this.model, input);
      sendRestJson(res, ctx, out.status, out.body);
    } catch (err) {
      // Anything but an AwsError is a bug: the router reports it and answers 500.
      if (!isAwsError(err)) throw err;
      if (res.headersSent || res.destroyed) return;
      sendError(res, ctx, err);
    }
  }

  status(): Record<string, unknown> {
    return { restApis: Object.keys(this.model.state.apis).length };
  }

  snapshot(): unknown {
    return this.model.snapshot();
  }

  restore(state: unknown): void {
    this.model.restore(state);
  }
}
