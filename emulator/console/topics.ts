import type { SnsModel } from "../sns/model.js";

/** Topics with their subscriptions, filter policies and delivery settings, as GetSubscriptionAttributes shows them. */
export function listTopics(sns: SnsModel, region: string, accountId: string) {
  return sns.listTopics(region, accountId).map((t) => ({
    name: t.name,
    arn: t.arn,
    subscriptions: sns.listSubscriptions(region, accountId, t.arn).map((s) => {
      const a = sns.subscriptionAttributes(s.arn);
      return {
        arn: s.arn,
        protocol: s.protocol,
        endpoint: s.endpoint,
        filterPolicy: a.FilterPolicy ?? null,
        filterPolicyScope: a.FilterPolicyScope ?? (a.FilterPolicy ? "MessageAttributes" : null),
        rawMessageDelivery: a.RawMessageDelivery === "true",
        redrivePolicy: a.RedrivePolicy ?? null,
      };
    }),
  }));
}
