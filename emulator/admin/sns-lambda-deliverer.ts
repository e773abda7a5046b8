import type { PrincipalRegistry } from "../iam/principals.js";
import type { FunctionRegistry } from "../lambda/functions.js";
import type { Deliverer, Delivery } from "../sns/delivery.js";

/** SNS's event for a Lambda subscriber: one record per notification. */
export function snsLambdaEvent(delivery: Delivery): Record<string, unknown> {
  const envelope = JSON.parse(delivery.envelope()) as Record<string, unknown>;
  const n = delivery.notification;
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: delivery.subscription.arn,
        Sns: {
          Type: "Notification",
          MessageId: n.messageId,
          TopicArn: n.topicArn,
          Subject: n.subject ?? null,
          Message: n.message,
          Timestamp: n.timestamp,
          SignatureVersion: envelope.SignatureVersion,
          Signature: envelope.Signature,
          SigningCertUrl: envelope.SigningCertURL,
          UnsubscribeUrl: envelope.UnsubscribeURL,
          MessageAttributes: (envelope.MessageAttributes as Record<string, unknown> | undefined) ?? {},
        },
      },
    ],
  };
}

/**
 * Delivers to `lambda` subscriptions as SNS does: an asynchronous (Event)
 * invocation, allowed only when the function's resource policy lets
 * sns.amazonaws.com invoke it from this topic (while IAM is enforced).
 */
export function snsLambdaDeliverer(lambda: FunctionRegistry, iam: PrincipalRegistry): Deliverer {
  return async (delivery) => {
    const fn = delivery.subscription.endpoint;
    if (iam.enforce && !lambda.allowsInvoke(fn, { service: "sns.amazonaws.com", sourceArn: delivery.subscription.topicArn, sourceAccount: iam.accountId })) {
      throw new Error(`the resource policy of ${fn} does not let sns.amazonaws.com invoke it from ${delivery.subscription.topicArn}; add an aws_lambda_permission with principal sns.amazonaws.com and source_arn = the topic`);
    }
    const result = await lambda.invoke(fn, JSON.stringify(snsLambdaEvent(delivery)), { invocationType: "Event", trace: delivery.trace });
    if (result.statusCode >= 300) throw new Error(`Lambda answered ${result.statusCode} to the Event invocation of ${fn}`);
  };
}
