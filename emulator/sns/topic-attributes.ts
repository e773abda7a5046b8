import { invalidParameter } from "./errors.js";

/** Topic attributes: which can be set, how they are checked, and the defaults AWS reports. */

export const TOPIC_ATTRIBUTES = new Set([
  "DeliveryPolicy", "DisplayName", "Policy", "KmsMasterKeyId", "SignatureVersion", "TracingConfig", "ArchivePolicy",
  ...["Application", "Firehose", "HTTP", "Lambda", "SQS"].flatMap((p) => [
    `${p}SuccessFeedbackRoleArn`, `${p}SuccessFeedbackSampleRate`, `${p}FailureFeedbackRoleArn`,
  ]),
]);

export const DEFAULT_EFFECTIVE_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: "linear",
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: "text/plain; charset=UTF-8" },
  },
});

export function defaultTopicPolicy(arn: string, owner: string): string {
  return JSON.stringify({
    Version: "2008-10-17",
    Id: "__default_policy_ID",
    Statement: [{
      Sid: "__default_statement_ID",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: [
        "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
        "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish",
      ],
      Resource: arn,
      Condition: { StringEquals: { "AWS:SourceOwner": owner } },
    }],
  });
}

export function requireJson(name: string, value: string): void {
  try {
    JSON.parse(value);
  } catch {
    throw invalidParameter(`${name}: the value is not valid JSON`);
  }
}

export function checkTopicAttribute(name: string, value: string): void {
  if (name === "FifoTopic" || name === "ContentBasedDeduplication") {
    if (value.toLowerCase() === "false") return;
    throw invalidParameter(`Attributes Reason: FIFO topics are not supported by the embedded cloud (${name}=${value}); use a standard topic`);
  }
  if (!TOPIC_ATTRIBUTES.has(name)) {
    throw invalidParameter(`AttributeName: '${name}' is not a topic attribute (settable: ${[...TOPIC_ATTRIBUTES].slice(0, 7).join(", ")}, ...)`);
  }
  if ((name === "Policy" || name === "DeliveryPolicy") && value !== "") requireJson(name, value);
  if (name === "SignatureVersion" && value !== "1" && value !== "2") throw invalidParameter("SignatureVersion: must be 1 or 2");
}
