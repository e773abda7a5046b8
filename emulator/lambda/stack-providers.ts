import type { ResourceContext, ResourceProvider, ResourceProviders } from "../stack/engine.js";
import type { Value, ValueObject } from "../stack/value.js";
import type { FunctionConfiguration, FunctionSettings } from "./function-config.js";
import type { AddPermissionInput } from "./function-policy.js";
import type { FunctionRegistry } from "./functions.js";

export interface LambdaProviderHooks {
  /** a function was created or changed (e.g. register it with the IAM evaluator under its role) */
  onFunction?(config: FunctionConfiguration): void;
  /** a function was deleted */
  onFunctionDeleted?(name: string): void;
}

/**
 * The Lambda resource types of a stack, applied to a FunctionRegistry:
 * aws_lambda_function (code from the stack's zip asset) and
 * aws_lambda_permission, with the attributes the AWS provider computes
 * (arn, invoke_arn, qualified_arn, version, code_sha256...).
 */
export function lambdaResourceProviders(registry: FunctionRegistry, hooks: LambdaProviderHooks = {}): ResourceProviders {
  return {
    aws_lambda_function: functionProvider(registry, hooks),
    aws_lambda_permission: permissionProvider(registry),
  };
}

/** Arguments that change the code rather than the configuration. */
const CODE_ARGS = ["filename", "source_code_hash"];

function functionProvider(registry: FunctionRegistry, hooks: LambdaProviderHooks): ResourceProvider {
  const attributes = (c: FunctionConfiguration): ValueObject => ({
    id: c.FunctionName,
    function_name: c.FunctionName,
    arn: c.FunctionArn,
    invoke_arn: `arn:aws:apigateway:${registry.region}:lambda:path/2015-03-31/functions/${c.FunctionArn}/invocations`,
    qualified_arn: `${c.FunctionArn}:$LATEST`,
    qualified_invoke_arn: `arn:aws:apigateway:${registry.region}:lambda:path/2015-03-31/functions/${c.FunctionArn}:$LATEST/invocations`,
    version: "$LATEST",
    last_modified: c.LastModified,
    code_sha256: c.CodeSha256,
    source_code_size: c.CodeSize,
    timeout: c.Timeout,
    memory_size: c.MemorySize,
    handler: c.Handler,
    runtime: c.Runtime,
    role: c.Role,
    package_type: "Zip",
    architectures: c.Architectures,
    signing_job_arn: "",
    signing_profile_version_arn: "",
    reserved_concurrent_executions: registry.functionConcurrency(c.FunctionName) ?? -1,
  });

  return {
    create(args, ctx) {
      unsupportedCodeSources(args, ctx);
      const name = required(args.function_name, "function_name", ctx);
      const zip = ctx.readAsset(required(args.filename, "filename", ctx));
      const config = registry.create({
        FunctionName: name,
        Role: required(args.role, "role", ctx),
        Handler: required(args.handler, "handler", ctx),
        Runtime: required(args.runtime, "runtime", ctx),
        Code: { ZipFile: zip },
        Tags: stringMap(args.tags),
        ...settingsOf(args),
      });
      registry.putFunctionConcurrency(name, reservedOf(args));
      hooks.onFunction?.(config);
      return attributes(config);
    },
    update(args, prior, ctx, changed) {
      unsupportedCodeSources(args, ctx);
      const name = String(prior.attributes.function_name ?? prior.args.function_name);
      let config = registry.get(name);
      if (changed.some((c) => CODE_ARGS.includes(c))) {
        config = registry.updateCode(name, ctx.readAsset(required(args.filename, "filename", ctx)));
      }
      if (changed.includes("reserved_concurrent_executions")) registry.putFunctionConcurrency(name, reservedOf(args));
      if (changed.some((c) => !CODE_ARGS.includes(c) && c !== "tags" && c !== "reserved_concurrent_executions")) {
        config = registry.updateConfiguration(name, {
          Role: required(args.role, "role", ctx),
          Handler: required(args.handler, "handler", ctx),
          Runtime: required(args.runtime, "runtime", ctx),
          ...settingsOf(args, true),
        });
      }
      hooks.onFunction?.(config);
      return attributes(config);
    },
    async delete(prior) {
      const name = String(prior.attributes.function_name ?? prior.args.function_name);
      if (registry.has(name)) await registry.delete(name);
      hooks.onFunctionDeleted?.(name);
    },
    replaceOn: ["function_name", "package_type"],
  };
}

function permissionProvider(registry: FunctionRegistry): ResourceProvider {
  return {
    create(args, ctx) {
      const functionName = required(args.function_name, "function_name", ctx);
      const statementId = text(args.statement_id) ?? `${text(args.statement_id_prefix) ?? "terraform-"}${Date.now().toString(36)}`;
      const input: AddPermissionInput = {
        StatementId: statementId,
        Action: required(args.action, "action", ctx),
        Principal: required(args.principal, "principal", ctx),
        SourceArn: text(args.source_arn),
        SourceAccount: text(args.source_account),
        PrincipalOrgID: text(args.principal_org_id),
        EventSourceToken: text(args.event_source_token),
        FunctionUrlAuthType: text(args.function_url_auth_type),
      };
      const qualifier = text(args.qualifier);
      registry.addPermission(qualifier ? `${functionName}:${qualifier}` : functionName, input);
      return { id: statementId, statement_id: statementId };
    },
    delete(prior) {
      const functionName = String(prior.args.function_name);
      const statementId = String(prior.attributes.statement_id ?? prior.attributes.id);
      // The function may already be gone (deleted first in the same apply), and its policy with it.
      if (registry.has(functionName) && registry.policy(functionName)?.Statement.some((s) => s.Sid === statementId)) {
        registry.removePermission(functionName, statementId);
      }
    },
    // Every argument of aws_lambda_permission forces a new statement in the AWS provider.
    replaceOn: () => true,
  };
}

/** -1 (the provider's default) means no reservation. */
function reservedOf(args: ValueObject): number | undefined {
  const n = args.reserved_concurrent_executions;
  return typeof n === "number" && n >= 0 ? n : undefined;
}

function unsupportedCodeSources(args: ValueObject, ctx: ResourceContext): void {
  for (const arg of ["s3_bucket", "s3_key", "image_uri"]) {
    if (text(args[arg])) {
      throw new Error(`${ctx.address}: "${arg}" is not supported by the embedded cloud; give the function's code as a zip with "filename" (a TerraformAsset).`);
    }
  }
}

/** The provider's arguments as the registry's settings; on update, a removed block resets to AWS's default. */
function settingsOf(args: ValueObject, resetMissing = false): FunctionSettings {
  const environment = block(args.environment);
  const deadLetter = block(args.dead_letter_config);
  const tracing = block(args.tracing_config);
  const logging = block(args.logging_config);
  const storage = block(args.ephemeral_storage);
  const settings: FunctionSettings = {
    Description: text(args.description) ?? (resetMissing ? "" : undefined),
    Timeout: typeof args.timeout === "number" ? args.timeout : resetMissing ? 3 : undefined,
    MemorySize: typeof args.memory_size === "number" ? args.memory_size : resetMissing ? 128 : undefined,
    Environment: environment ? { Variables: stringMap(environment.variables) } : resetMissing ? { Variables: undefined } : undefined,
    DeadLetterConfig: deadLetter ? { TargetArn: text(deadLetter.target_arn) } : resetMissing ? { TargetArn: undefined } : undefined,
  };
  if (tracing && (tracing.mode === "Active" || tracing.mode === "PassThrough")) settings.TracingConfig = { Mode: tracing.mode };
  if (logging) settings.LoggingConfig = { LogFormat: logging.log_format === "JSON" ? "JSON" : "Text", LogGroup: text(logging.log_group) };
  if (storage && typeof storage.size === "number") settings.EphemeralStorage = { Size: storage.size };
  const architectures = Array.isArray(args.architectures) ? args.architectures.filter((a): a is string => typeof a === "string") : [];
  if (architectures.length > 0) settings.Architectures = architectures;
  return settings;
}

function required(v: Value | undefined, arg: string, ctx: ResourceContext): string {
  const s = text(v);
  if (!s) throw new Error(`${ctx.address}: the argument "${arg}" is required`);
  return s;
}

function text(v: Value | undefined): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** A nested block, which Terraform JSON may give as an object or a one-element list. */
function block(v: Value | undefined): ValueObject | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  return first !== null && typeof first === "object" && !Array.isArray(first) ? (first as ValueObject) : undefined;
}

function stringMap(v: Value | undefined): Record<string, string> | undefined {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) if (value !== null && value !== undefined) out[k] = String(value);
  return out;
}
