import type { Service } from "../core/service.js";
import { createApiGatewayDataPlane, type DataPlaneOptions } from "./data-plane.js";
import { ApiGatewayModel } from "./model.js";
import { ApiGatewayControlPlane } from "./service.js";

export { ApiGatewayModel } from "./model.js";

export interface ApiGateway {
  /** the data plane (`/restapis/{id}/{stage}/_user_request_/...`, `/_aws/execute-api/...`): public, no IAM */
  dataPlane: Service;
  /** the control plane (`/restapis`, `/apikeys`, `/usageplans`, `/tags`): snapshots the model for the state dir */
  controlPlane: Service;
  model: ApiGatewayModel;
}

/** API Gateway: one model, read by the data plane on every request and changed only through the control plane's operations. */
export function createApiGateway(opts: Omit<DataPlaneOptions, "model">): ApiGateway {
  const model = new ApiGatewayModel();
  return { model, dataPlane: createApiGatewayDataPlane({ ...opts, model }), controlPlane: new ApiGatewayControlPlane(model) };
}
