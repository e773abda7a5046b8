import type { Service } from "../core/service.js";
import type { FunctionRegistry } from "../lambda/functions.js";
import { createApiGatewayDataPlane } from "./data-plane.js";
import { ApiGatewayModel, type ApiGatewayState } from "./model.js";
import { RequestLog } from "./request-log.js";

export interface ApiGateway {
  /** the data plane (`/restapis/{id}/{stage}/_user_request_/...`), keeping the model's state */
  service: Service;
  model: ApiGatewayModel;
  /** requests served, for `/_movies/api-requests` */
  requestLog: RequestLog;
}

export function createApiGateway(opts: { accountId: string; lambda: () => FunctionRegistry; onExecutionError: (message: string) => void }): ApiGateway {
  const model = new ApiGatewayModel();
  const requestLog = new RequestLog();
  const dataPlane = createApiGatewayDataPlane({ model, lambda: opts.lambda, log: requestLog, accountId: opts.accountId, onExecutionError: opts.onExecutionError });
  const service: Service = {
    ...dataPlane,
    claims: dataPlane.claims,
    handle: dataPlane.handle,
    snapshot: () => model.state,
    restore: (state) => {
      if (state && typeof state === "object") model.state = state as ApiGatewayState;
    },
  };
  return { service, model, requestLog };
}
