import type { ApiKey, Deployment, Integration, IntegrationResponse, Method, MethodResponse, Resource, RestApi, Stage, UsagePlan } from "./model.js";

/** Model objects in the shapes of the API Gateway v1 API (botocore's apigateway model), undefined fields left out. */

/** REST-JSON timestamps default to epoch seconds. */
const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export function restApiShape(api: RestApi): Record<string, unknown> {
  return {
    id: api.id,
    name: api.name,
    description: api.description,
    createdDate: epoch(api.createdDate),
    apiKeySource: api.apiKeySource,
    endpointConfiguration: { types: api.endpointTypes },
    binaryMediaTypes: api.binaryMediaTypes,
    minimumCompressionSize: api.minimumCompressionSize,
    disableExecuteApiEndpoint: api.disableExecuteApiEndpoint,
    policy: api.policy,
    rootResourceId: api.rootResourceId,
    tags: api.tags,
  };
}

export function methodResponseShape(r: MethodResponse): Record<string, unknown> {
  return { statusCode: r.statusCode, responseParameters: r.responseParameters, responseModels: r.responseModels };
}

export function integrationResponseShape(r: IntegrationResponse): Record<string, unknown> {
  return { ...r };
}

export function integrationShape(i: Integration): Record<string, unknown> {
  const { integrationResponses, ...rest } = i;
  return {
    ...rest,
    integrationResponses: integrationResponses
      ? Object.fromEntries(Object.entries(integrationResponses).map(([k, v]) => [k, integrationResponseShape(v)]))
      : undefined,
  };
}

export function methodShape(m: Method): Record<string, unknown> {
  return {
    httpMethod: m.httpMethod,
    authorizationType: m.authorizationType,
    authorizerId: m.authorizerId,
    apiKeyRequired: m.apiKeyRequired,
    requestValidatorId: m.requestValidatorId,
    operationName: m.operationName,
    requestParameters: m.requestParameters,
    requestModels: m.requestModels,
    authorizationScopes: m.authorizationScopes,
    methodResponses: m.methodResponses
      ? Object.fromEntries(Object.entries(m.methodResponses).map(([k, v]) => [k, methodResponseShape(v)]))
      : undefined,
    methodIntegration: m.integration ? integrationShape(m.integration) : undefined,
  };
}

/** `resourceMethods` holds each method in full with `embed=methods`, as an empty object otherwise (as AWS answers). */
export function resourceShape(r: Resource, embedMethods: boolean): Record<string, unknown> {
  const methods = Object.values(r.methods);
  return {
    id: r.id,
    parentId: r.parentId,
    pathPart: r.parentId ? r.pathPart : undefined,
    path: r.path,
    resourceMethods: methods.length ? Object.fromEntries(methods.map((m) => [m.httpMethod, embedMethods ? methodShape(m) : {}])) : undefined,
  };
}

export function deploymentShape(d: Deployment): Record<string, unknown> {
  return { id: d.id, description: d.description, createdDate: epoch(d.createdDate) };
}

export function stageShape(s: Stage): Record<string, unknown> {
  return {
    deploymentId: s.deploymentId,
    stageName: s.name,
    description: s.description,
    cacheClusterEnabled: s.cacheClusterEnabled,
    cacheClusterSize: s.cacheClusterSize,
    cacheClusterStatus: s.cacheClusterEnabled ? "AVAILABLE" : "NOT_AVAILABLE",
    methodSettings: s.methodSettings,
    variables: s.variables,
    tracingEnabled: s.tracingEnabled,
    accessLogSettings: s.accessLogSettings,
    tags: s.tags,
    createdDate: epoch(s.createdDate),
    lastUpdatedDate: epoch(s.lastUpdatedDate),
  };
}

export function apiKeyShape(k: ApiKey, includeValue: boolean): Record<string, unknown> {
  return {
    id: k.id,
    value: includeValue ? k.value : undefined,
    name: k.name,
    customerId: k.customerId,
    description: k.description,
    enabled: k.enabled,
    createdDate: epoch(k.createdDate),
    lastUpdatedDate: epoch(k.lastUpdatedDate),
    stageKeys: k.stageKeys,
    tags: k.tags,
  };
}

export function usagePlanShape(p: UsagePlan): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    apiStages: p.apiStages.map((s) => ({ apiId: s.apiId, stage: s.stage })),
    throttle: p.throttle,
    quota: p.quota ? { limit: p.quota.limit, offset: p.quota.offset ?? 0, period: p.quota.period } : undefined,
    productCode: p.productCode,
    tags: p.tags,
  };
}

export function usagePlanKeyShape(k: ApiKey): Record<string, unknown> {
  return { id: k.id, type: "API_KEY", value: k.value, name: k.name };
}

/** A page of a list, `{ item, position }`: position is the index of the next item, absent on the last page. */
export function page<T>(items: T[], query: { position?: string; limit?: string }, shape: (x: T) => unknown): Record<string, unknown> {
  const start = query.position ? Number(query.position) : 0;
  const limit = query.limit ? Number(query.limit) : 25;
  const from = Number.isInteger(start) && start >= 0 ? start : 0;
  const size = Number.isInteger(limit) && limit > 0 ? Math.min(limit, 500) : 25;
  const slice = items.slice(from, from + size);
  const next = from + size < items.length ? String(from + size) : undefined;
  return { item: slice.map(shape), position: next };
}
