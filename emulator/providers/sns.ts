import type { ResourceProvider, ResourceProviders } from "../stack/engine.js";
import type { ValueObject } from "../stack/value.js";
import { generatedName, need, str } from "./args.js";
import type { ProviderDeps } from "./deps.js";

const TOPIC_ATTRIBUTES: Record<string, string> = {
  display_name: "DisplayName",
  policy: "Policy",
  delivery_policy: "DeliveryPolicy",
  kms_master_key_id: "KmsMasterKeyId",
};

const SUBSCRIPTION_ATTRIBUTES: Record<string, string> = {
  raw_message_delivery: "RawMessageDelivery",
  filter_policy: "FilterPolicy",
  filter_policy_scope: "FilterPolicyScope",
  redrive_policy: "RedrivePolicy",
  delivery_policy: "DeliveryPolicy",
};

function attributes(args: ValueObject, names: Record<string, string>, only?: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [arg, attr] of Object.entries(names)) {
    if (only && !only.includes(arg)) continue;
    const v = str(args[arg]);
    // false is SNS's default for raw delivery; an absent one is not sent, as the provider does
    if (v !== undefined && v !== "" && !(arg === "raw_message_delivery" && v === "false" && !only)) out[attr] = v;
    else if (only) out[attr] = arg === "raw_message_delivery" ? "false" : "";
  }
  return out;
}

function topicProvider(deps: ProviderDeps): ResourceProvider {
  return {
    create(args, ctx) {
      const name = str(args.name) ?? generatedName(args);
      if (name.endsWith(".fifo")) throw new Error(`${ctx.address}: FIFO topics are not emulated; use a standard topic`);
      const tags = Object.fromEntries(Object.entries((args.tags as Record<string, string> | null) ?? {}).map(([k, v]) => [k, String(v)]));
      const topic = deps.sns.createTopic(ctx.region, deps.accountId, name, attributes(args, TOPIC_ATTRIBUTES), tags);
      return { id: topic.arn, arn: topic.arn, name, owner: deps.accountId };
    },
    update(args, prior, _ctx, changed) {
      const arn = String(prior.attributes.arn);
      for (const [k, v] of Object.entries(attributes(args, TOPIC_ATTRIBUTES, changed))) deps.sns.setTopicAttribute(arn, k, v);
      return {};
    },
    delete(prior) {
      deps.sns.deleteTopic(String(prior.attributes.arn));
    },
    replaceOn: ["name", "name_prefix", "fifo_topic"],
  };
}

function subscriptionProvider(deps: ProviderDeps): ResourceProvider {
  return {
    create(args, ctx) {
      const topicArn = need(args, "topic_arn", ctx);
      const sub = deps.sns.subscribe(topicArn, need(args, "protocol", ctx), need(args, "endpoint", ctx), attributes(args, SUBSCRIPTION_ATTRIBUTES));
      return { id: sub.arn, arn: sub.arn, owner_id: deps.accountId, pending_confirmation: false, confirmation_was_authenticated: true };
    },
    update(args, prior, _ctx, changed) {
      const arn = String(prior.attributes.arn);
      // the scope decides how a filter policy is read, so it goes first
      const entries = Object.entries(attributes(args, SUBSCRIPTION_ATTRIBUTES, changed)).sort(([a], [b]) => Number(b === "FilterPolicyScope") - Number(a === "FilterPolicyScope"));
      for (const [k, v] of entries) deps.sns.setSubscriptionAttribute(arn, k, v);
      return {};
    },
    delete(prior) {
      deps.sns.unsubscribe(String(prior.attributes.arn));
    },
    replaceOn: ["topic_arn", "protocol", "endpoint"],
  };
}

export function snsProviders(deps: ProviderDeps): ResourceProviders {
  return { aws_sns_topic: topicProvider(deps), aws_sns_topic_subscription: subscriptionProvider(deps) };
}
