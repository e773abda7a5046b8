import { AwsError } from "../core/aws-error.js";
import { CUSTOM_ID_TAG, newId, validCustomId } from "./ids.js";

/** API Gateway REST APIs: the control plane's state and rules, no HTTP. The data plane reads the same objects. */

export interface IntegrationResponse {
  statusCode: string;
  selectionPattern?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string>;
  contentHandling?: string;
}

export interface Integration {
  type: string;
  /** for AWS_PROXY: arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function arn>/invocations */
  uri?: string;
  httpMethod?: string;
  connectionType?: string;
  connectionId?: string;
  credentials?: string;
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string>;
  passthroughBehavior?: string;
  contentHandling?: string;
  timeoutInMillis?: number;
  cacheNamespace?: string;
  cacheKeyParameters?: string[];
  integrationResponses?: Record<string, IntegrationResponse>;
}

export interface MethodResponse {
  statusCode: string;
  responseParameters?: Record<string, boolean>;
  responseModels?: Record<string, string>;
}

export interface Method {
  httpMethod: string;
  authorizationType: string;
  apiKeyRequired: boolean;
  authorizerId?: string;
  operationName?: string;
  requestValidatorId?: string;
  requestParameters?: Record<string, boolean>;
  requestModels?: Record<string, string>;
  authorizationScopes?: string[];
  methodResponses?: Record<string, MethodResponse>;
  integration?: Integration;
}

export interface Resource {
  id: string;
  parentId?: string;
  pathPart: string;
  /** full path, e.g. /movies/{movieID} */
  path: string;
  methods: Record<string, Method>;
}

export interface Deployment {
  id: string;
  description?: string;
  createdDate: string;
  /** the API's resources and methods frozen when the deployment was made, as on AWS */
  resources: Resource[];
}

export interface Throttle {
  rateLimit?: number;
  burstLimit?: number;
}

/** One entry of a stage's methodSettings, keyed "*\/*" or "{resource path}/{METHOD}", as AWS returns it. */
export interface MethodSetting {
  metricsEnabled: boolean;
  loggingLevel: string;
  dataTraceEnabled: boolean;
  throttlingBurstLimit: number;
  throttlingRateLimit: number;
  cachingEnabled: boolean;
  cacheTtlInSeconds: number;
  cacheDataEncrypted: boolean;
  requireAuthorizationForCacheControl: boolean;
  unauthorizedCacheControlHeaderStrategy: string;
}

/** What AWS fills in for a method setting the caller did not set: the account-level throttle, everything else off. */
export const DEFAULT_METHOD_SETTING: MethodSetting = {
  metricsEnabled: false,
  loggingLevel: "OFF",
  dataTraceEnabled: false,
  throttlingBurstLimit: 5000,
  throttlingRateLimit: 10000,
  cachingEnabled: false,
  cacheTtlInSeconds: 300,
  cacheDataEncrypted: false,
  requireAuthorizationForCacheControl: true,
  unauthorizedCacheControlHeaderStrategy: "SUCCEED_WITH_RESPONSE_HEADER",
};

export interface Stage {
  name: string;
  deploymentId: string;
  description?: string;
  variables?: Record<string, string>;
  methodSettings: Record<string, MethodSetting>;
  tracingEnabled: boolean;
  cacheClusterEnabled: boolean;
  cacheClusterSize?: string;
  accessLogSettings?: { destinationArn?: string; format?: string };
  tags: Record<string, string>;
  createdDate: string;
  lastUpdatedDate: string;
}

export interface RestApi {
  id: string;
  name: string;
  description?: string;
  createdDate: string;
  rootResourceId: string;
  apiKeySource: string;
  endpointTypes: string[];
  binaryMediaTypes?: string[];
  minimumCompressionSize?: number;
  disableExecuteApiEndpoint: boolean;
  policy?: string;
  tags: Record<string, string>;
  resources: Record<string, Resource>;
  deployments: Record<string, Deployment>;
  stages: Record<string, Stage>;
}

export interface ApiKey {
  id: string;
  name: string;
  value: string;
  enabled: boolean;
  description?: string;
  customerId?: string;
  /** "{restApiId}/{stage}" */
  stageKeys: string[];
  tags: Record<string, string>;
  createdDate: string;
  lastUpdatedDate: string;
}

export interface ApiStage {
  apiId: string;
  stage: string;
}

export interface Quota {
  limit: number;
  period: "DAY" | "WEEK" | "MONTH";
  offset?: number;
}

export interface UsagePlan {
  id: string;
  name: string;
  description?: string;
  productCode?: string;
  apiStages: ApiStage[];
  throttle?: Throttle;
  quota?: Quota;
  keyIds: string[];
  tags: Record<string, string>;
}

export interface ApiGatewayState {
  apis: Record<string, RestApi>;
  keys: Record<string, ApiKey>;
  plans: Record<string, UsagePlan>;
}

export const notFound = (what: string) => new AwsError("NotFoundException", `Invalid ${what} identifier specified`, 404);
export const badRequest = (message: string) => new AwsError("BadRequestException", message, 400);
export const conflict = (message: string) => new AwsError("ConflictException", message, 409);

const PATH_PART = /^(\{[A-Za-z0-9_.-]+\+?\}|[A-Za-z0-9_.:~@!$&'()*,;=-]+)$/;
const HTTP_METHODS = new Set(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"]);

export interface CreateRestApiInput {
  name: string;
  description?: string;
  apiKeySource?: string;
  endpointTypes?: string[];
  binaryMediaTypes?: string[];
  minimumCompressionSize?: number;
  disableExecuteApiEndpoint?: boolean;
  policy?: string;
  tags?: Record<string, string>;
}

export interface StageInput {
  name: string;
  deploymentId: string;
  description?: string;
  variables?: Record<string, string>;
  tracingEnabled?: boolean;
  cacheClusterEnabled?: boolean;
  cacheClusterSize?: string;
  tags?: Record<string, string>;
}

export class ApiGatewayModel {
  state: ApiGatewayState = { apis: {}, keys: {}, plans: {} };

  // ---- REST APIs

  createRestApi(input: CreateRestApiInput): RestApi {
    if (!input.name) throw badRequest("Invalid REST API name specified: name is required");
    const custom = input.tags?.[CUSTOM_ID_TAG];
    const id = custom !== undefined ? validCustomId(custom) : this.freshId((i) => this.state.apis[i] !== undefined);
    if (this.state.apis[id]) throw conflict(`A REST API with id ${id} already exists (tag ${CUSTOM_ID_TAG}); delete it first or choose another id`);
    const apiKeySource = input.apiKeySource ?? "HEADER";
    if (apiKeySource !== "HEADER" && apiKeySource !== "AUTHORIZER") throw badRequest(`Invalid apiKeySource ${apiKeySource}: must be HEADER or AUTHORIZER`);
    const rootResourceId = newId();
    const api: RestApi = {
      id,
      name: input.name,
      description: input.description,
      createdDate: new Date().toISOString(),
      rootResourceId,
      apiKeySource,
      endpointTypes: input.endpointTypes?.length ? [...input.endpointTypes] : ["EDGE"],
      binaryMediaTypes: input.binaryMediaTypes?.length ? [...input.binaryMediaTypes] : undefined,
      minimumCompressionSize: input.minimumCompressionSize,
      disableExecuteApiEndpoint: input.disableExecuteApiEndpoint ?? false,
      policy: input.policy,
      tags: { ...input.tags },
      resources: { [rootResourceId]: { id: rootResourceId, pathPart: "", path: "/", methods: {} } },
      deployments: {},
      stages: {},
    };
    this.state.apis[id] = api;
    return api;
  }

  getRestApi(id: string): RestApi {
    const api = Object.hasOwn(this.state.apis, id) ? this.state.apis[id] : undefined;
    if (!api) throw notFound("REST API");
    return api;
  }

  deleteRestApi(id: string): void {
    this.getRestApi(id);
    delete this.state.apis[id];
    for (const plan of Object.values(this.state.plans)) plan.apiStages = plan.apiStages.filter((s) => s.apiId !== id);
    for (const key of Object.values(this.state.keys)) key.stageKeys = key.stageKeys.filter((s) => !s.startsWith(`${id}/`));
  }

  // ---- resources

  createResource(apiId: string, parentId: string, pathPart: string): Resource {
    const api = this.getRestApi(apiId);
    const parent = Object.hasOwn(api.resources, parentId) ? api.resources[parentId] : undefined;
    if (!parent) throw notFound("parent resource");
    if (!PATH_PART.test(pathPart)) {
      throw badRequest("Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.");
    }
    if (parent.path.split("/").some((seg) => seg.endsWith("+}"))) throw badRequest(`A greedy path parameter ({name+}) must be the last segment: ${parent.path} cannot have children`);
    const path = parent.path === "/" ? `/${pathPart}` : `${parent.path}/${pathPart}`;
    if (Object.values(api.resources).some((r) => r.path === path)) throw conflict(`Another resource with the same parent already has this name: ${pathPart}`);
    const resource: Resource = { id: this.freshId((i) => api.resources[i] !== undefined), parentId, pathPart, path, methods: {} };
    api.resources[resource.id] = resource;
    return resource;
  }

  getResource(apiId: string, resourceId: string): Resource {
    const api = this.getRestApi(apiId);
    const r = Object.hasOwn(api.resources, resourceId) ? api.resources[resourceId] : undefined;
    if (!r) throw notFound("resource");
    return r;
  }

  /** Moves or renames a resource: its descendants' paths follow. */
  updateResource(apiId: string, resourceId: string, change: { pathPart?: string; parentId?: string }): Resource {
    const api = this.getRestApi(apiId);
    const r = this.getResource(apiId, resourceId);
    if (!r.parentId) throw badRequest("The root resource cannot be renamed or moved");
    const parentId = change.parentId ?? r.parentId;
    const pathPart = change.pathPart ?? r.pathPart;
    const parent = this.getResource(apiId, parentId);
    if (!PATH_PART.test(pathPart)) throw badRequest(`Invalid path part ${pathPart}`);
    if (parent.path === r.path || parent.path.startsWith(`${r.path}/`)) throw badRequest("A resource cannot be moved under itself");
    const path = parent.path === "/" ? `/${pathPart}` : `${parent.path}/${pathPart}`;
    if (Object.values(api.resources).some((o) => o.id !== r.id && o.path === path)) throw conflict(`Another resource with the same parent already has this name: ${pathPart}`);
    const old = r.path;
    for (const o of Object.values(api.resources)) if (o.path.startsWith(`${old}/`)) o.path = path + o.path.slice(old.length);
    Object.assign(r, { parentId, pathPart, path });
    return r;
  }

  deleteResource(apiId: string, resourceId: string): void {
    const api = this.getRestApi(apiId);
    const r = this.getResource(apiId, resourceId);
    if (!r.parentId) throw badRequest("Cannot delete the root resource of a REST API");
    for (const other of Object.values(api.resources)) if (other.path.startsWith(`${r.path}/`) || other.id === r.id) delete api.resources[other.id];
  }

  // ---- methods, method responses, integrations, integration responses

  putMethod(apiId: string, resourceId: string, method: Omit<Method, "integration" | "methodResponses">): Method {
    const r = this.getResource(apiId, resourceId);
    const httpMethod = method.httpMethod.toUpperCase();
    if (!HTTP_METHODS.has(httpMethod)) throw badRequest(`Invalid HTTP method ${method.httpMethod}: must be one of ${[...HTTP_METHODS].join(", ")}`);
    const known = ["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"];
    if (!known.includes(method.authorizationType)) throw badRequest(`Invalid authorization type ${method.authorizationType}: must be one of ${known.join(", ")}`);
    r.methods[httpMethod] = { ...method, httpMethod };
    return r.methods[httpMethod]!;
  }

  getMethod(apiId: string, resourceId: string, httpMethod: string): Method {
    const r = this.getResource(apiId, resourceId);
    const key = httpMethod.toUpperCase();
    const m = Object.hasOwn(r.methods, key) ? r.methods[key] : undefined;
    if (!m) throw notFound("Method");
    return m;
  }

  deleteMethod(apiId: string, resourceId: string, httpMethod: string): void {
    this.getMethod(apiId, resourceId, httpMethod);
    delete this.getResource(apiId, resourceId).methods[httpMethod.toUpperCase()];
  }

  putMethodResponse(apiId: string, resourceId: string, httpMethod: string, response: MethodResponse): MethodResponse {
    const m = this.getMethod(apiId, resourceId, httpMethod);
    if (!/^[1-5]\d\d$/.test(response.statusCode)) throw badRequest(`Invalid status code ${response.statusCode}: must be 100 to 599`);
    m.methodResponses = { ...m.methodResponses, [response.statusCode]: { ...response } };
    return m.methodResponses[response.statusCode]!;
  }

  getMethodResponse(apiId: string, resourceId: string, httpMethod: string, statusCode: string): MethodResponse {
    const m = this.getMethod(apiId, resourceId, httpMethod);
    const r = m.methodResponses && Object.hasOwn(m.methodResponses, statusCode) ? m.methodResponses[statusCode] : undefined;
    if (!r) throw notFound("Response status code");
    return r;
  }

  deleteMethodResponse(apiId: string, resourceId: string, httpMethod: string, statusCode: string): void {
    this.getMethodResponse(apiId, resourceId, httpMethod, statusCode);
    delete this.getMethod(apiId, resourceId, httpMethod).methodResponses![statusCode];
  }

  putIntegration(apiId: string, resourceId: string, httpMethod: string, integration: Integration): Integration {
    const m = this.getMethod(apiId, resourceId, httpMethod);
    const types = ["AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"];
    if (!types.includes(integration.type)) throw badRequest(`Invalid integration type ${integration.type}: must be one of ${types.join(", ")}`);
    if (integration.type !== "MOCK" && !integration.uri) throw badRequest("Enumeration value for Integration Type must be accompanied by a uri: uri is required for AWS, AWS_PROXY, HTTP and HTTP_PROXY integrations");
    if ((integration.type === "AWS" || integration.type === "AWS_PROXY") && !integration.httpMethod) throw badRequest("An integration HTTP method must be specified for AWS integrations");
    if (integration.type === "AWS_PROXY" && integration.httpMethod !== "POST" && /:lambda:path\//.test(integration.uri ?? "")) {
      throw badRequest("Lambda proxy integrations invoke the function with POST: set the integration HTTP method to POST");
    }
    const timeout = integration.timeoutInMillis ?? 29000;
    if (!Number.isInteger(timeout) || timeout < 50) throw badRequest(`Invalid timeout ${timeout}: must be at least 50 milliseconds`);
    m.integration = { ...integration, timeoutInMillis: timeout, passthroughBehavior: integration.passthroughBehavior ?? "WHEN_NO_MATCH", connectionType: integration.connectionType ?? "INTERNET", cacheNamespace: integration.cacheNamespace ?? resourceId, cacheKeyParameters: integration.cacheKeyParameters ?? [], integrationResponses: m.integration?.integrationResponses };
    return m.integration;
  }

  getIntegration(apiId: string, resourceId: string, httpMethod: string): Integration {
    const i = this.getMethod(apiId, resourceId, httpMethod).integration;
    if (!i) throw notFound("Integration");
    return i;
  }

  deleteIntegration(apiId: string, resourceId: string, httpMethod: string): void {
    this.getIntegration(apiId, resourceId, httpMethod);
    delete this.getMethod(apiId, resourceId, httpMethod).integration;
  }

  putIntegrationResponse(apiId: string, resourceId: string, httpMethod: string, response: IntegrationResponse): IntegrationResponse {
    const i = this.getIntegration(apiId, resourceId, httpMethod);
    if (!/^[1-5]\d\d$/.test(response.statusCode)) throw badRequest(`Invalid status code ${response.statusCode}: must be 100 to 599`);
    i.integrationResponses = { ...i.integrationResponses, [response.statusCode]: { ...response } };
    return i.integrationResponses[response.statusCode]!;
  }

  getIntegrationResponse(apiId: string, resourceId: string, httpMethod: string, statusCode: string): IntegrationResponse {
    const i = this.getIntegration(apiId, resourceId, httpMethod);
    const r = i.integrationResponses && Object.hasOwn(i.integrationResponses, statusCode) ? i.integrationResponses[statusCode] : undefined;
    if (!r) throw notFound("Response status code");
    return r;
  }

  deleteIntegrationResponse(apiId: string, resourceId: string, httpMethod: string, statusCode: string): void {
    this.getIntegrationResponse(apiId, resourceId, httpMethod, statusCode);
    delete this.getIntegration(apiId, resourceId, httpMethod).integrationResponses![statusCode];
  }

  // ---- deployments and stages

  createDeployment(apiId: string, description?: string, stage?: Omit<StageInput, "deploymentId">): Deployment {
    const api = this.getRestApi(apiId);
    if (!Object.values(api.resources).some((r) => Object.keys(r.methods).length > 0)) throw badRequest("The REST API doesn't contain any methods");
    for (const r of Object.values(api.resources)) {
      for (const m of Object.values(r.methods)) if (!m.integration) throw badRequest(`No integration defined for method ${m.httpMethod} ${r.path}`);
    }
    const deployment: Deployment = { id: this.freshId((i) => api.deployments[i] !== undefined), description, createdDate: new Date().toISOString(), resources: structuredClone(Object.values(api.resources)) };
    api.deployments[deployment.id] = deployment;
    if (stage) {
      const existing = api.stages[stage.name];
      if (existing) {
        existing.deploymentId = deployment.id;
        existing.lastUpdatedDate = deployment.createdDate;
        if (stage.description !== undefined) existing.description = stage.description;
        if (stage.variables) existing.variables = { ...stage.variables };
      } else this.createStage(apiId, { ...stage, deploymentId: deployment.id });
    }
    return deployment;
  }

  getDeployment(apiId: string, deploymentId: string): Deployment {
    const api = this.getRestApi(apiId);
    const d = Object.hasOwn(api.deployments, deploymentId) ? api.deployments[deploymentId] : undefined;
    if (!d) throw notFound("deployment");
    return d;
  }

  deleteDeployment(apiId: string, deploymentId: string): void {
    const api = this.getRestApi(apiId);
    this.getDeployment(apiId, deploymentId);
    if (Object.values(api.stages).some((s) => s.deploymentId === deploymentId)) {
      throw badRequest("Active stages pointing to this deployment must be moved or deleted");
    }
    delete api.deployments[deploymentId];
  }

  createStage(apiId: string, input: StageInput): Stage {
    const api = this.getRestApi(apiId);
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(input.name)) throw badRequest(`Invalid stage name ${input.name}: use 1 to 128 letters, digits, hyphens and underscores`);
    this.getDeployment(apiId, input.deploymentId);
    if (api.stages[input.name]) throw conflict("Stage already exists");
    const now = new Date().toISOString();
    const stage: Stage = {
      name: input.name,
      deploymentId: input.deploymentId,
      description: input.description,
      variables: input.variables && Object.keys(input.variables).length ? { ...input.variables } : undefined,
      methodSettings: {},
      tracingEnabled: input.tracingEnabled ?? false,
      cacheClusterEnabled: input.cacheClusterEnabled ?? false,
      cacheClusterSize: input.cacheClusterSize,
      tags: { ...input.tags },
      createdDate: now,
      lastUpdatedDate: now,
    };
    api.stages[input.name] = stage;
    return stage;
  }

  getStage(apiId: string, name: string): Stage {
    const api = this.getRestApi(apiId);
    const s = Object.hasOwn(api.stages, name) ? api.stages[name] : undefined;
    if (!s) throw notFound("stage");
    return s;
  }

  deleteStage(apiId: string, name: string): void {
    this.getStage(apiId, name);
    delete this.getRestApi(apiId).stages[name];
    for (const plan of Object.values(this.state.plans)) plan.apiStages = plan.apiStages.filter((s) => s.apiId !== apiId || s.stage !== name);
  }

  // ---- API keys, usage plans

  createApiKey(input: { name?: string; value?: string; enabled?: boolean; description?: string; customerId?: string; stageKeys?: string[]; tags?: Record<string, string> }): ApiKey {
    const value = input.value ?? newId(40);
    if (value.length < 20 || value.length > 128) throw badRequest("API Key value should be at least 20 characters and at most 128");
    if (Object.values(this.state.keys).some((k) => k.value === value)) throw conflict("API Key already exists");
    const now = new Date().toISOString();
    const id = this.freshId((i) => this.state.keys[i] !== undefined);
    const key: ApiKey = { id, name: input.name ?? id, value, enabled: input.enabled ?? false, description: input.description, customerId: input.customerId, stageKeys: [...(input.stageKeys ?? [])], tags: { ...input.tags }, createdDate: now, lastUpdatedDate: now };
    this.state.keys[key.id] = key;
    return key;
  }

  getApiKey(id: string): ApiKey {
    const key = Object.hasOwn(this.state.keys, id) ? this.state.keys[id] : undefined;
    if (!key) throw notFound("API Key");
    return key;
  }

  deleteApiKey(id: string): void {
    this.getApiKey(id);
    delete this.state.keys[id];
    for (const plan of Object.values(this.state.plans)) plan.keyIds = plan.keyIds.filter((k) => k !== id);
  }

  createUsagePlan(plan: Omit<UsagePlan, "id" | "keyIds" | "tags"> & { tags?: Record<string, string> }): UsagePlan {
    if (!plan.name) throw badRequest("Invalid usage plan name specified: name is required");
    for (const s of plan.apiStages) this.checkApiStage(s);
    checkPlanLimits(plan.throttle, plan.quota);
    const id = this.freshId((i) => this.state.plans[i] !== undefined);
    const created: UsagePlan = { ...plan, apiStages: plan.apiStages.map((s) => ({ ...s })), tags: { ...plan.tags }, id, keyIds: [] };
    this.state.plans[id] = created;
    return created;
  }

  getUsagePlan(id: string): UsagePlan {
    const plan = Object.hasOwn(this.state.plans, id) ? this.state.plans[id] : undefined;
    if (!plan) throw notFound("Usage Plan ID");
    return plan;
  }

  /** A usage plan may name a stage only once it exists, as AWS checks. */
  checkApiStage(s: ApiStage): void {
    const api = Object.hasOwn(this.state.apis, s.apiId) ? this.state.apis[s.apiId] : undefined;
    if (!api || !Object.hasOwn(api.stages, s.stage)) throw badRequest(`Invalid API Stage {api: ${s.apiId}, stage: ${s.stage}} specified for usageplan`);
  }

  deleteUsagePlan(id: string): void {
    this.getUsagePlan(id);
    delete this.state.plans[id];
  }

  addUsagePlanKey(planId: string, keyId: string): ApiKey {
    const plan = this.getUsagePlan(planId);
    const key = this.getApiKey(keyId);
    if (plan.keyIds.includes(keyId)) throw conflict(`Usage Plan ${planId} cannot be added because API Key ${keyId} already belongs to it`);
    plan.keyIds.push(keyId);
    return key;
  }

  getUsagePlanKey(planId: string, keyId: string): ApiKey {
    const plan = this.getUsagePlan(planId);
    if (!plan.keyIds.includes(keyId)) throw notFound("Usage Plan Key");
    return this.getApiKey(keyId);
  }

  removeUsagePlanKey(planId: string, keyId: string): void {
    const plan = this.getUsagePlan(planId);
    if (!plan.keyIds.includes(keyId)) throw notFound("Usage Plan Key");
    plan.keyIds = plan.keyIds.filter((k) => k !== keyId);
  }

  /** The usage plan that admits this key value on this stage, if any. */
  planForKey(apiId: string, stage: string, value: string): { plan: UsagePlan; key: ApiKey } | undefined {
    const key = Object.values(this.state.keys).find((k) => k.value === value && k.enabled);
    if (!key) return undefined;
    const plan = Object.values(this.state.plans).find((p) => p.keyIds.includes(key.id) && p.apiStages.some((s) => s.apiId === apiId && s.stage === stage));
    return plan ? { plan, key } : undefined;
  }

  // ---- state

  snapshot(): ApiGatewayState {
    return this.state;
  }

  /** Takes a snapshot written by this version or by the one before the control plane (stage `throttle`, ISO dates, fewer fields). */
  restore(saved: unknown): void {
    // The wrong shape stops the start (a state dir of something else), never an empty API Gateway.
    const raw = saved as Partial<Record<keyof ApiGatewayState, unknown>> | null;
    for (const field of ["apis", "keys", "plans"] as const) {
      if (!raw || typeof raw !== "object" || typeof raw[field] !== "object" || raw[field] === null) throw new Error(`API Gateway state has no ${field} object`);
    }
    const s = saved as Partial<ApiGatewayState>;
    const state: ApiGatewayState = { apis: { ...s.apis }, keys: { ...s.keys }, plans: { ...s.plans } };
    const now = new Date().toISOString();
    for (const api of Object.values(state.apis)) {
      api.apiKeySource ??= "HEADER";
      api.endpointTypes ??= ["EDGE"];
      api.disableExecuteApiEndpoint ??= false;
      api.tags ??= {};
      for (const stage of Object.values(api.stages)) {
        const legacy = (stage as Stage & { throttle?: Throttle }).throttle;
        stage.methodSettings ??= legacy ? { "*/*": { ...DEFAULT_METHOD_SETTING, throttlingRateLimit: legacy.rateLimit ?? 10000, throttlingBurstLimit: legacy.burstLimit ?? 5000 } } : {};
        delete (stage as Stage & { throttle?: Throttle }).throttle;
        stage.tags ??= {};
        stage.tracingEnabled ??= false;
        stage.cacheClusterEnabled ??= false;
        stage.createdDate ??= now;
        stage.lastUpdatedDate ??= now;
      }
    }
    for (const key of Object.values(state.keys)) {
      key.stageKeys ??= [];
      key.tags ??= {};
      key.createdDate ??= now;
      key.lastUpdatedDate ??= now;
    }
    for (const plan of Object.values(state.plans)) plan.tags ??= {};
    this.state = state;
  }

  private freshId(taken: (id: string) => boolean): string {
    for (;;) {
      const id = newId();
      if (!taken(id)) return id;
    }
  }
}

export function checkPlanLimits(throttle: Throttle | undefined, quota: Quota | undefined): void {
  if (throttle?.rateLimit !== undefined && (!Number.isFinite(throttle.rateLimit) || throttle.rateLimit < 0)) throw badRequest("Usage plan throttle rateLimit must be zero or more");
  if (throttle?.burstLimit !== undefined && (!Number.isInteger(throttle.burstLimit) || throttle.burstLimit < 0)) throw badRequest("Usage plan throttle burstLimit must be a whole number, zero or more");
  if (quota) {
    if (!["DAY", "WEEK", "MONTH"].includes(quota.period)) throw badRequest(`Invalid quota period ${quota.period}: must be DAY, WEEK or MONTH`);
    if (!Number.isInteger(quota.limit) || quota.limit < 0) throw badRequest("Usage plan quota limit must be a whole number, zero or more");
  }
}

/**
 * The throttle a stage applies to a method: its own method setting
 * ("movies/{movieID}/GET", or "~1movies~1{movieID}/GET" as patch paths escape it)
 * before the stage-wide "*\/*" one.
 */
export function stageThrottle(stage: Stage, resourcePath: string, httpMethod: string): { key: string; throttle: Throttle } | undefined {
  const wanted = `${resourcePath.replace(/^\//, "")}/${httpMethod}`;
  for (const [key, setting] of Object.entries(stage.methodSettings ?? {})) {
    if (key === "*/*") continue;
    if (key.replace(/~1/g, "/").replace(/~0/g, "~").replace(/^\//, "") === wanted) return { key, throttle: { rateLimit: setting.throttlingRateLimit, burstLimit: setting.throttlingBurstLimit } };
  }
  const all = stage.methodSettings?.["*/*"];
  return all ? { key: "*/*", throttle: { rateLimit: all.throttlingRateLimit, burstLimit: all.throttlingBurstLimit } } : undefined;
}
