import type { FunctionName } from "../../handlers/functions.js";
import {
  ApiGatewayApiKey,
  ApiGatewayDeployment,
  ApiGatewayIntegration,
  ApiGatewayMethod,
  ApiGatewayMethodSettings,
  ApiGatewayResource,
  ApiGatewayRestApi,
  ApiGatewayStage,
  ApiGatewayUsagePlan,
  ApiGatewayUsagePlanKey,
  Construct,
  Fn,
  LambdaPermission,
  TerraformStack,
  type LambdaFunction,
} from "../cdktf.js";
import { physicalName, xrayTracing, type StackConfig } from "../config.js";
import type { AccountContext } from "./account.js";
import { CUSTOM_ID_TAG, stableApiId } from "./api-id.js";

export const STAGE_NAME = "live";

export interface Route {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: "/movies" | "/movies/{movieID}";
  function: FunctionName;
}

/** Reads are public; anything that writes (and so sends mail) needs the API key. */
export const ROUTES: readonly Route[] = [
  { method: "GET", path: "/movies", function: "list-movies" },
  { method: "POST", path: "/movies", function: "create-movie" },
  { method: "GET", path: "/movies/{movieID}", function: "get-movie" },
  { method: "PUT", path: "/movies/{movieID}", function: "update-movie" },
  { method: "DELETE", path: "/movies/{movieID}", function: "delete-movie" },
];

export const THROTTLE = { burstLimit: 20, rateLimit: 10 } as const;
export const DAILY_QUOTA = 1000;

/** Terraform logical id of a route's method, integration or permission, e.g. put_movie_item_method. */
export function routeLogicalId(route: Route, kind: string): string {
  const resource = route.path === "/movies" ? "movies" : "movie_item";
  return `${route.method.toLowerCase()}_${resource}_${kind}`;
}

/** The REST API `movies-api`, stage `live`, and the API key that guards writes. */
export class Api extends Construct {
  readonly restApi: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;
  readonly apiKey: ApiGatewayApiKey;

  constructor(
    scope: Construct,
    id: string,
    config: StackConfig,
    account: AccountContext,
    functions: Record<FunctionName, LambdaFunction>,
  ) {
    super(scope, id);
    this.restApi = new ApiGatewayRestApi(this, "rest-api", {
      name: physicalName(config, "movies-api"),
      description: "Movies REST API",
      apiKeySource: "HEADER",
      endpointConfiguration: { types: ["REGIONAL"] },
      // Emulators take the id from this tag, so local URLs survive restarts and re-deploys; AWS chooses its own.
      ...(config.target === "aws" ? {} : { tags: { [CUSTOM_ID_TAG]: stableApiId(`${TerraformStack.of(this).node.id}/${physicalName(config, "movies-api")}`) } }),
    });
    this.restApi.overrideLogicalId("movies_api");

    const movies = new ApiGatewayResource(this, "movies", {
      restApiId: this.restApi.id,
      parentId: this.restApi.rootResourceId,
      pathPart: "movies",
    });
    movies.overrideLogicalId("movies_resource");
    const movieItem = new ApiGatewayResource(this, "movie-item", {
      restApiId: this.restApi.id,
      parentId: movies.id,
      pathPart: "{movieID}",
    });
    movieItem.overrideLogicalId("movie_item_resource");
    const resources = { "/movies": movies, "/movies/{movieID}": movieItem };

    const wired = ROUTES.map((route) => {
      const resource = resources[route.path];
      const fn = functions[route.function];
      const method = new ApiGatewayMethod(this, routeLogicalId(route, "method"), {
        restApiId: this.restApi.id,
        resourceId: resource.id,
        httpMethod: route.method,
        authorization: "NONE",
        apiKeyRequired: route.method !== "GET",
        ...(route.path === "/movies/{movieID}" ? { requestParameters: { "method.request.path.movieID": true } } : {}),
      });
      method.overrideLogicalId(routeLogicalId(route, "method"));
      const integration = new ApiGatewayIntegration(this, routeLogicalId(route, "integration"), {
        restApiId: this.restApi.id,
        resourceId: resource.id,
        httpMethod: method.httpMethod,
        type: "AWS_PROXY",
        // Lambda is always invoked with POST, whatever the client's method.
        integrationHttpMethod: "POST",
        uri: fn.invokeArn,
      });
      integration.overrideLogicalId(routeLogicalId(route, "integration"));
      const sourcePath = route.path.replace("{movieID}", "*");
      const permission = new LambdaPermission(this, routeLogicalId(route, "permission"), {
        statementId: `AllowApiGateway${route.method}${route.path === "/movies" ? "Movies" : "MovieItem"}`,
        action: "lambda:InvokeFunction",
        functionName: fn.functionName,
        principal: "apigateway.amazonaws.com",
        // Any stage, but only this method on this path.
        sourceArn: account.arn("execute-api", `${this.restApi.id}/*/${route.method}${sourcePath}`),
      });
      permission.overrideLogicalId(routeLogicalId(route, "permission"));
      return { method, integration };
    });

    const deployment = new ApiGatewayDeployment(this, "deployment", {
      restApiId: this.restApi.id,
      triggers: {
        redeployment: Fn.sha1(
          Fn.jsonencode([
            movies.id,
            movieItem.id,
            ...wired.flatMap(({ method, integration }) => [method.id, integration.id]),
          ]),
        ),
      },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: wired.flatMap(({ method, integration }) => [method, integration]),
    });
    deployment.overrideLogicalId("movies_api_deployment");

    this.stage = new ApiGatewayStage(this, "stage", {
      restApiId: this.restApi.id,
      deploymentId: deployment.id,
      stageName: STAGE_NAME,
      // API Gateway starts the X-Ray trace and answers with its id (X-Amzn-Trace-Id), which `movies call --verbose` prints
      ...(xrayTracing(config) ? { xrayTracingEnabled: true } : {}),
    });
    this.stage.overrideLogicalId("live_stage");

    const settings = new ApiGatewayMethodSettings(this, "stage-throttling", {
      restApiId: this.restApi.id,
      stageName: this.stage.stageName,
      methodPath: "*/*",
      settings: { throttlingBurstLimit: THROTTLE.burstLimit, throttlingRateLimit: THROTTLE.rateLimit },
    });
    settings.overrideLogicalId("live_stage_throttling");

    this.apiKey = new ApiGatewayApiKey(this, "api-key", {
      name: physicalName(config, "movies-api-key"),
      description: "Required for POST, PUT and DELETE on the movies API",
      enabled: true,
    });
    this.apiKey.overrideLogicalId("movies_api_key");

    const plan = new ApiGatewayUsagePlan(this, "usage-plan", {
      name: physicalName(config, "movies-api-usage"),
      apiStages: [{ apiId: this.restApi.id, stage: this.stage.stageName }],
      throttleSettings: { burstLimit: THROTTLE.burstLimit, rateLimit: THROTTLE.rateLimit },
      quotaSettings: { limit: DAILY_QUOTA, period: "DAY" },
    });
    plan.overrideLogicalId("movies_api_usage_plan");

    const planKey = new ApiGatewayUsagePlanKey(this, "usage-plan-key", {
      keyId: this.apiKey.id,
      keyType: "API_KEY",
      usagePlanId: plan.id,
    });
    planKey.overrideLogicalId("movies_api_usage_plan_key");
  }
}
