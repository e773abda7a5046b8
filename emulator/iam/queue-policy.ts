import type { SqsDelivery } from "../core/service.js";
import { notice } from "../core/notice.js";
import type { DeliveryGuard } from "../sns/delivery.js";
import { describeStatement } from "./evaluate.js";
import type { PrincipalRegistry } from "./principals.js";
import { PolicyError } from "./policy.js";
import { serviceAllowedByResourcePolicy } from "./service-access.js";

export interface QueueDeliveryCheck {
  allowed: boolean;
  /** one sentence for the cloud's log, saying why and, when refused, what the policy needs */
  reason: string;
}

const SNS = "sns.amazonaws.com";

/**
 * May SNS deliver a message from this topic into this queue? On AWS the
 * queue's access policy must allow `sqs:SendMessage` to the SNS service
 * principal (or `*`), usually limited to the topic with `aws:SourceArn`;
 * without such a policy, deliveries are dropped even within one account.
 */
export function queueAcceptsFromTopic(queuePolicy: string | object | undefined, queueArn: string, topicArn: string): QueueDeliveryCheck {
  const refused = `SNS did not deliver from ${topicArn} to ${queueArn}`;
  const need = `a statement allowing sqs:SendMessage on ${queueArn} to the service principal ${SNS} with the condition ArnEquals aws:SourceArn = ${topicArn}`;
  if (queuePolicy === undefined || queuePolicy === "") {
    return { allowed: false, reason: `${refused}: the queue has no access policy; give it ${need}` };
  }
  let decision;
  try {
    decision = serviceAllowedByResourcePolicy({ policy: queuePolicy, service: SNS, action: "sqs:SendMessage", resource: queueArn, sourceArn: topicArn, policyName: `the access policy of ${queueArn}` });
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    return { allowed: false, reason: `${refused}: the queue's access policy is malformed (${e.message})` };
  }
  if (decision.allowed) return { allowed: true, reason: `SNS delivery from ${topicArn} to ${queueArn} ${decision.reason}` };
  if (decision.decision === "ExplicitDeny") {
    return { allowed: false, reason: `${refused}: ${describeStatement(decision.matched!)} denies it` };
  }
  return { allowed: false, reason: `${refused}: the queue's access policy has no statement that allows it; add ${need}` };
}

/** SNS delivers into a queue only when the queue's policy admits the topic; a refusal goes to the cloud's log. */
export function queuePolicyGuard(sqs: SqsDelivery, iam: PrincipalRegistry, onError: (err: unknown) => void): DeliveryGuard {
  return (delivery) => {
    if (!iam.enforce || delivery.subscription.protocol !== "sqs") return true;
    const check = queueAcceptsFromTopic(sqs.policyOf(delivery.subscription.endpoint), delivery.subscription.endpoint, delivery.subscription.topicArn);
    if (!check.allowed) onError(notice(check.reason));
    return check.allowed;
  };
}
