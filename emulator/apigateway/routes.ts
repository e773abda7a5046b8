import type { ApiGatewayAction } from "./operations.js";

/** The API Gateway v1 control plane's request URIs (botocore's `requestUri`), with the input names of their labels. */
const TABLE: Array<[method: string, uri: string, action: ApiGatewayAction]> = [
  ["POST", "/restapis", "CreateRestApi"],
  ["GET", "/restapis", "GetRestApis"],
  ["GET", "/restapis/{restApiId}", "GetRestApi"],
  ["PATCH", "/restapis/{restApiId}", "UpdateRestApi"],
  ["DELETE", "/restapis/{restApiId}", "DeleteRestApi"],
  ["GET", "/restapis/{restApiId}/resources", "GetResources"],
  ["POST", "/restapis/{restApiId}/resources/{parentId}", "CreateResource"],
  ["GET", "/restapis/{restApiId}/resources/{resourceId}", "GetResource"],
  ["PATCH", "/restapis/{restApiId}/resources/{resourceId}", "UpdateResource"],
  ["DELETE", "/restapis/{restApiId}/resources/{resourceId}", "DeleteResource"],
  ["PUT", "/restapis/{restApiId}/resources/{resourceId}/methods/{httpMethod}", "PutMethod"],
  ["GET", "/restapis/{restApiId}/resources/{resourceId}/methods/{httpMethod}", "GetMethod"],
  ["PATCH", "/restapis/{restApiId}/resources/{resourceId}/methods/{httpMethod}", "UpdateMethod"],
  ["DELETE", "/restapis/{restApiId}/resources/{resourceId}/methods/{httpMethod}", "DeleteMethod"],
  ["PUT", "/restapis/{restApiId}/resources/{resourceId}/methods/{httpMethod}/responses/{statusCode}", "PutMethodResponse"],
  ["GET", "/restapis/{restApiId}/resources/{resourceId}/methods/{httpMethod}/responses/{statusCode}", "GetMethodResponse"],
  ["PATCH", "/restapis/{restApiId}/resources/{resourceId}/methods/{httpMethod}/responses/{statusCode}", "UpdateMethodResponse"],
  ["DELETE", "/restapis/{restApiId}/resources/{resourceId}/methods/{httpMethod}/responses/{statusCode}", "DeleteMethodResponse"],
  ["PUT", "/restapis/{restApiId}/resources/{resourceId}/methods/{httpMethod}/integration", "PutIntegration"],
  ["GET", "/restapis/{restApiId}/resources/{resourceId}/methods/{httpMethod}/integration", "GetIntegration"],
  ["PATCH", "/restapis/{restApiId}/resources/{resourceId}/methods/{httpMethod}/integration", "UpdateIntegration"],
  ["DELETE", "/restapis/{restApiId}/resources/{resourceId}/methods/{httpMethod}/integration", "DeleteIntegration"],
  ["PUT", "/restapis/{restApiId}/resources/{resourceId}/methods/{httpMethod}/integration/responses/{statusCode}", "PutIntegrationResponse"],
  ["GET", "/restapis/{restApiId}/resources/{resourceId}/methods/{httpMethod}/integration/responses/{statusCode}", "GetIntegrationResponse"],
  ["PATCH", "/restapis/{restApiId}/resources/{resourceId}/methods/{httpMethod}/integration/responses/{statusCode}", "UpdateIntegrationResponse"],
  ["DELETE", "/restapis/{restApiId}/resources/{resourceId}/methods/{httpMethod}/integration/responses/{statusCode}", "DeleteIntegrationResponse"],
  ["POST", "/restapis/{restApiId}/deployments", "CreateDeployment"],
  ["GET", "/restapis/{restApiId}/deployments", "GetDeployments"],
  ["GET", "/restapis/{restApiId}/deployments/{deploymentId}", "GetDeployment"],
  ["PATCH", "/restapis/{restApiId}/deployments/{deploymentId}", "UpdateDeployment"],
  ["DELETE", "/restapis/{restApiId}/deployments/{deploymentId}", "DeleteDeployment"],
  ["POST", "/restapis/{restApiId}/stages", "CreateStage"],
  ["GET", "/restapis/{restApiId}/stages", "GetStages"],
  ["GET", "/restapis/{restApiId}/stages/{stageName}", "GetStage"],
  ["PATCH", "/restapis/{restApiId}/stages/{stageName}", "UpdateStage"],
  ["DELETE", "/restapis/{restApiId}/stages/{stageName}", "DeleteStage"],
  ["POST", "/apikeys", "CreateApiKey"],
  ["GET", "/apikeys", "GetApiKeys"],
  ["GET", "/apikeys/{apiKey}", "GetApiKey"],
  ["PATCH", "/apikeys/{apiKey}", "UpdateApiKey"],
  ["DELETE", "/apikeys/{apiKey}", "DeleteApiKey"],
  ["POST", "/usageplans", "CreateUsagePlan"],
  ["GET", "/usageplans", "GetUsagePlans"],
  ["GET", "/usageplans/{usagePlanId}", "GetUsagePlan"],
  ["PATCH", "/usageplans/{usagePlanId}", "UpdateUsagePlan"],
  ["DELETE", "/usageplans/{usagePlanId}", "DeleteUsagePlan"],
  ["POST", "/usageplans/{usagePlanId}/keys", "CreateUsagePlanKey"],
  ["GET", "/usageplans/{usagePlanId}/keys", "GetUsagePlanKeys"],
  ["GET", "/usageplans/{usagePlanId}/keys/{keyId}", "GetUsagePlanKey"],
  ["DELETE", "/usageplans/{usagePlanId}/keys/{keyId}", "DeleteUsagePlanKey"],
  ["GET", "/tags/{resourceArn}", "GetTags"],
  ["PUT", "/tags/{resourceArn}", "TagResource"],
  ["DELETE", "/tags/{resourceArn}", "UntagResource"],
];

interface CompiledRoute {
  method: string;
  pattern: RegExp;
  labels: string[];
  action: ApiGatewayAction;
}

const ROUTES: CompiledRoute[] = TABLE.map(([method, uri, action]) => {
  const labels: string[] = [];
  const source = uri.replace(/\{(\w+)\}/g, (_m, name: string) => {
    labels.push(name);
    return "([^/]+)";
  });
  return { method, pattern: new RegExp(`^${source}/?$`), labels, action };
});

/** The first segment of every control-plane path: what the service claims. */
export const CONTROL_PLANE_ROOTS = new Set(["restapis", "apikeys", "usageplans", "tags"]);

export interface MatchedRoute {
  action: ApiGatewayAction;
  params: Record<string, string>;
}

/** The action for a request, undefined when no route has this path; `methodNotAllowed` when only the method is wrong. */
export function matchControlRoute(method: string, path: string): MatchedRoute | "methodNotAllowed" | undefined {
  let pathMatched = false;
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (r.method !== method) continue;
    const params: Record<string, string> = {};
    r.labels.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
    return { action: r.action, params };
  }
  return pathMatched ? "methodNotAllowed" : undefined;
}
