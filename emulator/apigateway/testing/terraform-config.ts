/**
 * A Terraform JSON configuration with just the API Gateway resources the
 * MoviesStack declares (same arguments, same provider settings as its
 * `localstack` target), in front of one existing Lambda function. Real
 * Terraform applies it to the embedded cloud in the conformance test.
 */
export interface ApiGatewayTerraformOptions {
  endpoint: string;
  region: string;
  functionArn: string;
  stateFile: string;
  /** `_custom_id_` tag value, as the stack sets it on non-aws targets */
  customId?: string;
  /** the stage-wide throttle, changed between applies to see an update */
  rateLimit?: number;
}

export function apiGatewayTerraformConfig(o: ApiGatewayTerraformOptions): Record<string, unknown> {
  const api = "${aws_api_gateway_rest_api.movies_api.id}";
  const invokeArn = `arn:aws:apigateway:${o.region}:lambda:path/2015-03-31/functions/${o.functionArn}/invocations`;
  const routes = [
    { name: "get_movies", resource: "movies_resource", method: "GET", key: false },
    { name: "post_movies", resource: "movies_resource", method: "POST", key: true },
    { name: "get_movie_item", resource: "movie_item_resource", method: "GET", key: false, params: true },
    { name: "delete_movie_item", resource: "movie_item_resource", method: "DELETE", key: true, params: true },
  ];
  const methods = Object.fromEntries(
    routes.map((r) => [
      `${r.name}_method`,
      {
        rest_api_id: api,
        resource_id: `\${aws_api_gateway_resource.${r.resource}.id}`,
        http_method: r.method,
        authorization: "NONE",
        api_key_required: r.key,
        ...(r.params ? { request_parameters: { "method.request.path.movieID": true } } : {}),
      },
    ]),
  );
  const integrations = Object.fromEntries(
    routes.map((r) => [
      `${r.name}_integration`,
      {
        rest_api_id: api,
        resource_id: `\${aws_api_gateway_resource.${r.resource}.id}`,
        http_method: `\${aws_api_gateway_method.${r.name}_method.http_method}`,
        type: "AWS_PROXY",
        integration_http_method: "POST",
        uri: invokeArn,
      },
    ]),
  );
  const wired = routes.flatMap((r) => [`aws_api_gateway_method.${r.name}_method`, `aws_api_gateway_integration.${r.name}_integration`]);
  return {
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } }, backend: { local: { path: o.stateFile } } },
    provider: {
      aws: [
        {
          region: o.region,
          access_key: "test",
          secret_key: "test",
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: "true",
          endpoints: [{ apigateway: o.endpoint, lambda: o.endpoint, sts: o.endpoint, iam: o.endpoint }],
          default_tags: [{ tags: { project: "movies", target: "localstack" } }],
        },
      ],
    },
    resource: {
      aws_api_gateway_rest_api: {
        movies_api: {
          name: "movies-api",
          description: "Movies REST API",
          api_key_source: "HEADER",
          endpoint_configuration: [{ types: ["REGIONAL"] }],
          ...(o.customId ? { tags: { _custom_id_: o.customId } } : {}),
        },
      },
      aws_api_gateway_resource: {
        movies_resource: { rest_api_id: api, parent_id: "${aws_api_gateway_rest_api.movies_api.root_resource_id}", path_part: "movies" },
        movie_item_resource: { rest_api_id: api, parent_id: "${aws_api_gateway_resource.movies_resource.id}", path_part: "{movieID}" },
      },
      aws_api_gateway_method: methods,
      aws_api_gateway_integration: integrations,
      aws_api_gateway_deployment: {
        movies_api_deployment: {
          rest_api_id: api,
          triggers: { redeployment: `\${sha1(jsonencode([${wired.map((w) => `${w}.id`).join(", ")}]))}` },
          lifecycle: { create_before_destroy: true },
          depends_on: wired,
        },
      },
      aws_api_gateway_stage: {
        live_stage: { rest_api_id: api, deployment_id: "${aws_api_gateway_deployment.movies_api_deployment.id}", stage_name: "live" },
      },
      aws_api_gateway_method_settings: {
        live_stage_throttling: {
          rest_api_id: api,
          stage_name: "${aws_api_gateway_stage.live_stage.stage_name}",
          method_path: "*/*",
          settings: [{ throttling_burst_limit: 20, throttling_rate_limit: o.rateLimit ?? 10 }],
        },
      },
      aws_api_gateway_api_key: {
        movies_api_key: { name: "movies-api-key", description: "Required for POST, PUT and DELETE on the movies API", enabled: true },
      },
      aws_api_gateway_usage_plan: {
        movies_api_usage_plan: {
          name: "movies-api-usage",
          api_stages: [{ api_id: api, stage: "${aws_api_gateway_stage.live_stage.stage_name}" }],
          throttle_settings: [{ burst_limit: 20, rate_limit: 10 }],
          quota_settings: [{ limit: 1000, period: "DAY" }],
        },
      },
      aws_api_gateway_usage_plan_key: {
        movies_api_usage_plan_key: { key_id: "${aws_api_gateway_api_key.movies_api_key.id}", key_type: "API_KEY", usage_plan_id: "${aws_api_gateway_usage_plan.movies_api_usage_plan.id}" },
      },
    },
    output: {
      invoke_url: { value: "${aws_api_gateway_stage.live_stage.invoke_url}" },
      api_id: { value: api },
      api_key: { value: "${aws_api_gateway_api_key.movies_api_key.value}", sensitive: true },
    },
  };
}
