import { invalidParameter } from "./errors.js";
import { isSqsArn } from "./arn.js";
import { FILTER_POLICY_SCOPES, parseFilterPolicy, type FilterPolicy, type FilterPolicyScope } from "./filter-policy.js";
import { requireJson } from "./topic-attributes.js";

/** Subscription attributes: which can be set and how each is checked. */

export const SUBSCRIPTION_ATTRIBUTES = new Set([
  "DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy",
]);

/** What attribute changes touch: the stored strings and the compiled filter policy. */
export interface SubscriptionAttributeTarget {
  attributes: Record<string, string>;
  filter?: FilterPolicy;
}

/** Validates one attribute and applies it to `sub` (which may be a draft). */
export function applySubscriptionAttribute(sub: SubscriptionAttributeTarget, name: string, value: string): void {
  if (!SUBSCRIPTION_ATTRIBUTES.has(name)) {
    throw invalidParameter(`AttributeName: '${name}' is not a subscription attribute (settable: ${[...SUBSCRIPTION_ATTRIBUTES].join(", ")})`);
  }
  switch (name) {
    case "RawMessageDelivery": {
      const v = value.toLowerCase();
      if (v !== "true" && v !== "false") throw invalidParameter(`Attributes Reason: RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
      sub.attributes[name] = v;
      return;
    }
    case "FilterPolicyScope": {
      if (!FILTER_POLICY_SCOPES.includes(value as FilterPolicyScope)) {
        throw invalidParameter(`Attributes Reason: FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`);
      }
      const policy = sub.attributes.FilterPolicy;
      sub.filter = policy ? parseFilterPolicy(policy, value as FilterPolicyScope) : undefined;
      sub.attributes[name] = value;
      return;
    }
    case "FilterPolicy": {
      const scope = (sub.attributes.FilterPolicyScope ?? "MessageAttributes") as FilterPolicyScope;
      sub.filter = parseFilterPolicy(value, scope);
      if (sub.filter) sub.attributes[name] = value;
      else delete sub.attributes[name];
      return;
    }
    case "RedrivePolicy": {
      if (value === "") {
        delete sub.attributes[name];
        return;
      }
      let target: unknown;
      try {
        target = (JSON.parse(value) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
      } catch {
        throw invalidParameter("RedrivePolicy: the value is not valid JSON; use {\"deadLetterTargetArn\": \"arn:aws:sqs:...\"}");
      }
      if (typeof target !== "string" || !isSqsArn(target)) throw invalidParameter("RedrivePolicy: deadLetterTargetArn is an invalid arn; it must be an SQS queue ARN");
      sub.attributes[name] = value;
      return;
    }
    case "DeliveryPolicy":
    case "ReplayPolicy":
      if (value !== "") requireJson(name, value);
      sub.attributes[name] = value;
      return;
    default:
      sub.attributes[name] = value;
  }
}
