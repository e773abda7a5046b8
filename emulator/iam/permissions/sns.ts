import { AwsError } from "../../core/aws-error.js";
import { str } from "./call-input.js";
import { same, type RequiredPermission, type ServiceCall } from "./required-permission.js";

/** SNS: `sns:<Operation>` on the topic ARN; subscription operations on the subscription's topic. */
export function snsPermissions(call: ServiceCall): RequiredPermission[] {
  const { input, operation } = call;
  const topic = () => required(str(input, "TopicArn"), "TopicArn");
  switch (operation) {
    case "Publish": {
      const target = str(input, "TopicArn") ?? str(input, "TargetArn");
      // SMS to a phone number has no resource to scope.
      return same("sns", call, target ?? (str(input, "PhoneNumber") ? "*" : required(undefined, "TopicArn")));
    }
    case "PublishBatch":
      return [{ action: "sns:Publish", resource: topic() }];
    case "CreateTopic":
      return same("sns", call, `arn:aws:sns:${call.region}:${call.accountId}:${required(str(input, "Name"), "Name")}`);
    case "Subscribe": {
      const context: Record<string, string> = {};
      const protocol = str(input, "Protocol");
      const endpoint = str(input, "Endpoint");
      if (protocol) context["sns:Protocol"] = protocol;
      if (endpoint) context["sns:Endpoint"] = endpoint;
      return same("sns", call, topic(), context);
    }
    case "Unsubscribe":
    case "GetSubscriptionAttributes":
    case "SetSubscriptionAttributes":
      return same("sns", call, topicOfSubscription(required(str(input, "SubscriptionArn"), "SubscriptionArn")));
    case "TagResource":
    case "UntagResource":
    case "ListTagsForResource":
      return same("sns", call, required(str(input, "ResourceArn"), "ResourceArn"));
    case "ListTopics":
    case "ListSubscriptions":
      return same("sns", call, `arn:aws:sns:${call.region}:${call.accountId}:*`);
    default:
      return same("sns", call, str(input, "TopicArn") ?? "*");
  }
}

/** `arn:aws:sns:r:a:topic:uuid` -> `arn:aws:sns:r:a:topic` */
function topicOfSubscription(subscriptionArn: string): string {
  const at = subscriptionArn.lastIndexOf(":");
  return subscriptionArn.split(":").length === 7 ? subscriptionArn.slice(0, at) : subscriptionArn;
}

function required(v: string | undefined, name: string): string {
  if (v === undefined || v === "") throw new AwsError("InvalidParameter", `Invalid parameter: ${name}`);
  return v;
}
