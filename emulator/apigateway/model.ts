import { randomBytes } from "node:crypto";
import { AwsError } from "../core/aws-error.js";

/** API Gateway REST APIs as the stack creates them: the control-plane state, no HTTP. */
export interface Integration {
  type: string;
  /** for AWS_PROXY: arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function arn>/invocations */
  uri?: string;
  httpMethod?: string;
}

export interface Method {
  httpMethod: string;
  authorizationType: string;
  apiKeyRequired: boolean;
  requestParameters?: Record<string, boolean>;
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

export interface Stage {
  name: string;
  deploymentId: string;
  throttle?: Throttle;
}

export interface RestApi {
  id: string;
  name: string;
  description?: string;
  createdDate: string;
  rootResourceId: string;
  resources: Record<string, Resource>;
  deployments: Record<string, Deployment>;
  stages: Record<string, Stage>;
}

export interface ApiKey {
  id: string;
  name: string;
  value: string;
  enabled: boolean;
}

export interface UsagePlan {
  id: string;
  name: string;
  apiStages: Array<{ apiId: string; stage: string }>;
  throttle?: Throttle;
  quota?: { limit: number; period: "DAY" | "WEEK" | "MONTH"; offset?: number };
  keyIds: string[];
}

export interface ApiGatewayState {
  apis: Record<string, RestApi>;
  keys: Record<string, ApiKey>;
  plans: Record<string, UsagePlan>;
}

/** API Gateway ids are 10 lowercase alphanumerics. */
function newId(length = 10): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join("");
}

const notFound = (what: string) => new AwsError("NotFoundException", `Invalid ${what} identifier specified`, 404);

export class ApiGatewayModel {
  state: ApiGatewayState = { apis: {}, keys: {}, plans: {} };

  createRestApi(input: { name: string; description?: string }): RestApi {
    const id = newId();
    const rootResourceId = newId();
    const api: RestApi = {
      id,
      name: input.name,
      description: input.description,
      createdDate: new Date().toISOString(),
      rootResourceId,
      resources: { [rootResourceId]: { id: rootResourceId, pathPart: "", path: "/", methods: {} } },
      deployments: {},
      stages: {},
    };
    this.state.apis[id] = api;
    return api;
  }

  getRestApi(id: string): RestApi {
    const api = this.state.apis[id];
    if (!api) throw notFound("API");
    return api;
  }

  deleteRestApi(id: string): void {
    this.getRestApi(id);
    delete this.state.apis[id];
    for (const plan of Object.values(this.state.plans)) plan.apiStages = plan.apiStages.filter((s) => s.apiId !== id);
  }

  createResource(apiId: string, parentId: string, pathPart: string): Resource {
    const api = this.getRestApi(apiId);
    const parent = api.resources[parentId];
    if (!parent) throw notFound("resource");
    if (!/^(\{[A-Za-z0-9_.-]+\+?\}|[A-Za-z0-9_.:~@!$&'()*,;=-]+)$/.test(pathPart)) {
      throw new AwsError("BadRequestException", `Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.`);
    }
    const path = parent.path === "/" ? `/${pathPart}` : `${parent.path}/${pathPart}`;
    if (Object.values(api.resources).some((r) => r.path === path)) throw new AwsError("ConflictException", `Another resource with the same parent already has this name: ${pathPart}`, 409);
    const resource: Resource = { id: newId(), parentId, pathPart, path, methods: {} };
    api.resources[resource.id] = resource;
    return resource;
  }

  getResource(apiId: string, resourceId: string): Resource {
    const r = this.getRestApi(apiId).resources[resourceId];
    if (!r) throw notFound("resource");
    return r;
  }

  deleteResource(apiId: string, resourceId: string): void {
    const api = this.getRestApi(apiId);
    const r = this.getResource(apiId, resourceId);
    for (const other of Object.values(api.resources)) if (other.path.startsWith(`${r.path}/`) || other.id === r.id) delete api.resources[other.id];
  }

  putMethod(apiId: string, resourceId: string, method: Omit<Method, "integration">): Method {
    const r = this.getResource(apiId, resourceId);
    const httpMethod = method.httpMethod.toUpperCase();
    r.methods[httpMethod] = { ...method, httpMethod, integration: r.methods[httpMethod]?.integration };
    return r.methods[httpMethod]!;
  }

  deleteMethod(apiId: string, resourceId: string, httpMethod: string): void {
    delete this.getResource(apiId, resourceId).methods[httpMethod.toUpperCase()];
  }

  putIntegration(apiId: string, resourceId: string, httpMethod: string, integration: Integration): Integration {
    const m = this.getResource(apiId, resourceId).methods[httpMethod.toUpperCase()];
    if (!m) throw new AwsError("NotFoundException", "Invalid Method identifier specified", 404);
    m.integration = { ...integration };
    return m.integration;
  }

  deleteIntegration(apiId: string, resourceId: string, httpMethod: string): void {
    const m = this.getResource(apiId, resourceId).methods[httpMethod.toUpperCase()];
    if (m) delete m.integration;
  }

  createDeployment(apiId: string, description?: string): Deployment {
    const api = this.getRestApi(apiId);
    if (!Object.values(api.resources).some((r) => Object.keys(r.methods).length > 0)) {
      throw new AwsError("BadRequestException", "The REST API doesn't contain any methods");
    }
    const deployment: Deployment = { id: newId(), description, createdDate: new Date().toISOString(), resources: structuredClone(Object.values(api.resources)) };
    api.deployments[deployment.id] = deployment;
    return deployment;
  }

  deleteDeployment(apiId: string, deploymentId: string): void {
    const api = this.getRestApi(apiId);
    if (Object.values(api.stages).some((s) => s.deploymentId === deploymentId)) {
      throw new AwsError("BadRequestException", "Active stages pointing to this deployment must be moved or deleted");
    }
    delete api.deployments[deploymentId];
  }

  putStage(apiId: string, stage: Stage): Stage {
    const api = this.getRestApi(apiId);
    if (!api.deployments[stage.deploymentId]) throw notFound("deployment");
    api.stages[stage.name] = { ...stage };
    return api.stages[stage.name]!;
  }

  deleteStage(apiId: string, name: string): void {
    delete this.getRestApi(apiId).stages[name];
  }

  createApiKey(input: { name: string; value?: string; enabled?: boolean }): ApiKey {
    const value = input.value ?? randomBytes(30).toString("base64url").slice(0, 40);
    if (value.length < 20) throw new AwsError("BadRequestException", "API Key value should be at least 20 characters");
    const key: ApiKey = { id: newId(), name: input.name, value, enabled: input.enabled ?? true };
    this.state.keys[key.id] = key;
    return key;
  }

  deleteApiKey(id: string): void {
    delete this.state.keys[id];
    for (const plan of Object.values(this.state.plans)) plan.keyIds = plan.keyIds.filter((k) => k !== id);
  }

  putUsagePlan(plan: Omit<UsagePlan, "id" | "keyIds"> & { id?: string }): UsagePlan {
    const id = plan.id ?? newId();
    const existing = this.state.plans[id];
    this.state.plans[id] = { ...plan, id, keyIds: existing?.keyIds ?? [] };
    return this.state.plans[id]!;
  }

  deleteUsagePlan(id: string): void {
    delete this.state.plans[id];
  }

  addUsagePlanKey(planId: string, keyId: string): void {
    const plan = this.state.plans[planId];
    if (!plan) throw notFound("usage plan");
    if (!this.state.keys[keyId]) throw notFound("API key");
    if (!plan.keyIds.includes(keyId)) plan.keyIds.push(keyId);
  }

  removeUsagePlanKey(planId: string, keyId: string): void {
    const plan = this.state.plans[planId];
    if (plan) plan.keyIds = plan.keyIds.filter((k) => k !== keyId);
  }

  /** The usage plan that admits this key value on this stage, if any. */
  planForKey(apiId: string, stage: string, value: string): { plan: UsagePlan; key: ApiKey } | undefined {
    const key = Object.values(this.state.keys).find((k) => k.value === value && k.enabled);
    if (!key) return undefined;
    const plan = Object.values(this.state.plans).find((p) => p.keyIds.includes(key.id) && p.apiStages.some((s) => s.apiId === apiId && s.stage === stage));
    return plan ? { plan, key } : undefined;
  }
}
