import { AwsError } from "../core/aws-error.js";
import type { CallContext } from "../core/service.js";
import type { ConfigurationSet, SesModel } from "./model.js";
import { createConfigurationSet } from "./operations.js";

/** SES v1 configuration-set reads and settings, the ones Terraform's aws_ses_configuration_set calls. */

function existing(model: SesModel, ctx: CallContext, name: string | undefined): ConfigurationSet {
  const set = name ? model.configurationSet(ctx.region, name) : undefined;
  if (!set) throw new AwsError("ConfigurationSetDoesNotExist", `Configuration set <${name ?? ""}> does not exist.`);
  return set;
}

function tlsPolicy(value: string | undefined, invalid: string): "Require" | "Optional" {
  const v = (value ?? "Optional").toLowerCase();
  if (v === "require") return "Require";
  if (v === "optional") return "Optional";
  throw new AwsError(invalid, `TlsPolicy must be Require or Optional, got ${value}`);
}

export interface DescribeConfigurationSetOutput {
  ConfigurationSet: { Name: string };
  DeliveryOptions?: { TlsPolicy: string };
  ReputationOptions?: { SendingEnabled: boolean; ReputationMetricsEnabled: boolean };
}

/** Like AWS, the optional parts are returned only when asked for in ConfigurationSetAttributeNames. */
export function describeConfigurationSet(
  model: SesModel,
  ctx: CallContext,
  input: { ConfigurationSetName?: string; ConfigurationSetAttributeNames: string[] },
): DescribeConfigurationSetOutput {
  const set = existing(model, ctx, input.ConfigurationSetName);
  const asked = new Set(input.ConfigurationSetAttributeNames);
  const out: DescribeConfigurationSetOutput = { ConfigurationSet: { Name: set.name } };
  if (asked.has("deliveryOptions") && set.tlsPolicy) out.DeliveryOptions = { TlsPolicy: set.tlsPolicy };
  if (asked.has("reputationOptions")) {
    out.ReputationOptions = { SendingEnabled: set.sendingEnabled ?? true, ReputationMetricsEnabled: set.reputationMetricsEnabled ?? false };
  }
  return out;
}

export function updateConfigurationSetSendingEnabled(model: SesModel, ctx: CallContext, input: { ConfigurationSetName?: string; Enabled?: string }): void {
  existing(model, ctx, input.ConfigurationSetName).sendingEnabled = input.Enabled === "true";
}

export function updateConfigurationSetReputationMetricsEnabled(
  model: SesModel,
  ctx: CallContext,
  input: { ConfigurationSetName?: string; Enabled?: string },
): void {
  existing(model, ctx, input.ConfigurationSetName).reputationMetricsEnabled = input.Enabled === "true";
}

export function putConfigurationSetDeliveryOptions(model: SesModel, ctx: CallContext, input: { ConfigurationSetName?: string; TlsPolicy?: string }): void {
  const set = existing(model, ctx, input.ConfigurationSetName);
  set.tlsPolicy = input.TlsPolicy === undefined ? undefined : tlsPolicy(input.TlsPolicy, "InvalidDeliveryOptions");
}

// ---- SES v2 (REST-JSON) ----

const notFound = (what: string) => new AwsError("NotFoundException", what, 404);

export interface V2ConfigurationSetInput {
  ConfigurationSetName?: string;
  Tags?: { Key: string; Value: string }[];
  DeliveryOptions?: { TlsPolicy?: string };
  ReputationOptions?: { ReputationMetricsEnabled?: boolean };
  SendingOptions?: { SendingEnabled?: boolean };
}

export function createConfigurationSetV2(model: SesModel, ctx: CallContext, input: V2ConfigurationSetInput): Record<string, never> {
  const name = input.ConfigurationSetName;
  try {
    createConfigurationSet(model, ctx, { Name: name });
  } catch (err) {
    if (err instanceof AwsError && err.code === "ConfigurationSetAlreadyExists") throw new AwsError("AlreadyExistsException", err.message);
    if (err instanceof AwsError) throw new AwsError("BadRequestException", err.message);
    throw err;
  }
  const set = model.configurationSet(ctx.region, name!)!;
  if (input.DeliveryOptions?.TlsPolicy !== undefined) set.tlsPolicy = tlsPolicy(input.DeliveryOptions.TlsPolicy, "BadRequestException");
  if (input.ReputationOptions?.ReputationMetricsEnabled !== undefined) set.reputationMetricsEnabled = input.ReputationOptions.ReputationMetricsEnabled;
  if (input.SendingOptions?.SendingEnabled !== undefined) set.sendingEnabled = input.SendingOptions.SendingEnabled;
  set.tags = Object.fromEntries((input.Tags ?? []).map((t) => [t.Key, t.Value]));
  return {};
}

export function getConfigurationSetV2(model: SesModel, ctx: CallContext, name: string): Record<string, unknown> {
  const set = model.configurationSet(ctx.region, name);
  if (!set) throw notFound(`Configuration set <${name}> does not exist.`);
  return {
    ConfigurationSetName: set.name,
    // only when set, as AWS answers (Terraform sees a block that was never configured otherwise)
    ...(set.tlsPolicy ? { DeliveryOptions: { TlsPolicy: set.tlsPolicy.toUpperCase() } } : {}),
    ReputationOptions: { ReputationMetricsEnabled: set.reputationMetricsEnabled ?? false },
    SendingOptions: { SendingEnabled: set.sendingEnabled ?? true },
    Tags: Object.entries(set.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
  };
}

export function deleteConfigurationSetV2(model: SesModel, ctx: CallContext, name: string): Record<string, never> {
  if (!model.deleteConfigurationSet(ctx.region, name)) throw notFound(`Configuration set <${name}> does not exist.`);
  return {};
}

export function listConfigurationSetsV2(model: SesModel, ctx: CallContext): { ConfigurationSets: string[] } {
  return { ConfigurationSets: model.listConfigurationSets(ctx.region).map((c) => c.name) };
}
