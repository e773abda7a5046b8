import { isAwsError } from "../core/aws-error.js";
import { CUSTOM_ID_TAG } from "../apigateway/ids.js";
import type { Input } from "../apigateway/input.js";
import { type ApiGatewayAction, callApiGateway } from "../apigateway/operations.js";
import type { PatchOperation } from "../apigateway/patch.js";
import type { ResourceContext, ResourceProvider, ResourceProviders } from "../stack/engine.js";
import { StackError } from "../stack/errors.js";
import type { ValueObject } from "../stack/value.js";
import { block, blocks, bool, need, num, str, stringMap, strings } from "./args.js";
import type { ProviderDeps } from "./deps.js";

/**
 * `aws_api_gateway_*` resources applied through the control plane's own
 * operations (the ones Terraform calls on the wire), so the loader and
 * Terraform leave the same state.
 */

type Call = (action: ApiGatewayAction, input: Input) => Record<string, unknown>;

const caller = (deps: ProviderDeps): Call => (action, input) => callApiGateway(deps.apigateway, action, input);

/** Deleting what a parent delete already removed is not an error, as Terraform treats 404 on delete. */
function ignoreNotFound(run: () => void): void {
  try {
    run();
  } catch (e) {
    if (!isAwsError(e) || e.code !== "NotFoundException") throw e;
  }
}

const replace = (path: string, value: string): PatchOperation => ({ op: "replace", path, value });
const escape = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");
const epochToIso = (v: unknown) => new Date(Number(v) * 1000).toISOString();

/** add/replace/remove operations that turn map `from` into map `to` under `prefix`. */
function mapPatch(prefix: string, from: Record<string, unknown> | undefined, to: Record<string, string>): PatchOperation[] {
  const ops: PatchOperation[] = [];
  for (const k of Object.keys(from ?? {})) if (!(k in to)) ops.push({ op: "remove", path: `${prefix}/${escape(k)}` });
  for (const [k, v] of Object.entries(to)) if (from?.[k] === undefined || String(from[k]) !== v) ops.push({ op: from?.[k] === undefined ? "add" : "replace", path: `${prefix}/${escape(k)}`, value: v });
  return ops;
}

/** Tags the stack gives a resource, applied with TagResource/UntagResource as Terraform does on update. */
function retag(call: Call, arn: string, current: Record<string, unknown> | undefined, wanted: Record<string, string>): void {
  const gone = Object.keys(current ?? {}).filter((k) => !(k in wanted));
  if (gone.length) call("UntagResource", { resourceArn: arn, tagKeys: gone });
  if (Object.entries(wanted).some(([k, v]) => current?.[k] !== v)) call("TagResource", { resourceArn: arn, tags: wanted });
}

function restApiProvider(deps: ProviderDeps): ResourceProvider {
  const call = caller(deps);
  const arn = (id: string, ctx: ResourceContext) => `arn:${ctx.partition}:apigateway:${ctx.region}::/restapis/${id}`;
  const computed = (api: Record<string, unknown>, ctx: ResourceContext): ValueObject => {
    const id = String(api.id);
    return {
      id,
      root_resource_id: String(api.rootResourceId),
      created_date: epochToIso(api.createdDate),
      arn: arn(id, ctx),
      execution_arn: `arn:${ctx.partition}:execute-api:${ctx.region}:${deps.accountId}:${id}`,
    };
  };
  const endpointTypes = (args: ValueObject) => strings(block(args.endpoint_configuration)?.types);
  return {
    create(args, ctx) {
      if (str(args.body)) throw new StackError("ResourceFailed", `${ctx.address}: REST APIs from an OpenAPI "body" are not emulated; declare resources, methods and integrations`);
      const types = endpointTypes(args);
      const api = call("CreateRestApi", {
        name: need(args, "name", ctx),
        description: str(args.description),
        apiKeySource: str(args.api_key_source),
        endpointConfiguration: types.length ? { types } : undefined,
        binaryMediaTypes: strings(args.binary_media_types),
        minimumCompressionSize: num(args.minimum_compression_size),
        disableExecuteApiEndpoint: bool(args.disable_execute_api_endpoint),
        policy: str(args.policy),
        tags: stringMap(args.tags),
      });
      return computed(api, ctx);
    },
    update(args, prior, ctx) {
      const id = String(prior.attributes.id);
      const current = call("GetRestApi", { restApiId: id });
      const ops: PatchOperation[] = [replace("/name", need(args, "name", ctx))];
      const description = str(args.description);
      if (description !== current.description) ops.push(description === undefined ? { op: "remove", path: "/description" } : replace("/description", description));
      ops.push(replace("/apiKeySource", str(args.api_key_source) ?? "HEADER"));
      const types = endpointTypes(args);
      if (types[0] && types[0] !== (current.endpointConfiguration as { types: string[] }).types[0]) ops.push(replace("/endpointConfiguration/types/0", types[0]));
      call("UpdateRestApi", { restApiId: id, patchOperations: ops });
      retag(call, arn(id, ctx), current.tags as Record<string, unknown>, stringMap(args.tags));
      return computed(call("GetRestApi", { restApiId: id }), ctx);
    },
    delete(prior) {
      ignoreNotFound(() => call("DeleteRestApi", { restApiId: String(prior.attributes.id) }));
    },
    // The id is chosen at create time from the `_custom_id_` tag: a new value needs a new API.
    replaceOn: (changed, args, prior) => changed.includes("body") || stringMap(args.tags)[CUSTOM_ID_TAG] !== stringMap(prior.args.tags)[CUSTOM_ID_TAG],
  };
}

function resourceProvider(deps: ProviderDeps): ResourceProvider {
  const call = caller(deps);
  return {
    create(args, ctx) {
      const r = call("CreateResource", { restApiId: need(args, "rest_api_id", ctx), parentId: need(args, "parent_id", ctx), pathPart: need(args, "path_part", ctx) });
      return { id: String(r.id), path: String(r.path) };
    },
    update(args, prior, ctx) {
      const r = call("UpdateResource", {
        restApiId: need(args, "rest_api_id", ctx),
        resourceId: String(prior.attributes.id),
        patchOperations: [replace("/pathPart", need(args, "path_part", ctx)), replace("/parentId", need(args, "parent_id", ctx))],
      });
      return { id: String(r.id), path: String(r.path) };
    },
    delete(prior) {
      ignoreNotFound(() => call("DeleteResource", { restApiId: String(prior.args.rest_api_id), resourceId: String(prior.attributes.id) }));
    },
    replaceOn: ["rest_api_id"],
  };
}

function boolArgs(v: ValueObject[string]): Record<string, boolean> | undefined {
  if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, bool(x) ?? false]));
}

function methodProvider(deps: ProviderDeps): ResourceProvider {
  const call = caller(deps);
  const target = (args: ValueObject, ctx: ResourceContext) => ({
    restApiId: need(args, "rest_api_id", ctx),
    resourceId: need(args, "resource_id", ctx),
    httpMethod: need(args, "http_method", ctx).toUpperCase(),
  });
  const id = (t: ReturnType<typeof target>): ValueObject => ({ id: `agm-${t.restApiId}-${t.resourceId}-${t.httpMethod}` });
  return {
    create(args, ctx) {
      const t = target(args, ctx);
      call("PutMethod", {
        ...t,
        authorizationType: need(args, "authorization", ctx),
        apiKeyRequired: bool(args.api_key_required) ?? false,
        authorizerId: str(args.authorizer_id),
        operationName: str(args.operation_name),
        requestValidatorId: str(args.request_validator_id),
        requestParameters: boolArgs(args.request_parameters),
        requestModels: stringMap(args.request_models),
        authorizationScopes: strings(args.authorization_scopes),
      });
      return id(t);
    },
    update(args, _prior, ctx) {
      const t = target(args, ctx);
      const current = call("GetMethod", t);
      const wanted = Object.fromEntries(Object.entries(boolArgs(args.request_parameters) ?? {}).map(([k, v]) => [k, String(v)]));
      call("UpdateMethod", {
        ...t,
        patchOperations: [
          replace("/authorizationType", need(args, "authorization", ctx)),
          replace("/apiKeyRequired", String(bool(args.api_key_required) ?? false)),
          ...mapPatch("/requestParameters", current.requestParameters as Record<string, unknown>, wanted),
        ],
      });
      return id(t);
    },
    delete(prior) {
      ignoreNotFound(() => call("DeleteMethod", { restApiId: String(prior.args.rest_api_id), resourceId: String(prior.args.resource_id), httpMethod: String(prior.args.http_method).toUpperCase() }));
    },
    replaceOn: ["rest_api_id", "resource_id", "http_method"],
  };
}

function methodResponseProvider(deps: ProviderDeps): ResourceProvider {
  const call = caller(deps);
  const apply = (args: ValueObject, ctx: ResourceContext): ValueObject => {
    const t = { restApiId: need(args, "rest_api_id", ctx), resourceId: need(args, "resource_id", ctx), httpMethod: need(args, "http_method", ctx).toUpperCase(), statusCode: need(args, "status_code", ctx) };
    call("PutMethodResponse", { ...t, responseParameters: boolArgs(args.response_parameters), responseModels: stringMap(args.response_models) });
    return { id: `agmr-${t.restApiId}-${t.resourceId}-${t.httpMethod}-${t.statusCode}` };
  };
  return {
    create: apply,
    update: (args, _prior, ctx) => apply(args, ctx),
    delete(prior) {
      const a = prior.args;
      ignoreNotFound(() => call("DeleteMethodResponse", { restApiId: String(a.rest_api_id), resourceId: String(a.resource_id), httpMethod: String(a.http_method).toUpperCase(), statusCode: String(a.status_code) }));
    },
    replaceOn: ["rest_api_id", "resource_id", "http_method", "status_code"],
  };
}

function integrationProvider(deps: ProviderDeps): ResourceProvider {
  const call = caller(deps);
  // PutIntegration replaces the whole integration and keeps its responses: the same call serves an update.
  const apply = (args: ValueObject, ctx: ResourceContext): ValueObject => {
    const t = { restApiId: need(args, "rest_api_id", ctx), resourceId: need(args, "resource_id", ctx), httpMethod: need(args, "http_method", ctx).toUpperCase() };
    const i = call("PutIntegration", {
      ...t,
      type: need(args, "type", ctx),
      uri: str(args.uri),
      integrationHttpMethod: str(args.integration_http_method),
      connectionType: str(args.connection_type),
      connectionId: str(args.connection_id),
      credentials: str(args.credentials),
      requestParameters: stringMap(args.request_parameters),
      requestTemplates: stringMap(args.request_templates),
      passthroughBehavior: str(args.passthrough_behavior),
      contentHandling: str(args.content_handling),
      timeoutInMillis: num(args.timeout_milliseconds),
      cacheNamespace: str(args.cache_namespace),
      cacheKeyParameters: strings(args.cache_key_parameters),
    });
    return { id: `agi-${t.restApiId}-${t.resourceId}-${t.httpMethod}`, timeout_milliseconds: Number(i.timeoutInMillis), cache_namespace: String(i.cacheNamespace), passthrough_behavior: String(i.passthroughBehavior), connection_type: String(i.connectionType) };
  };
  return {
    create: apply,
    update: (args, _prior, ctx) => apply(args, ctx),
    delete(prior) {
      ignoreNotFound(() => call("DeleteIntegration", { restApiId: String(prior.args.rest_api_id), resourceId: String(prior.args.resource_id), httpMethod: String(prior.args.http_method).toUpperCase() }));
    },
    replaceOn: ["rest_api_id", "resource_id", "http_method"],
  };
}

function integrationResponseProvider(deps: ProviderDeps): ResourceProvider {
  const call = caller(deps);
  const apply = (args: ValueObject, ctx: ResourceContext): ValueObject => {
    const t = { restApiId: need(args, "rest_api_id", ctx), resourceId: need(args, "resource_id", ctx), httpMethod: need(args, "http_method", ctx).toUpperCase(), statusCode: need(args, "status_code", ctx) };
    call("PutIntegrationResponse", {
      ...t,
      selectionPattern: str(args.selection_pattern),
      responseParameters: stringMap(args.response_parameters),
      responseTemplates: stringMap(args.response_templates),
      contentHandling: str(args.content_handling),
    });
    return { id: `agir-${t.restApiId}-${t.resourceId}-${t.httpMethod}-${t.statusCode}` };
  };
  return {
    create: apply,
    update: (args, _prior, ctx) => apply(args, ctx),
    delete(prior) {
      const a = prior.args;
      ignoreNotFound(() => call("DeleteIntegrationResponse", { restApiId: String(a.rest_api_id), resourceId: String(a.resource_id), httpMethod: String(a.http_method).toUpperCase(), statusCode: String(a.status_code) }));
    },
    replaceOn: ["rest_api_id", "resource_id", "http_method", "status_code"],
  };
}

function invokeUrl(deps: ProviderDeps, apiId: string, stage: string): string {
  return `${deps.cloudUrl()}/restapis/${apiId}/${stage}/_user_request_`;
}

function deploymentProvider(deps: ProviderDeps): ResourceProvider {
  const call = caller(deps);
  const computed = (apiId: string, d: Record<string, unknown>, stage: string, ctx: ResourceContext): ValueObject => ({
    id: String(d.id),
    created_date: epochToIso(d.createdDate),
    invoke_url: invokeUrl(deps, apiId, stage),
    execution_arn: `arn:${ctx.partition}:execute-api:${ctx.region}:${deps.accountId}:${apiId}/${stage}`,
  });
  return {
    create(args, ctx) {
      const apiId = need(args, "rest_api_id", ctx);
      const stage = str(args.stage_name);
      const d = call("CreateDeployment", { restApiId: apiId, description: str(args.description), stageName: stage, stageDescription: str(args.stage_description), variables: stringMap(args.variables) });
      return computed(apiId, d, stage ?? "", ctx);
    },
    update(args, prior, ctx) {
      const apiId = need(args, "rest_api_id", ctx);
      const description = str(args.description);
      const d = call("UpdateDeployment", { restApiId: apiId, deploymentId: String(prior.attributes.id), patchOperations: [description === undefined ? { op: "remove", path: "/description" } : replace("/description", description)] });
      return computed(apiId, d, str(args.stage_name) ?? "", ctx);
    },
    delete(prior) {
      try {
        call("DeleteDeployment", { restApiId: String(prior.args.rest_api_id), deploymentId: String(prior.attributes.id) });
      } catch (e) {
        // With create_before_destroy the stage still names the old deployment
        // until it is updated next; API Gateway keeps that deployment too.
        if (!isAwsError(e) || (e.code !== "NotFoundException" && e.code !== "BadRequestException")) throw e;
      }
    },
    replaceOn: ["rest_api_id", "stage_name", "stage_description", "variables", "triggers"],
  };
}

function stageProvider(deps: ProviderDeps): ResourceProvider {
  const call = caller(deps);
  const computed = (apiId: string, name: string, ctx: ResourceContext): ValueObject => ({
    id: `ags-${apiId}-${name}`,
    invoke_url: invokeUrl(deps, apiId, name),
    execution_arn: `arn:${ctx.partition}:execute-api:${ctx.region}:${deps.accountId}:${apiId}/${name}`,
    arn: `arn:${ctx.partition}:apigateway:${ctx.region}::/restapis/${apiId}/stages/${name}`,
  });
  return {
    create(args, ctx) {
      const apiId = need(args, "rest_api_id", ctx);
      const name = need(args, "stage_name", ctx);
      call("CreateStage", {
        restApiId: apiId,
        stageName: name,
        deploymentId: need(args, "deployment_id", ctx),
        description: str(args.description),
        variables: stringMap(args.variables),
        tracingEnabled: bool(args.xray_tracing_enabled),
        cacheClusterEnabled: bool(args.cache_cluster_enabled),
        cacheClusterSize: str(args.cache_cluster_size),
        tags: stringMap(args.tags),
      });
      return computed(apiId, name, ctx);
    },
    update(args, _prior, ctx) {
      const apiId = need(args, "rest_api_id", ctx);
      const name = need(args, "stage_name", ctx);
      const current = call("GetStage", { restApiId: apiId, stageName: name });
      const description = str(args.description);
      const ops: PatchOperation[] = [replace("/deploymentId", need(args, "deployment_id", ctx)), replace("/tracingEnabled", String(bool(args.xray_tracing_enabled) ?? false))];
      if (description !== current.description) ops.push(description === undefined ? { op: "remove", path: "/description" } : replace("/description", description));
      ops.push(...mapPatch("/variables", current.variables as Record<string, unknown>, stringMap(args.variables)));
      call("UpdateStage", { restApiId: apiId, stageName: name, patchOperations: ops });
      retag(call, String(computed(apiId, name, ctx).arn), current.tags as Record<string, unknown>, stringMap(args.tags));
      return computed(apiId, name, ctx);
    },
    delete(prior) {
      ignoreNotFound(() => call("DeleteStage", { restApiId: String(prior.args.rest_api_id), stageName: String(prior.args.stage_name) }));
    },
    replaceOn: ["rest_api_id", "stage_name"],
  };
}

/** Terraform's settings block as UpdateStage patch operations on `/{method_path}/{group}/{setting}`. */
const SETTINGS: Array<[arg: string, path: string]> = [
  ["metrics_enabled", "metrics/enabled"],
  ["logging_level", "logging/loglevel"],
  ["data_trace_enabled", "logging/dataTrace"],
  ["throttling_burst_limit", "throttling/burstLimit"],
  ["throttling_rate_limit", "throttling/rateLimit"],
  ["caching_enabled", "caching/enabled"],
  ["cache_ttl_in_seconds", "caching/ttlInSeconds"],
  ["cache_data_encrypted", "caching/dataEncrypted"],
  ["require_authorization_for_cache_control", "caching/requireAuthorizationForCacheControl"],
  ["unauthorized_cache_control_header_strategy", "caching/unauthorizedCacheControlHeaderStrategy"],
];

function methodSettingsProvider(deps: ProviderDeps): ResourceProvider {
  const call = caller(deps);
  const apply = (args: ValueObject, ctx: ResourceContext): ValueObject => {
    const apiId = need(args, "rest_api_id", ctx);
    const stageName = need(args, "stage_name", ctx);
    const path = need(args, "method_path", ctx);
    const s = block(args.settings) ?? {};
    const ops = SETTINGS.filter(([arg]) => str(s[arg]) !== undefined).map(([arg, setting]) => replace(`/${path}/${setting}`, str(s[arg])!));
    call("UpdateStage", { restApiId: apiId, stageName, patchOperations: ops });
    return { id: `${apiId}-${stageName}-${path}` };
  };
  return {
    create: apply,
    update: (args, _prior, ctx) => apply(args, ctx),
    delete(prior) {
      try {
        call("UpdateStage", { restApiId: String(prior.args.rest_api_id), stageName: String(prior.args.stage_name), patchOperations: [{ op: "remove", path: `/${String(prior.args.method_path)}` }] });
      } catch (e) {
        // Gone with its stage, or never set: what the Terraform provider also accepts.
        if (!isAwsError(e) || !(e.code === "NotFoundException" || (e.code === "BadRequestException" && e.message.includes("no method setting")))) throw e;
      }
    },
    replaceOn: ["rest_api_id", "stage_name", "method_path"],
  };
}

function apiKeyProvider(deps: ProviderDeps): ResourceProvider {
  const call = caller(deps);
  const arn = (id: string, ctx: ResourceContext) => `arn:${ctx.partition}:apigateway:${ctx.region}::/apikeys/${id}`;
  const computed = (key: Record<string, unknown>, ctx: ResourceContext): ValueObject => ({
    id: String(key.id),
    value: String(key.value),
    arn: arn(String(key.id), ctx),
    created_date: epochToIso(key.createdDate),
    last_updated_date: epochToIso(key.lastUpdatedDate),
  });
  return {
    create(args, ctx) {
      const key = call("CreateApiKey", {
        name: need(args, "name", ctx),
        description: str(args.description) ?? "Managed by Terraform",
        value: str(args.value),
        enabled: bool(args.enabled) ?? true,
        customerId: str(args.customer_id),
        tags: stringMap(args.tags),
      });
      return computed(key, ctx);
    },
    update(args, prior, ctx) {
      const id = String(prior.attributes.id);
      const current = call("GetApiKey", { apiKey: id });
      call("UpdateApiKey", {
        apiKey: id,
        patchOperations: [replace("/name", need(args, "name", ctx)), replace("/description", str(args.description) ?? "Managed by Terraform"), replace("/enabled", String(bool(args.enabled) ?? true))],
      });
      retag(call, arn(id, ctx), current.tags as Record<string, unknown>, stringMap(args.tags));
      return computed(call("GetApiKey", { apiKey: id, includeValue: true }), ctx);
    },
    delete(prior) {
      ignoreNotFound(() => call("DeleteApiKey", { apiKey: String(prior.attributes.id) }));
    },
    replaceOn: ["value"],
  };
}

function usagePlanProvider(deps: ProviderDeps): ResourceProvider {
  const call = caller(deps);
  const arn = (id: string, ctx: ResourceContext) => `arn:${ctx.partition}:apigateway:${ctx.region}::/usageplans/${id}`;
  const read = (args: ValueObject, ctx: ResourceContext) => {
    const throttle = block(args.throttle_settings);
    const quota = block(args.quota_settings);
    return {
      name: need(args, "name", ctx),
      description: str(args.description),
      productCode: str(args.product_code),
      apiStages: blocks(args.api_stages).map((s) => ({ apiId: need(s, "api_id", ctx), stage: need(s, "stage", ctx) })),
      throttle: throttle ? { rateLimit: num(throttle.rate_limit), burstLimit: num(throttle.burst_limit) } : undefined,
      quota: quota ? { limit: num(quota.limit) ?? 0, period: str(quota.period), offset: num(quota.offset) } : undefined,
    };
  };
  return {
    create(args, ctx) {
      const plan = call("CreateUsagePlan", { ...read(args, ctx), tags: stringMap(args.tags) });
      return { id: String(plan.id), arn: arn(String(plan.id), ctx) };
    },
    update(args, prior, ctx) {
      const id = String(prior.attributes.id);
      const want = read(args, ctx);
      const current = call("GetUsagePlan", { usagePlanId: id });
      const ops: PatchOperation[] = [replace("/name", want.name)];
      if (want.description !== current.description) ops.push(want.description === undefined ? { op: "remove", path: "/description" } : replace("/description", want.description));
      if (want.throttle) {
        if (want.throttle.rateLimit !== undefined) ops.push(replace("/throttle/rateLimit", String(want.throttle.rateLimit)));
        if (want.throttle.burstLimit !== undefined) ops.push(replace("/throttle/burstLimit", String(want.throttle.burstLimit)));
      } else if (current.throttle) ops.push({ op: "remove", path: "/throttle" });
      if (want.quota) {
        ops.push(replace("/quota/limit", String(want.quota.limit)), replace("/quota/period", String(want.quota.period)));
        if (want.quota.offset !== undefined) ops.push(replace("/quota/offset", String(want.quota.offset)));
      } else if (current.quota) ops.push({ op: "remove", path: "/quota" });
      const stageKey = (s: { apiId: unknown; stage: unknown }) => `${String(s.apiId)}:${String(s.stage)}`;
      const had = new Set((current.apiStages as Array<{ apiId: string; stage: string }>).map(stageKey));
      const wanted = new Set(want.apiStages.map(stageKey));
      for (const s of had) if (!wanted.has(s)) ops.push({ op: "remove", path: "/apiStages", value: s });
      for (const s of wanted) if (!had.has(s)) ops.push({ op: "add", path: "/apiStages", value: s });
      call("UpdateUsagePlan", { usagePlanId: id, patchOperations: ops });
      retag(call, arn(id, ctx), current.tags as Record<string, unknown>, stringMap(args.tags));
      return { id, arn: arn(id, ctx) };
    },
    delete(prior) {
      ignoreNotFound(() => call("DeleteUsagePlan", { usagePlanId: String(prior.attributes.id) }));
    },
  };
}

function usagePlanKeyProvider(deps: ProviderDeps): ResourceProvider {
  const call = caller(deps);
  return {
    create(args, ctx) {
      const key = call("CreateUsagePlanKey", { usagePlanId: need(args, "usage_plan_id", ctx), keyId: need(args, "key_id", ctx), keyType: need(args, "key_type", ctx) });
      return { id: String(key.id), name: String(key.name), value: String(key.value) };
    },
    delete(prior) {
      ignoreNotFound(() => call("DeleteUsagePlanKey", { usagePlanId: String(prior.args.usage_plan_id), keyId: String(prior.args.key_id) }));
    },
    replaceOn: ["usage_plan_id", "key_id", "key_type"],
  };
}

export function apiGatewayProviders(deps: ProviderDeps): ResourceProviders {
  return {
    aws_api_gateway_rest_api: restApiProvider(deps),
    aws_api_gateway_resource: resourceProvider(deps),
    aws_api_gateway_method: methodProvider(deps),
    aws_api_gateway_method_response: methodResponseProvider(deps),
    aws_api_gateway_integration: integrationProvider(deps),
    aws_api_gateway_integration_response: integrationResponseProvider(deps),
    aws_api_gateway_deployment: deploymentProvider(deps),
    aws_api_gateway_stage: stageProvider(deps),
    aws_api_gateway_method_settings: methodSettingsProvider(deps),
    aws_api_gateway_api_key: apiKeyProvider(deps),
    aws_api_gateway_usage_plan: usagePlanProvider(deps),
    aws_api_gateway_usage_plan_key: usagePlanKeyProvider(deps),
  };
}
