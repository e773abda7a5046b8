import { AwsError, isAwsError } from "../core/aws-error.js";
import type { ResourceContext, ResourceProvider, ResourceProviders } from "../stack/engine.js";
import { StackError } from "../stack/errors.js";
import type { ValueObject } from "../stack/value.js";
import { block, blocks, bool, need, num, str } from "./args.js";
import type { ProviderDeps } from "./deps.js";

/** Deleting what a parent delete already removed is not an error, as Terraform treats 404 on delete. */
function ignoreNotFound(run: () => void): void {
  try {
    run();
  } catch (e) {
    if (!isAwsError(e) || e.code !== "NotFoundException") throw e;
  }
}

function restApiProvider(deps: ProviderDeps): ResourceProvider {
  const computed = (id: string, ctx: ResourceContext): ValueObject => {
    const api = deps.apigateway.getRestApi(id);
    return {
      id,
      root_resource_id: api.rootResourceId,
      created_date: api.createdDate,
      arn: `arn:${ctx.partition}:apigateway:${ctx.region}::/restapis/${id}`,
      execution_arn: `arn:${ctx.partition}:execute-api:${ctx.region}:${deps.accountId}:${id}`,
    };
  };
  return {
    create(args, ctx) {
      if (str(args.body)) throw new StackError("ResourceFailed", `${ctx.address}: REST APIs from an OpenAPI "body" are not emulated; declare resources, methods and integrations`);
      const api = deps.apigateway.createRestApi({ name: need(args, "name", ctx), description: str(args.description) });
      return computed(api.id, ctx);
    },
    update(args, prior, ctx) {
      const api = deps.apigateway.getRestApi(String(prior.attributes.id));
      api.name = need(args, "name", ctx);
      api.description = str(args.description);
      return computed(api.id, ctx);
    },
    delete(prior) {
      ignoreNotFound(() => deps.apigateway.deleteRestApi(String(prior.attributes.id)));
    },
    replaceOn: ["body"],
  };
}

function resourceProvider(deps: ProviderDeps): ResourceProvider {
  return {
    create(args, ctx) {
      const r = deps.apigateway.createResource(need(args, "rest_api_id", ctx), need(args, "parent_id", ctx), need(args, "path_part", ctx));
      return { id: r.id, path: r.path };
    },
    delete(prior) {
      ignoreNotFound(() => deps.apigateway.deleteResource(String(prior.args.rest_api_id), String(prior.attributes.id)));
    },
  };
}

function requestParameters(args: ValueObject): Record<string, boolean> | undefined {
  const p = args.request_parameters;
  if (!p || typeof p !== "object" || Array.isArray(p)) return undefined;
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, bool(v) ?? false]));
}

function methodProvider(deps: ProviderDeps): ResourceProvider {
  const apply = (args: ValueObject, ctx: ResourceContext): ValueObject => {
    const apiId = need(args, "rest_api_id", ctx);
    const resourceId = need(args, "resource_id", ctx);
    const httpMethod = need(args, "http_method", ctx).toUpperCase();
    const authorizationType = need(args, "authorization", ctx);
    if (authorizationType !== "NONE") throw new StackError("ResourceFailed", `${ctx.address}: authorization ${authorizationType} is not emulated (only NONE and API keys)`);
    deps.apigateway.putMethod(apiId, resourceId, { httpMethod, authorizationType, apiKeyRequired: bool(args.api_key_required) ?? false, requestParameters: requestParameters(args) });
    return { id: `agm-${apiId}-${resourceId}-${httpMethod}` };
  };
  return {
    create: apply,
    update: (args, _prior, ctx) => apply(args, ctx),
    delete(prior) {
      ignoreNotFound(() => deps.apigateway.deleteMethod(String(prior.args.rest_api_id), String(prior.args.resource_id), String(prior.args.http_method)));
    },
    replaceOn: ["rest_api_id", "resource_id", "http_method"],
  };
}

function integrationProvider(deps: ProviderDeps): ResourceProvider {
  const apply = (args: ValueObject, ctx: ResourceContext): ValueObject => {
    const apiId = need(args, "rest_api_id", ctx);
    const resourceId = need(args, "resource_id", ctx);
    const httpMethod = need(args, "http_method", ctx).toUpperCase();
    const type = need(args, "type", ctx);
    if (type !== "AWS_PROXY" && type !== "MOCK") throw new StackError("ResourceFailed", `${ctx.address}: integration type ${type} is not emulated (AWS_PROXY to Lambda is)`);
    deps.apigateway.putIntegration(apiId, resourceId, httpMethod, { type, uri: str(args.uri), httpMethod: str(args.integration_http_method) });
    return { id: `agi-${apiId}-${resourceId}-${httpMethod}`, timeout_milliseconds: num(args.timeout_milliseconds) ?? 29000 };
  };
  return {
    create: apply,
    update: (args, _prior, ctx) => apply(args, ctx),
    delete(prior) {
      ignoreNotFound(() => deps.apigateway.deleteIntegration(String(prior.args.rest_api_id), String(prior.args.resource_id), String(prior.args.http_method)));
    },
    replaceOn: ["rest_api_id", "resource_id", "http_method"],
  };
}

function invokeUrl(deps: ProviderDeps, apiId: string, stage: string): string {
  return `${deps.cloudUrl()}/restapis/${apiId}/${stage}/_user_request_`;
}

function deploymentProvider(deps: ProviderDeps): ResourceProvider {
  return {
    create(args, ctx) {
      const apiId = need(args, "rest_api_id", ctx);
      const d = deps.apigateway.createDeployment(apiId, str(args.description));
      const stage = str(args.stage_name);
      if (stage) deps.apigateway.putStage(apiId, { name: stage, deploymentId: d.id });
      return {
        id: d.id,
        created_date: d.createdDate,
        invoke_url: invokeUrl(deps, apiId, stage ?? ""),
        execution_arn: `arn:${ctx.partition}:execute-api:${ctx.region}:${deps.accountId}:${apiId}/${stage ?? ""}`,
      };
    },
    delete(prior) {
      try {
        deps.apigateway.deleteDeployment(String(prior.args.rest_api_id), String(prior.attributes.id));
      } catch (e) {
        // With create_before_destroy the stage still names the old deployment
        // until it is updated next; API Gateway keeps that deployment too.
        if (!isAwsError(e) || (e.code !== "NotFoundException" && e.code !== "BadRequestException")) throw e;
      }
    },
  };
}

function stageProvider(deps: ProviderDeps): ResourceProvider {
  const apply = (args: ValueObject, ctx: ResourceContext): ValueObject => {
    const apiId = need(args, "rest_api_id", ctx);
    const name = need(args, "stage_name", ctx);
    const throttle = deps.apigateway.getRestApi(apiId).stages[name]?.throttle;
    deps.apigateway.putStage(apiId, { name, deploymentId: need(args, "deployment_id", ctx), throttle });
    return {
      id: `ags-${apiId}-${name}`,
      invoke_url: invokeUrl(deps, apiId, name),
      execution_arn: `arn:${ctx.partition}:execute-api:${ctx.region}:${deps.accountId}:${apiId}/${name}`,
      arn: `arn:${ctx.partition}:apigateway:${ctx.region}::/restapis/${apiId}/stages/${name}`,
    };
  };
  return {
    create: apply,
    update: (args, _prior, ctx) => apply(args, ctx),
    delete(prior) {
      ignoreNotFound(() => deps.apigateway.deleteStage(String(prior.args.rest_api_id), String(prior.args.stage_name)));
    },
    replaceOn: ["rest_api_id", "stage_name"],
  };
}

/** Throttling of every method of a stage (`method_path` "*\/*"): what the data plane enforces. */
function methodSettingsProvider(deps: ProviderDeps): ResourceProvider {
  const apply = (args: ValueObject, ctx: ResourceContext): ValueObject => {
    const apiId = need(args, "rest_api_id", ctx);
    const stageName = need(args, "stage_name", ctx);
    const path = need(args, "method_path", ctx);
    if (path !== "*/*") throw new StackError("ResourceFailed", `${ctx.address}: only method_path "*/*" (stage-wide settings) is emulated, got ${path}`);
    const stage = deps.apigateway.getRestApi(apiId).stages[stageName];
    if (!stage) throw new AwsError("NotFoundException", `Invalid stage identifier specified: ${stageName}`, 404);
    const s = block(args.settings) ?? {};
    const rateLimit = num(s.throttling_rate_limit);
    const burstLimit = num(s.throttling_burst_limit);
    stage.throttle = rateLimit === undefined && burstLimit === undefined ? undefined : { rateLimit, burstLimit };
    return { id: `${apiId}-${stageName}-${path}` };
  };
  return {
    create: apply,
    update: (args, _prior, ctx) => apply(args, ctx),
    delete(prior) {
      const stage = deps.apigateway.state.apis[String(prior.args.rest_api_id)]?.stages[String(prior.args.stage_name)];
      if (stage) stage.throttle = undefined;
    },
    replaceOn: ["rest_api_id", "stage_name", "method_path"],
  };
}

function apiKeyProvider(deps: ProviderDeps): ResourceProvider {
  const computed = (id: string, ctx: ResourceContext): ValueObject => {
    const key = deps.apigateway.state.keys[id]!;
    return { id, value: key.value, arn: `arn:${ctx.partition}:apigateway:${ctx.region}::/apikeys/${id}`, created_date: new Date().toISOString() };
  };
  return {
    create(args, ctx) {
      const key = deps.apigateway.createApiKey({ name: need(args, "name", ctx), value: str(args.value), enabled: bool(args.enabled) ?? true });
      return computed(key.id, ctx);
    },
    update(args, prior, ctx) {
      const id = String(prior.attributes.id);
      const key = deps.apigateway.state.keys[id];
      if (!key) throw new AwsError("NotFoundException", "Invalid API Key identifier specified", 404);
      key.name = need(args, "name", ctx);
      key.enabled = bool(args.enabled) ?? true;
      return computed(id, ctx);
    },
    delete(prior) {
      deps.apigateway.deleteApiKey(String(prior.attributes.id));
    },
    replaceOn: ["value"],
  };
}

function usagePlanProvider(deps: ProviderDeps): ResourceProvider {
  const apply = (args: ValueObject, ctx: ResourceContext, id?: string): ValueObject => {
    const throttle = block(args.throttle_settings);
    const quota = block(args.quota_settings);
    const period = str(quota?.period);
    if (quota && period !== "DAY" && period !== "WEEK" && period !== "MONTH") throw new StackError("ResourceFailed", `${ctx.address}: quota_settings.period must be DAY, WEEK or MONTH`);
    const plan = deps.apigateway.putUsagePlan({
      id,
      name: need(args, "name", ctx),
      apiStages: blocks(args.api_stages).map((s) => ({ apiId: need(s, "api_id", ctx), stage: need(s, "stage", ctx) })),
      throttle: throttle ? { rateLimit: num(throttle.rate_limit), burstLimit: num(throttle.burst_limit) } : undefined,
      quota: quota ? { limit: num(quota.limit) ?? 0, period: period as "DAY" | "WEEK" | "MONTH", offset: num(quota.offset) } : undefined,
    });
    return { id: plan.id, arn: `arn:${ctx.partition}:apigateway:${ctx.region}::/usageplans/${plan.id}` };
  };
  return {
    create: (args, ctx) => apply(args, ctx),
    update: (args, prior, ctx) => apply(args, ctx, String(prior.attributes.id)),
    delete(prior) {
      deps.apigateway.deleteUsagePlan(String(prior.attributes.id));
    },
  };
}

function usagePlanKeyProvider(deps: ProviderDeps): ResourceProvider {
  return {
    create(args, ctx) {
      const keyId = need(args, "key_id", ctx);
      if (need(args, "key_type", ctx) !== "API_KEY") throw new StackError("ResourceFailed", `${ctx.address}: key_type must be API_KEY`);
      deps.apigateway.addUsagePlanKey(need(args, "usage_plan_id", ctx), keyId);
      const key = deps.apigateway.state.keys[keyId]!;
      return { id: keyId, name: key.name, value: key.value };
    },
    delete(prior) {
      deps.apigateway.removeUsagePlanKey(String(prior.args.usage_plan_id), String(prior.args.key_id));
    },
  };
}

export function apiGatewayProviders(deps: ProviderDeps): ResourceProviders {
  return {
    aws_api_gateway_rest_api: restApiProvider(deps),
    aws_api_gateway_resource: resourceProvider(deps),
    aws_api_gateway_method: methodProvider(deps),
    aws_api_gateway_integration: integrationProvider(deps),
    aws_api_gateway_deployment: deploymentProvider(deps),
    aws_api_gateway_stage: stageProvider(deps),
    aws_api_gateway_method_settings: methodSettingsProvider(deps),
    aws_api_gateway_api_key: apiKeyProvider(deps),
    aws_api_gateway_usage_plan: usagePlanProvider(deps),
    aws_api_gateway_usage_plan_key: usagePlanKeyProvider(deps),
  };
}
