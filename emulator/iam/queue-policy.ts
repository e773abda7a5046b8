import { describeStatement, evaluate } from "./evaluate.js";
import { parsePolicy, PolicyError } from "./policy.js";
import { splitArn } from "./wildcard.js";

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
  const need = `a statement allowing sqs:SendMessage on ${queueArn} to the service principal ${SNS} with the condition ArnEquals aws:SourceArn = ${topicArn}`;
  if (queuePolicy === undefined || queuePolicy === "") {
    return { allowed: false, reason: `SNS did not deliver from ${topicArn} to ${queueArn}: the queue has no access policy; give it ${need}` };
  }
  let document;
  try {
    document = parsePolicy(typeof queuePolicy === "string" ? queuePolicy : JSON.stringify(queuePolicy), "resource");
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    return { allowed: false, reason: `SNS did not deliver from ${topicArn} to ${queueArn}: the queue's access policy is malformed (${e.message})` };
  }
  const decision = evaluate(
    {
      action: "sqs:SendMessage",
      resource: queueArn,
      principalService: SNS,
      context: { "aws:SourceArn": topicArn, "aws:SourceAccount": splitArn(topicArn)?.[4] ?? "" },
    },
    { identityPolicies: [], resourcePolicy: { name: `the access policy of ${queueArn}`, document } },
  );
  if (decision.allowed) return { allowed: true, reason: `SNS delivery from ${topicArn} to ${queueArn} ${decision.reason}` };
  if (decision.decision === "ExplicitDeny") {
    return { allowed: false, reason: `SNS did not deliver from ${topicArn} to ${queueArn}: ${describeStatement(decision.matched!)} denies it` };
  }
  return { allowed: false, reason: `SNS did not deliver from ${topicArn} to ${queueArn}: the queue's access policy has no statement that allows it; add ${need}` };
}
