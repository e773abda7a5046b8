import { boolMap, type Input, objectOf, optionalBool, optionalNumber, optionalString, requiredString, stringList, stringMap } from "./input.js";
import { type ApiGatewayModel, type ApiStage, badRequest, checkPlanLimits, DEFAULT_METHOD_SETTING, type MethodSetting, notFound, type Quota, type Throttle } from "./model.js";
import { type PatchOperation, patchBool, patchList, patchMap, patchNumber, patchOperations, pathSegments, patchValue, unsupportedPatch } from "./patch.js";
import {
  apiKeyShape,
  deploymentShape,
  integrationResponseShape,
  integrationShape,
  methodResponseShape,
  methodShape,
  page,
  resourceShape,
  restApiShape,
  stageShape,
  usagePlanKeyShape,
  usagePlanShape,
} from "./shapes.js";

/** What an operation answers: the HTTP status AWS uses for it and the JSON body (none for deletes). */
export interface Output {
  status: number;
  body?: unknown;
}

export type ApiGatewayOperation = (model: ApiGatewayModel, input: Input) => Output;

const ok = (body: unknown): Output => ({ status: 200, body });
const created = (body: unknown): Output => ({ status: 201, body });
const accepted: Output = { status: 202 };

const api = (input: Input) => requiredString(input, "restApiId");
const resource = (input: Input) => requiredString(input, "resourceId");
const method = (input: Input) => requiredString(input, "httpMethod");
const status = (input: Input) => requiredString(input, "statusCode");
const listQuery = (input: Input) => ({ position: optionalString(input, "position"), limit: optionalString(input, "limit") });
const now = () => new Date().toISOString();

/** Applies each operation in order to a copy, so a bad one leaves the object as it was. */
function patched<T extends object>(target: T, input: Input, apply: (draft: T, op: PatchOperation) => void): T {
  const draft = structuredClone(target);
  for (const op of patchOperations(input)) apply(draft, op);
  return Object.assign(target, draft);
}

// ---- REST APIs

const createRestApi: ApiGatewayOperation = (model, input) => {
  const endpoint = objectOf(input, "endpointConfiguration");
  const a = model.createRestApi({
    name: requiredString(input, "name"),
    description: optionalString(input, "description"),
    apiKeySource: optionalString(input, "apiKeySource"),
    endpointTypes: endpoint ? stringList(endpoint, "types") : undefined,
    binaryMediaTypes: stringList(input, "binaryMediaTypes"),
    minimumCompressionSize: optionalNumber(input, "minimumCompressionSize", true),
    disableExecuteApiEndpoint: optionalBool(input, "disableExecuteApiEndpoint"),
    policy: optionalString(input, "policy"),
    tags: stringMap(input, "tags"),
  });
  return created(restApiShape(a));
};

const getRestApi: ApiGatewayOperation = (model, input) => ok(restApiShape(model.getRestApi(api(input))));
const getRestApis: ApiGatewayOperation = (model, input) => ok(page(Object.values(model.state.apis), listQuery(input), restApiShape));
const deleteRestApi: ApiGatewayOperation = (model, input) => (model.deleteRestApi(api(input)), accepted);

const REST_API_PATHS = ["/name", "/description", "/apiKeySource", "/minimumCompressionSize", "/disableExecuteApiEndpoint", "/policy", "/binaryMediaTypes/{type}", "/endpointConfiguration/types/{index}"];
const updateRestApi: ApiGatewayOperation = (model, input) => {
  const a = patched(model.getRestApi(api(input)), input, (d, op) => {
    const [head, ...rest] = pathSegments(op.path);
    if (head === "name" && rest.length === 0) d.name = patchValue(op);
    else if (head === "description" && rest.length === 0) d.description = op.op === "remove" ? undefined : patchValue(op);
    else if (head === "apiKeySource" && rest.length === 0) {
      const v = patchValue(op);
      if (v !== "HEADER" && v !== "AUTHORIZER") throw badRequest(`Invalid apiKeySource ${v}: must be HEADER or AUTHORIZER`);
      d.apiKeySource = v;
    } else if (head === "minimumCompressionSize" && rest.length === 0) d.minimumCompressionSize = op.op === "remove" || op.value === "" || op.value === undefined ? undefined : patchNumber(op, true);
    else if (head === "disableExecuteApiEndpoint" && rest.length === 0) d.disableExecuteApiEndpoint = patchBool(op);
    else if (head === "policy" && rest.length === 0) d.policy = op.op === "remove" || op.value === "" ? undefined : patchValue(op);
    else if (head === "binaryMediaTypes" && rest.length === 1) {
      const list = patchList(d.binaryMediaTypes, rest[0]!, op);
      d.binaryMediaTypes = list.length ? list : undefined;
    } else if (head === "endpointConfiguration" && rest[0] === "types" && rest.length === 2 && op.op === "replace") {
      const i = rest[1] === "0" ? 0 : d.endpointTypes.indexOf(rest[1]!);
      if (i < 0) throw badRequest(`Invalid endpoint type ${rest[1]}`);
      d.endpointTypes[i] = patchValue(op);
    } else throw unsupportedPatch(op, REST_API_PATHS);
  });
  return ok(restApiShape(a));
};

// ---- resources

const embedsMethods = (input: Input) => (stringList(input, "embed") ?? []).includes("methods");

const createResource: ApiGatewayOperation = (model, input) =>
  created(resourceShape(model.createResource(api(input), requiredString(input, "parentId"), requiredString(input, "pathPart")), false));
const getResource: ApiGatewayOperation = (model, input) => ok(resourceShape(model.getResource(api(input), resource(input)), embedsMethods(input)));
const getResources: ApiGatewayOperation = (model, input) => {
  const embed = embedsMethods(input);
  return ok(page(Object.values(model.getRestApi(api(input)).resources), listQuery(input), (r) => resourceShape(r, embed)));
};
const deleteResource: ApiGatewayOperation = (model, input) => (model.deleteResource(api(input), resource(input)), accepted);
const updateResource: ApiGatewayOperation = (model, input) => {
  const change: { pathPart?: string; parentId?: string } = {};
  for (const op of patchOperations(input)) {
    if (op.op !== "replace" || (op.path !== "/pathPart" && op.path !== "/parentId")) throw unsupportedPatch(op, ["/pathPart", "/parentId"]);
    change[op.path === "/pathPart" ? "pathPart" : "parentId"] = patchValue(op);
  }
  return ok(resourceShape(model.updateResource(api(input), resource(input), change), false));
};

// ---- methods

const putMethod: ApiGatewayOperation = (model, input) => {
  const m = model.putMethod(api(input), resource(input), {
    httpMethod: method(input),
    authorizationType: requiredString(input, "authorizationType"),
    apiKeyRequired: optionalBool(input, "apiKeyRequired") ?? false,
    authorizerId: optionalString(input, "authorizerId"),
    operationName: optionalString(input, "operationName"),
    requestValidatorId: optionalString(input, "requestValidatorId"),
    requestParameters: boolMap(input, "requestParameters"),
    requestModels: stringMap(input, "requestModels"),
    authorizationScopes: stringList(input, "authorizationScopes"),
  });
  return created(methodShape(m));
};
const getMethod: ApiGatewayOperation = (model, input) => ok(methodShape(model.getMethod(api(input), resource(input), method(input))));
const deleteMethod: ApiGatewayOperation = (model, input) => (model.deleteMethod(api(input), resource(input), method(input)), accepted);
const METHOD_PATHS = ["/apiKeyRequired", "/authorizationType", "/authorizerId", "/operationName", "/requestValidatorId", "/requestParameters/{name}", "/requestModels/{contentType}", "/authorizationScopes"];
const updateMethod: ApiGatewayOperation = (model, input) => {
  const m = patched(model.getMethod(api(input), resource(input), method(input)), input, (d, op) => {
    const [head, ...rest] = pathSegments(op.path);
    const key = rest.join("/");
    if (head === "apiKeyRequired" && !key) d.apiKeyRequired = patchBool(op);
    else if (head === "authorizationType" && !key) d.authorizationType = patchValue(op);
    else if (head === "authorizerId" && !key) d.authorizerId = op.op === "remove" ? undefined : patchValue(op);
    else if (head === "operationName" && !key) d.operationName = op.op === "remove" ? undefined : patchValue(op);
    else if (head === "requestValidatorId" && !key) d.requestValidatorId = op.op === "remove" ? undefined : patchValue(op);
    else if (head === "requestParameters" && key) d.requestParameters = patchMap(d.requestParameters, key, op, patchBool);
    else if (head === "requestModels" && key) d.requestModels = patchMap(d.requestModels, key, op, patchValue);
    else if (head === "authorizationScopes") {
      const list = op.value === undefined && op.op === "remove" ? [] : patchList(d.authorizationScopes, key || patchValue(op), op);
      d.authorizationScopes = list.length ? list : undefined;
    } else throw unsupportedPatch(op, METHOD_PATHS);
  });
  return ok(methodShape(m));
};

// ---- method responses

const putMethodResponse: ApiGatewayOperation = (model, input) =>
  created(
    methodResponseShape(
      model.putMethodResponse(api(input), resource(input), method(input), {
        statusCode: status(input),
        responseParameters: boolMap(input, "responseParameters"),
        responseModels: stringMap(input, "responseModels"),
      }),
    ),
  );
const getMethodResponse: ApiGatewayOperation = (model, input) => ok(methodResponseShape(model.getMethodResponse(api(input), resource(input), method(input), status(input))));
const deleteMethodResponse: ApiGatewayOperation = (model, input) => (model.deleteMethodResponse(api(input), resource(input), method(input), status(input)), accepted);
const updateMethodResponse: ApiGatewayOperation = (model, input) => {
  const r = patched(model.getMethodResponse(api(input), resource(input), method(input), status(input)), input, (d, op) => {
    const [head, ...rest] = pathSegments(op.path);
    const key = rest.join("/");
    if (head === "responseParameters" && key) d.responseParameters = patchMap(d.responseParameters, key, op, patchBool);
    else if (head === "responseModels" && key) d.responseModels = patchMap(d.responseModels, key, op, patchValue);
    else throw unsupportedPatch(op, ["/responseParameters/{name}", "/responseModels/{contentType}"]);
  });
  return ok(methodResponseShape(r));
};

// ---- integrations

const putIntegration: ApiGatewayOperation = (model, input) => {
  const i = model.putIntegration(api(input), resource(input), method(input), {
    type: requiredString(input, "type"),
    uri: optionalString(input, "uri"),
    httpMethod: optionalString(input, "integrationHttpMethod"),
    connectionType: optionalString(input, "connectionType"),
    connectionId: optionalString(input, "connectionId"),
    credentials: optionalString(input, "credentials"),
    requestParameters: stringMap(input, "requestParameters"),
    requestTemplates: stringMap(input, "requestTemplates"),
    passthroughBehavior: optionalString(input, "passthroughBehavior"),
    contentHandling: optionalString(input, "contentHandling"),
    timeoutInMillis: optionalNumber(input, "timeoutInMillis", true),
    cacheNamespace: optionalString(input, "cacheNamespace"),
    cacheKeyParameters: stringList(input, "cacheKeyParameters"),
  });
  return created(integrationShape(i));
};
const getIntegration: ApiGatewayOperation = (model, input) => ok(integrationShape(model.getIntegration(api(input), resource(input), method(input))));
const deleteIntegration: ApiGatewayOperation = (model, input) => (model.deleteIntegration(api(input), resource(input), method(input)), accepted);
const INTEGRATION_PATHS = ["/uri", "/httpMethod", "/connectionType", "/connectionId", "/credentials", "/passthroughBehavior", "/contentHandling", "/timeoutInMillis", "/cacheNamespace", "/cacheKeyParameters/{name}", "/requestParameters/{name}", "/requestTemplates/{contentType}"];
const updateIntegration: ApiGatewayOperation = (model, input) => {
  const i = patched(model.getIntegration(api(input), resource(input), method(input)), input, (d, op) => {
    const [head, ...rest] = pathSegments(op.path);
    const key = rest.join("/");
    const scalar = (f: "uri" | "httpMethod" | "connectionType" | "connectionId" | "credentials" | "passthroughBehavior" | "contentHandling" | "cacheNamespace") => {
      d[f] = op.op === "remove" ? undefined : patchValue(op);
    };
    if (!key && (head === "uri" || head === "httpMethod" || head === "connectionType" || head === "connectionId" || head === "credentials" || head === "passthroughBehavior" || head === "contentHandling" || head === "cacheNamespace")) scalar(head);
    else if (head === "timeoutInMillis" && !key) d.timeoutInMillis = patchNumber(op, true);
    else if (head === "cacheKeyParameters" && key) d.cacheKeyParameters = patchList(d.cacheKeyParameters, key, op);
    else if (head === "requestParameters" && key) d.requestParameters = patchMap(d.requestParameters, key, op, patchValue);
    else if (head === "requestTemplates" && key) d.requestTemplates = patchMap(d.requestTemplates, key, op, (o) => o.value ?? "");
    else throw unsupportedPatch(op, INTEGRATION_PATHS);
  });
  return ok(integrationShape(i));
};

// ---- integration responses

const putIntegrationResponse: ApiGatewayOperation = (model, input) =>
  created(
    integrationResponseShape(
      model.putIntegrationResponse(api(input), resource(input), method(input), {
        statusCode: status(input),
        selectionPattern: optionalString(input, "selectionPattern"),
        responseParameters: stringMap(input, "responseParameters"),
        responseTemplates: stringMap(input, "responseTemplates"),
        contentHandling: optionalString(input, "contentHandling"),
      }),
    ),
  );
const getIntegrationResponse: ApiGatewayOperation = (model, input) => ok(integrationResponseShape(model.getIntegrationResponse(api(input), resource(input), method(input), status(input))));
const deleteIntegrationResponse: ApiGatewayOperation = (model, input) => (model.deleteIntegrationResponse(api(input), resource(input), method(input), status(input)), accepted);
const updateIntegrationResponse: ApiGatewayOperation = (model, input) => {
  const r = patched(model.getIntegrationResponse(api(input), resource(input), method(input), status(input)), input, (d, op) => {
    const [head, ...rest] = pathSegments(op.path);
    const key = rest.join("/");
    if (head === "selectionPattern" && !key) d.selectionPattern = op.op === "remove" ? undefined : patchValue(op);
    else if (head === "contentHandling" && !key) d.contentHandling = op.op === "remove" ? undefined : patchValue(op);
    else if (head === "responseParameters" && key) d.responseParameters = patchMap(d.responseParameters, key, op, patchValue);
    else if (head === "responseTemplates" && key) d.responseTemplates = patchMap(d.responseTemplates, key, op, (o) => o.value ?? "");
    else throw unsupportedPatch(op, ["/selectionPattern", "/contentHandling", "/responseParameters/{name}", "/responseTemplates/{contentType}"]);
  });
  return ok(integrationResponseShape(r));
};

// ---- deployments

const createDeployment: ApiGatewayOperation = (model, input) => {
  const stageName = optionalString(input, "stageName");
  const d = model.createDeployment(
    api(input),
    optionalString(input, "description"),
    stageName ? { name: stageName, description: optionalString(input, "stageDescription"), variables: stringMap(input, "variables"), tracingEnabled: optionalBool(input, "tracingEnabled") } : undefined,
  );
  return created(deploymentShape(d));
};
const getDeployment: ApiGatewayOperation = (model, input) => ok(deploymentShape(model.getDeployment(api(input), requiredString(input, "deploymentId"))));
const getDeployments: ApiGatewayOperation = (model, input) => ok(page(Object.values(model.getRestApi(api(input)).deployments), listQuery(input), deploymentShape));
const deleteDeployment: ApiGatewayOperation = (model, input) => (model.deleteDeployment(api(input), requiredString(input, "deploymentId")), accepted);
const updateDeployment: ApiGatewayOperation = (model, input) => {
  const d = patched(model.getDeployment(api(input), requiredString(input, "deploymentId")), input, (draft, op) => {
    if (op.path !== "/description") throw unsupportedPatch(op, ["/description"]);
    draft.description = op.op === "remove" ? undefined : patchValue(op);
  });
  return ok(deploymentShape(d));
};

// ---- stages

const createStage: ApiGatewayOperation = (model, input) => {
  const s = model.createStage(api(input), {
    name: requiredString(input, "stageName"),
    deploymentId: requiredString(input, "deploymentId"),
    description: optionalString(input, "description"),
    variables: stringMap(input, "variables"),
    tracingEnabled: optionalBool(input, "tracingEnabled"),
    cacheClusterEnabled: optionalBool(input, "cacheClusterEnabled"),
    cacheClusterSize: optionalString(input, "cacheClusterSize"),
    tags: stringMap(input, "tags"),
  });
  return created(stageShape(s));
};
const getStage: ApiGatewayOperation = (model, input) => ok(stageShape(model.getStage(api(input), requiredString(input, "stageName"))));
/** GetStages is not paged: `{ item: [...] }`, optionally only the stages of one deployment. */
const getStages: ApiGatewayOperation = (model, input) => {
  const deploymentId = optionalString(input, "deploymentId");
  const stages = Object.values(model.getRestApi(api(input)).stages).filter((s) => !deploymentId || s.deploymentId === deploymentId);
  return ok({ item: stages.map(stageShape) });
};
const deleteStage: ApiGatewayOperation = (model, input) => (model.deleteStage(api(input), requiredString(input, "stageName")), accepted);

/** `/{resource path}/{METHOD}/{group}/{setting}` of UpdateStage, e.g. `/*\/*\/throttling/rateLimit`. */
const SETTING_PATHS: Record<string, { field: keyof MethodSetting; kind: "bool" | "int" | "number" | "string" }> = {
  "metrics/enabled": { field: "metricsEnabled", kind: "bool" },
  "logging/loglevel": { field: "loggingLevel", kind: "string" },
  "logging/dataTrace": { field: "dataTraceEnabled", kind: "bool" },
  "throttling/burstLimit": { field: "throttlingBurstLimit", kind: "int" },
  "throttling/rateLimit": { field: "throttlingRateLimit", kind: "number" },
  "caching/enabled": { field: "cachingEnabled", kind: "bool" },
  "caching/ttlInSeconds": { field: "cacheTtlInSeconds", kind: "int" },
  "caching/dataEncrypted": { field: "cacheDataEncrypted", kind: "bool" },
  "caching/requireAuthorizationForCacheControl": { field: "requireAuthorizationForCacheControl", kind: "bool" },
  "caching/unauthorizedCacheControlHeaderStrategy": { field: "unauthorizedCacheControlHeaderStrategy", kind: "string" },
};
const STAGE_PATHS = ["/description", "/deploymentId", "/variables/{name}", "/tracingEnabled", "/cacheClusterEnabled", "/cacheClusterSize", "/accessLogSettings/destinationArn", "/accessLogSettings/format", "/{resourcePath}/{httpMethod}/{setting}", ...Object.keys(SETTING_PATHS).map((p) => `/*/*/${p}`)];

const METHOD_OR_ANY = new Set(["*", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"]);

function settingValue(op: PatchOperation, kind: "bool" | "int" | "number" | "string"): boolean | number | string {
  if (kind === "bool") return patchBool(op);
  if (kind === "int") return patchNumber(op, true);
  if (kind === "number") return patchNumber(op);
  const v = patchValue(op);
  if (op.path.endsWith("/logging/loglevel") && !["OFF", "ERROR", "INFO"].includes(v)) throw badRequest(`Invalid logging level ${v}: must be OFF, ERROR or INFO`);
  return v;
}

const updateStage: ApiGatewayOperation = (model, input) => {
  const restApiId = api(input);
  const s = patched(model.getStage(restApiId, requiredString(input, "stageName")), input, (d, op) => {
    const raw = op.path.slice(1).split("/");
    const segs = pathSegments(op.path);
    const head = segs[0]!;
    if (segs.length === 1 && head === "description") d.description = op.op === "remove" ? undefined : patchValue(op);
    else if (segs.length === 1 && head === "deploymentId") {
      model.getDeployment(restApiId, patchValue(op));
      d.deploymentId = patchValue(op);
    } else if (head === "variables" && segs.length >= 2) d.variables = patchMap(d.variables, segs.slice(1).join("/"), op, patchValue);
    else if (segs.length === 1 && head === "tracingEnabled") d.tracingEnabled = patchBool(op);
    else if (segs.length === 1 && head === "cacheClusterEnabled") d.cacheClusterEnabled = patchBool(op);
    else if (segs.length === 1 && head === "cacheClusterSize") d.cacheClusterSize = patchValue(op);
    else if (head === "accessLogSettings" && segs.length <= 2) {
      if (op.op === "remove") d.accessLogSettings = segs.length === 1 ? undefined : { ...d.accessLogSettings, [segs[1]!]: undefined };
      else if (segs[1] === "destinationArn" || segs[1] === "format") d.accessLogSettings = { ...d.accessLogSettings, [segs[1]]: patchValue(op) };
      else throw unsupportedPatch(op, STAGE_PATHS);
    } else if (raw.length >= 2 && op.op === "remove" && METHOD_OR_ANY.has(raw[raw.length - 1]!)) {
      // Removing "/{path}/{METHOD}" drops that method's settings, as aws_api_gateway_method_settings does on destroy.
      const key = raw.join("/");
      if (!Object.hasOwn(d.methodSettings, key)) throw badRequest(`Cannot remove method setting ${key} because there is no method setting for this method`);
      delete d.methodSettings[key];
    } else if (raw.length >= 4 && Object.hasOwn(SETTING_PATHS, raw.slice(-2).join("/")) && (op.op === "replace" || op.op === "add")) {
      // The resource path may come escaped (~1movies~1{id}) or, as Terraform's method_path has it, with plain slashes.
      const key = raw.slice(0, -2).join("/");
      if (!METHOD_OR_ANY.has(raw[raw.length - 3]!)) throw badRequest(`Invalid method setting path ${op.path}: ${raw[raw.length - 3]} is not an HTTP method or *`);
      const spec = SETTING_PATHS[raw.slice(-2).join("/")]!;
      const setting: MethodSetting = { ...DEFAULT_METHOD_SETTING, ...d.methodSettings[key] };
      (setting as unknown as Record<string, unknown>)[spec.field] = settingValue(op, spec.kind);
      d.methodSettings[key] = setting;
    } else throw unsupportedPatch(op, STAGE_PATHS);
  });
  s.lastUpdatedDate = now();
  return ok(stageShape(s));
};

// ---- API keys

const includeValue = (input: Input, name: string) => optionalBool(input, name) ?? false;

const createApiKey: ApiGatewayOperation = (model, input) => {
  const stageKeys = (Array.isArray(input.stageKeys) ? (input.stageKeys as Input[]) : []).map((k) => `${requiredString(k, "restApiId")}/${requiredString(k, "stageName")}`);
  const k = model.createApiKey({
    name: optionalString(input, "name"),
    // An empty value, as Terraform sends when none is set, asks for a generated one.
    value: optionalString(input, "value") || undefined,
    enabled: optionalBool(input, "enabled"),
    description: optionalString(input, "description"),
    customerId: optionalString(input, "customerId"),
    stageKeys,
    tags: stringMap(input, "tags"),
  });
  return created(apiKeyShape(k, true));
};
const getApiKey: ApiGatewayOperation = (model, input) => ok(apiKeyShape(model.getApiKey(requiredString(input, "apiKey")), includeValue(input, "includeValue")));
const getApiKeys: ApiGatewayOperation = (model, input) => {
  const name = optionalString(input, "name");
  const customerId = optionalString(input, "customerId");
  const keys = Object.values(model.state.keys).filter((k) => (!name || k.name.startsWith(name)) && (!customerId || k.customerId === customerId));
  const values = includeValue(input, "includeValues");
  return ok(page(keys, listQuery(input), (k) => apiKeyShape(k, values)));
};
const deleteApiKey: ApiGatewayOperation = (model, input) => (model.deleteApiKey(requiredString(input, "apiKey")), accepted);
const updateApiKey: ApiGatewayOperation = (model, input) => {
  const k = patched(model.getApiKey(requiredString(input, "apiKey")), input, (d, op) => {
    if (op.path === "/name") d.name = patchValue(op);
    else if (op.path === "/description") d.description = op.op === "remove" ? undefined : patchValue(op);
    else if (op.path === "/enabled") d.enabled = patchBool(op);
    else if (op.path === "/customerId") d.customerId = op.op === "remove" ? undefined : patchValue(op);
    else if (op.path === "/stages") d.stageKeys = patchList(d.stageKeys, patchValue(op), op);
    else throw unsupportedPatch(op, ["/name", "/description", "/enabled", "/customerId", "/stages"]);
  });
  k.lastUpdatedDate = now();
  return ok(apiKeyShape(k, false));
};

// ---- usage plans

function throttleOf(input: Input | undefined): Throttle | undefined {
  if (!input) return undefined;
  return { burstLimit: optionalNumber(input, "burstLimit", true), rateLimit: optionalNumber(input, "rateLimit") };
}

function quotaOf(input: Input | undefined): Quota | undefined {
  if (!input) return undefined;
  const limit = optionalNumber(input, "limit", true);
  if (limit === undefined) throw badRequest("quota.limit is required");
  return { limit, period: requiredString(input, "period") as Quota["period"], offset: optionalNumber(input, "offset", true) };
}

const createUsagePlan: ApiGatewayOperation = (model, input) => {
  const apiStages: ApiStage[] = (Array.isArray(input.apiStages) ? (input.apiStages as Input[]) : []).map((s) => ({ apiId: requiredString(s, "apiId"), stage: requiredString(s, "stage") }));
  const p = model.createUsagePlan({
    name: requiredString(input, "name"),
    description: optionalString(input, "description"),
    productCode: optionalString(input, "productCode"),
    apiStages,
    throttle: throttleOf(objectOf(input, "throttle")),
    quota: quotaOf(objectOf(input, "quota")),
    tags: stringMap(input, "tags"),
  });
  return created(usagePlanShape(p));
};
const getUsagePlan: ApiGatewayOperation = (model, input) => ok(usagePlanShape(model.getUsagePlan(requiredString(input, "usagePlanId"))));
const getUsagePlans: ApiGatewayOperation = (model, input) => {
  const keyId = optionalString(input, "keyId");
  return ok(page(Object.values(model.state.plans).filter((p) => !keyId || p.keyIds.includes(keyId)), listQuery(input), usagePlanShape));
};
const deleteUsagePlan: ApiGatewayOperation = (model, input) => (model.deleteUsagePlan(requiredString(input, "usagePlanId")), accepted);
const USAGE_PLAN_PATHS = ["/name", "/description", "/productCode", "/throttle", "/throttle/rateLimit", "/throttle/burstLimit", "/quota", "/quota/limit", "/quota/period", "/quota/offset", "/apiStages"];
const updateUsagePlan: ApiGatewayOperation = (model, input) => {
  const p = patched(model.getUsagePlan(requiredString(input, "usagePlanId")), input, (d, op) => {
    const segs = pathSegments(op.path);
    const [head, field] = segs;
    if (segs.length === 1 && head === "name") d.name = patchValue(op);
    else if (segs.length === 1 && head === "description") d.description = op.op === "remove" ? undefined : patchValue(op);
    else if (segs.length === 1 && head === "productCode") d.productCode = op.op === "remove" ? undefined : patchValue(op);
    else if (segs.length === 1 && (head === "throttle" || head === "quota") && op.op === "remove") d[head] = undefined;
    else if (head === "throttle" && (field === "rateLimit" || field === "burstLimit") && segs.length === 2) {
      d.throttle = { ...d.throttle };
      if (op.op === "remove") delete d.throttle[field];
      else d.throttle[field] = patchNumber(op, field === "burstLimit");
    } else if (head === "quota" && (field === "limit" || field === "offset") && segs.length === 2) {
      d.quota = { period: "DAY", limit: 0, ...d.quota, [field]: patchNumber(op, true) };
    } else if (head === "quota" && field === "period" && segs.length === 2) {
      d.quota = { limit: 0, ...d.quota, period: patchValue(op) as Quota["period"] };
    } else if (segs.length === 1 && head === "apiStages") {
      const [apiId, stage] = patchValue(op).split(":");
      if (!apiId || !stage) throw badRequest(`Invalid API stage ${op.value}: expected {restApiId}:{stageName}`);
      if (op.op === "add") {
        model.checkApiStage({ apiId, stage });
        if (!d.apiStages.some((s) => s.apiId === apiId && s.stage === stage)) d.apiStages.push({ apiId, stage });
      } else if (op.op === "remove") {
        if (!d.apiStages.some((s) => s.apiId === apiId && s.stage === stage)) throw notFound("API stage");
        d.apiStages = d.apiStages.filter((s) => s.apiId !== apiId || s.stage !== stage);
      } else throw unsupportedPatch(op, USAGE_PLAN_PATHS);
    } else throw unsupportedPatch(op, USAGE_PLAN_PATHS);
    checkPlanLimits(d.throttle, d.quota);
  });
  return ok(usagePlanShape(p));
};

const createUsagePlanKey: ApiGatewayOperation = (model, input) => {
  if (requiredString(input, "keyType") !== "API_KEY") throw badRequest("keyType must be API_KEY");
  return created(usagePlanKeyShape(model.addUsagePlanKey(requiredString(input, "usagePlanId"), requiredString(input, "keyId"))));
};
const getUsagePlanKey: ApiGatewayOperation = (model, input) => ok(usagePlanKeyShape(model.getUsagePlanKey(requiredString(input, "usagePlanId"), requiredString(input, "keyId"))));
const getUsagePlanKeys: ApiGatewayOperation = (model, input) => {
  const plan = model.getUsagePlan(requiredString(input, "usagePlanId"));
  const name = optionalString(input, "nameQuery");
  const keys = plan.keyIds.map((id) => model.state.keys[id]).filter((k) => k !== undefined && (!name || k.name.startsWith(name)));
  return ok(page(keys, listQuery(input), (k) => usagePlanKeyShape(k!)));
};
const deleteUsagePlanKey: ApiGatewayOperation = (model, input) => (model.removeUsagePlanKey(requiredString(input, "usagePlanId"), requiredString(input, "keyId")), accepted);

// ---- tags (on rest APIs, stages, API keys and usage plans, by ARN)

function taggable(model: ApiGatewayModel, arn: string): { tags: Record<string, string> } {
  const m = /^arn:aws[\w-]*:apigateway:[^:]*::\/(restapis\/([^/]+)(?:\/stages\/([^/]+))?|apikeys\/([^/]+)|usageplans\/([^/]+))$/.exec(arn);
  if (!m) throw badRequest(`Invalid resource ARN ${arn}: tags are kept on REST APIs, stages, API keys and usage plans`);
  if (m[4]) return model.getApiKey(m[4]);
  if (m[5]) return model.getUsagePlan(m[5]);
  return m[3] ? model.getStage(m[2]!, m[3]) : model.getRestApi(m[2]!);
}

const getTags: ApiGatewayOperation = (model, input) => ok({ tags: taggable(model, requiredString(input, "resourceArn")).tags });
const tagResource: ApiGatewayOperation = (model, input) => {
  const target = taggable(model, requiredString(input, "resourceArn"));
  Object.assign(target.tags, stringMap(input, "tags") ?? {});
  return { status: 204 };
};
const untagResource: ApiGatewayOperation = (model, input) => {
  const target = taggable(model, requiredString(input, "resourceArn"));
  for (const k of stringList(input, "tagKeys") ?? []) delete target.tags[k];
  return { status: 204 };
};

export const API_GATEWAY_OPERATIONS = {
  CreateRestApi: createRestApi,
  GetRestApi: getRestApi,
  GetRestApis: getRestApis,
  UpdateRestApi: updateRestApi,
  DeleteRestApi: deleteRestApi,
  CreateResource: createResource,
  GetResource: getResource,
  GetResources: getResources,
  UpdateResource: updateResource,
  DeleteResource: deleteResource,
  PutMethod: putMethod,
  GetMethod: getMethod,
  UpdateMethod: updateMethod,
  DeleteMethod: deleteMethod,
  PutMethodResponse: putMethodResponse,
  GetMethodResponse: getMethodResponse,
  UpdateMethodResponse: updateMethodResponse,
  DeleteMethodResponse: deleteMethodResponse,
  PutIntegration: putIntegration,
  GetIntegration: getIntegration,
  UpdateIntegration: updateIntegration,
  DeleteIntegration: deleteIntegration,
  PutIntegrationResponse: putIntegrationResponse,
  GetIntegrationResponse: getIntegrationResponse,
  UpdateIntegrationResponse: updateIntegrationResponse,
  DeleteIntegrationResponse: deleteIntegrationResponse,
  CreateDeployment: createDeployment,
  GetDeployment: getDeployment,
  GetDeployments: getDeployments,
  UpdateDeployment: updateDeployment,
  DeleteDeployment: deleteDeployment,
  CreateStage: createStage,
  GetStage: getStage,
  GetStages: getStages,
  UpdateStage: updateStage,
  DeleteStage: deleteStage,
  CreateApiKey: createApiKey,
  GetApiKey: getApiKey,
  GetApiKeys: getApiKeys,
  UpdateApiKey: updateApiKey,
  DeleteApiKey: deleteApiKey,
  CreateUsagePlan: createUsagePlan,
  GetUsagePlan: getUsagePlan,
  GetUsagePlans: getUsagePlans,
  UpdateUsagePlan: updateUsagePlan,
  DeleteUsagePlan: deleteUsagePlan,
  CreateUsagePlanKey: createUsagePlanKey,
  GetUsagePlanKey: getUsagePlanKey,
  GetUsagePlanKeys: getUsagePlanKeys,
  DeleteUsagePlanKey: deleteUsagePlanKey,
  GetTags: getTags,
  TagResource: tagResource,
  UntagResource: untagResource,
} satisfies Record<string, ApiGatewayOperation>;

export type ApiGatewayAction = keyof typeof API_GATEWAY_OPERATIONS;

/** Calls one operation in-process (the stack loader's providers): the same code path as a request on the wire. */
export function callApiGateway(model: ApiGatewayModel, action: ApiGatewayAction, input: Input): Record<string, unknown> {
  return (API_GATEWAY_OPERATIONS[action](model, input).body ?? {}) as Record<string, unknown>;
}
