import { isAwsError } from "../core/aws-error.js";
import type { FunctionConfiguration, FunctionSettings } from "../lambda/function-config.js";
import type { ResourceContext, ResourceProvider, ResourceProviders } from "../stack/engine.js";
import { StackError } from "../stack/errors.js";
import type { ValueObject } from "../stack/value.js";
import { block, bool, need, num, str, stringMap, strings } from "./args.js";
import type { ProviderDeps } from "./deps.js";
import { LOGS_OPERATIONS } from "../logs/operations.js";

/** Arguments that change the configuration, not the code. */
/** Terraform's -1 (or nothing) leaves the function unreserved. */
function reserved(args: ValueObject): number | undefined {
  const n = num(args.reserved_concurrent_executions);
  return n === undefined || n < 0 ? undefined : n;
}

const CONFIG_ARGS = ["role", "handler", "runtime", "description", "timeout", "memory_size", "environment", "dead_letter_config", "tracing_config", "ephemeral_storage", "logging_config", "architectures"];
const CODE_ARGS = ["filename", "source_code_hash"];

function settingsOf(args: ValueObject): FunctionSettings {
  const s: FunctionSettings = {};
  if (str(args.role)) s.Role = str(args.role);
  if (str(args.handler)) s.Handler = str(args.handler);
  if (str(args.runtime)) s.Runtime = str(args.runtime);
  s.Description = str(args.description) ?? "";
  s.Timeout = num(args.timeout) ?? 3;
  s.MemorySize = num(args.memory_size) ?? 128;
  s.Environment = { Variables: stringMap(block(args.environment)?.variables) };
  const dlq = str(block(args.dead_letter_config)?.target_arn);
  s.DeadLetterConfig = { TargetArn: dlq };
  const tracing = str(block(args.tracing_config)?.mode);
  if (tracing === "Active" || tracing === "PassThrough") s.TracingConfig = { Mode: tracing };
  const storage = num(block(args.ephemeral_storage)?.size);
  if (storage) s.EphemeralStorage = { Size: storage };
  const logging = block(args.logging_config);
  if (logging) {
    const format = str(logging.log_format);
    s.LoggingConfig = { LogFormat: format === "JSON" ? "JSON" : "Text", LogGroup: str(logging.log_group) };
  }
  if (strings(args.architectures).length > 0) s.Architectures = strings(args.architectures);
  return s;
}

function functionAttributes(c: FunctionConfiguration, args: ValueObject, ctx: ResourceContext): ValueObject {
  return {
    id: c.FunctionName,
    arn: c.FunctionArn,
    invoke_arn: `arn:${ctx.partition}:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${c.FunctionArn}/invocations`,
    qualified_arn: `${c.FunctionArn}:$LATEST`,
    qualified_invoke_arn: `arn:${ctx.partition}:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${c.FunctionArn}:$LATEST/invocations`,
    version: "$LATEST",
    // Terraform keeps the hash it was given; AWS's own is code_sha256
    source_code_hash: str(args.source_code_hash) ?? c.CodeSha256,
    code_sha256: c.CodeSha256,
    source_code_size: c.CodeSize,
    last_modified: c.LastModified,
    signing_job_arn: "",
    signing_profile_version_arn: "",
  };
}

function zipOf(args: ValueObject, ctx: ResourceContext): Buffer {
  const file = str(args.filename);
  if (!file) {
    const other = ["s3_bucket", "image_uri"].find((k) => str(args[k]));
    throw new StackError("ResourceFailed", `${ctx.address}: the embedded cloud runs functions from a zip in "filename" (a TerraformAsset)${other ? `; ${other} is not read` : ""}`);
  }
  return ctx.readAsset(file);
}

function functionProvider(deps: ProviderDeps): ResourceProvider {
  return {
    async create(args, ctx) {
      const name = need(args, "function_name", ctx);
      const role = need(args, "role", ctx);
      if ((str(args.package_type) ?? "Zip") !== "Zip") throw new StackError("ResourceFailed", `${ctx.address}: only Zip packages run in the embedded cloud`);
      // The function registry registers the function and its role with IAM (the same path as the Lambda API's CreateFunction).
      const s = settingsOf(args);
      const zip = zipOf(args, ctx);
      // unpacked off the event loop first, so applying a stack does not stall other requests
      await deps.lambda.prepareCode(zip);
      const c = deps.lambda.create({
        ...s,
        FunctionName: name,
        Role: role,
        Handler: need(args, "handler", ctx),
        Runtime: need(args, "runtime", ctx),
        DeadLetterConfig: s.DeadLetterConfig?.TargetArn ? s.DeadLetterConfig : undefined,
        Code: { ZipFile: zip },
        Tags: stringMap(args.tags),
      });
      if (reserved(args) !== undefined) deps.lambda.putFunctionConcurrency(name, reserved(args));
      return functionAttributes(c, args, ctx);
    },
    async update(args, prior, ctx, changed) {
      const name = String(prior.attributes.function_name);
      let c = deps.lambda.get(name);
      if (changed.some((k) => CODE_ARGS.includes(k))) {
        const zip = zipOf(args, ctx);
        await deps.lambda.prepareCode(zip);
        c = deps.lambda.updateCode(name, zip);
      }
      if (changed.some((k) => CONFIG_ARGS.includes(k))) {
        c = deps.lambda.updateConfiguration(name, settingsOf(args));
      }
      if (changed.includes("reserved_concurrent_executions")) deps.lambda.putFunctionConcurrency(name, reserved(args));
      return functionAttributes(c, args, ctx);
    },
    async delete(prior) {
      const name = String(prior.attributes.function_name);
      for (const m of deps.mappings.list({ functionArn: String(prior.attributes.arn) })) deps.mappings.delete(m.uuid);
      if (deps.lambda.has(name)) await deps.lambda.delete(name);
    },
    replaceOn: ["function_name", "package_type"],
  };
}

function permissionProvider(deps: ProviderDeps): ResourceProvider {
  return {
    create(args, ctx) {
      const fn = need(args, "function_name", ctx);
      const statementId = str(args.statement_id) ?? `terraform-${Date.now()}`;
      deps.lambda.addPermission(fn, {
        StatementId: statementId,
        Action: need(args, "action", ctx),
        Principal: need(args, "principal", ctx),
        SourceArn: str(args.source_arn),
        SourceAccount: str(args.source_account),
        PrincipalOrgID: str(args.principal_org_id),
        EventSourceToken: str(args.event_source_token),
        FunctionUrlAuthType: str(args.function_url_auth_type),
      });
      return { id: statementId, statement_id: statementId };
    },
    delete(prior) {
      const fn = String(prior.args.function_name);
      try {
        deps.lambda.removePermission(fn, String(prior.attributes.statement_id));
      } catch (e) {
        // the function (and its policy) went first
        if (!isAwsError(e)) throw e;
      }
    },
  };
}

function mappingProvider(deps: ProviderDeps): ResourceProvider {
  const functionArnOf = (ref: string) => deps.lambda.get(ref).FunctionArn;
  const attributes = (uuid: string): ValueObject => {
    const m = deps.mappings.get(uuid)!;
    return {
      id: m.uuid,
      uuid: m.uuid,
      function_arn: m.functionArn,
      state: m.enabled ? "Enabled" : "Disabled",
      state_transition_reason: "USER_INITIATED",
      last_modified: new Date(m.lastModified).toISOString(),
      last_processing_result: m.lastProcessingResult,
      arn: `arn:aws:lambda:${deps.lambda.region}:${deps.accountId}:event-source-mapping:${m.uuid}`,
    };
  };
  return {
    create(args, ctx) {
      const source = need(args, "event_source_arn", ctx);
      if (!source.startsWith("arn:aws:sqs:")) throw new StackError("ResourceFailed", `${ctx.address}: only SQS event sources are emulated (got ${source})`);
      const m = deps.mappings.create({
        functionArn: functionArnOf(need(args, "function_name", ctx)),
        eventSourceArn: source,
        batchSize: num(args.batch_size),
        maximumBatchingWindowInSeconds: num(args.maximum_batching_window_in_seconds),
        functionResponseTypes: strings(args.function_response_types),
        enabled: bool(args.enabled) ?? true,
      });
      return attributes(m.uuid);
    },
    update(args, prior, ctx) {
      const uuid = String(prior.attributes.uuid);
      deps.mappings.update(uuid, {
        functionArn: functionArnOf(need(args, "function_name", ctx)),
        batchSize: num(args.batch_size) ?? 10,
        maximumBatchingWindowInSeconds: num(args.maximum_batching_window_in_seconds) ?? 0,
        functionResponseTypes: strings(args.function_response_types),
        enabled: bool(args.enabled) ?? true,
      });
      return attributes(uuid);
    },
    delete(prior) {
      const uuid = String(prior.attributes.uuid);
      if (deps.mappings.get(uuid)) deps.mappings.delete(uuid);
    },
    replaceOn: ["event_source_arn"],
  };
}

function logGroupProvider(deps: ProviderDeps): ResourceProvider {
  // The same operations a Terraform apply calls, so both ways leave the same log group.
  const call = (action: string, input: Record<string, unknown>, ctx: ResourceContext) =>
    LOGS_OPERATIONS[action]!(deps.logs, input, { requestId: "stack-loader", region: ctx.region, accountId: deps.accountId, baseUrl: deps.cloudUrl() });
  const tagsOf = (args: ValueObject): Record<string, string> => (args.tags && typeof args.tags === "object" ? { ...(args.tags as Record<string, string>) } : {});
  const retention = (name: string, args: ValueObject, ctx: ResourceContext) => {
    const days = num(args.retention_in_days);
    if (days !== undefined && days > 0) call("PutRetentionPolicy", { logGroupName: name, retentionInDays: days }, ctx);
    else call("DeleteRetentionPolicy", { logGroupName: name }, ctx);
  };
  const result = (name: string, ctx: ResourceContext): ValueObject => ({ id: name, arn: `arn:${ctx.partition}:logs:${ctx.region}:${deps.accountId}:log-group:${name}` });
  return {
    create(args, ctx) {
      const name = need(args, "name", ctx);
      call("CreateLogGroup", { logGroupName: name, tags: tagsOf(args) }, ctx);
      retention(name, args, ctx);
      return result(name, ctx);
    },
    update(args, prior, ctx) {
      const name = need(args, "name", ctx);
      retention(name, args, ctx);
      const arn = result(name, ctx).arn;
      const old = Object.keys(tagsOf(prior.attributes));
      if (old.length > 0) call("UntagResource", { resourceArn: arn, tagKeys: old }, ctx);
      call("TagResource", { resourceArn: arn, tags: tagsOf(args) }, ctx);
      return result(name, ctx);
    },
    delete(prior, ctx) {
      try {
        call("DeleteLogGroup", { logGroupName: String(prior.attributes.name) }, ctx);
      } catch (err) {
        // already gone (deleted by hand): nothing left to delete
        if (!(isAwsError(err) && err.code === "ResourceNotFoundException")) throw err;
      }
    },
    replaceOn: ["name", "name_prefix"],
  };
}

export function lambdaProviders(deps: ProviderDeps): ResourceProviders {
  return {
    aws_lambda_function: functionProvider(deps),
    aws_lambda_permission: permissionProvider(deps),
    aws_lambda_event_source_mapping: mappingProvider(deps),
    aws_cloudwatch_log_group: logGroupProvider(deps),
  };
}
