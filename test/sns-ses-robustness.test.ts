import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import { localClientConfig } from "./support/cloud-client-config.js";
import { prng } from "./support/prng.js";

const REQUESTS = 1000;
const SEED = 4242;

const rand = prng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const SNS_ACTIONS = [
  "CreateTopic", "DeleteTopic", "ListTopics", "GetTopicAttributes", "SetTopicAttributes", "Subscribe", "Unsubscribe", "ListSubscriptions",
  "ListSubscriptionsByTopic", "GetSubscriptionAttributes", "SetSubscriptionAttributes", "Publish", "PublishBatch", "TagResource", "ListTagsForResource",
];
const SES_ACTIONS = [
  "VerifyEmailIdentity", "VerifyDomainIdentity", "ListIdentities", "GetIdentityVerificationAttributes", "DeleteIdentity", "SendEmail", "SendRawEmail",
  "GetSendQuota", "CreateConfigurationSet", "DeleteConfigurationSet", "ListConfigurationSets",
];
/** Values that are almost right: the shapes users get wrong. */
const VALUES = [
  "", "x", "movie-updates-topic", "arn:aws:sns:us-east-1:000000000000:fuzz", "arn:aws:sns:us-east-1:000000000000:fuzz:1234", "arn:aws:sqs:us-east-1:000000000000:fuzz-q",
  "arn:", "sqs", "lambda", "true", "maybe", "json", '{"default":"d"}', '{"a":["b"]}', '{"a":[{"numeric":[">",1,"<",0]}]}', '{"$or":[{"a":["b"]},{"c":[{"exists":true}]}]}',
  '{"a":{"b":["c"]}}', "MessageBody", "RawMessageDelivery", "FilterPolicy", "FilterPolicyScope", "RedrivePolicy", '{"deadLetterTargetArn":"nope"}',
  "String", "Number", "Binary", "String.Array", "[1,[2]]", "NaN", "1e400", "-0", "a@b.co", "not-an-address", '"N" <n@movies.example>', "movies.example",
  "RnJvbTogYUBiLmNvDQpUbzogY0BkLmNvDQoNCmhp", "!!!", "0", "-1", "999999999999", "\u0000", "é".repeat(300),
];
const KEYS = [
  "Name", "TopicArn", "TargetArn", "SubscriptionArn", "Protocol", "Endpoint", "AttributeName", "AttributeValue", "Message", "Subject", "MessageStructure",
  "Attributes.entry.1.key", "Attributes.entry.1.value", "MessageAttributes.entry.1.Name", "MessageAttributes.entry.1.Value.DataType",
  "MessageAttributes.entry.1.Value.StringValue", "MessageAttributes.entry.1.Value.BinaryValue", "PublishBatchRequestEntries.member.1.Id",
  "PublishBatchRequestEntries.member.1.Message", "PublishBatchRequestEntries.member.2.Id", "PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name",
  "NextToken", "ResourceArn", "Tags.member.1.Key", "Tags.member.1.Value", "EmailAddress", "Domain", "Identity", "Identities.member.1", "IdentityType",
  "MaxItems", "Source", "Destination.ToAddresses.member.1", "Destination.BccAddresses.member.1", "Message.Subject.Data", "Message.Body.Text.Data",
  "RawMessage.Data", "Destinations.member.1", "ConfigurationSet.Name", "ConfigurationSetName", "ReplyToAddresses.member.1",
];

function request(cloud: Cloud, service: "sns" | "ses"): Promise<Response> {
  const params = new URLSearchParams({ Action: pick(service === "sns" ? SNS_ACTIONS : SES_ACTIONS), Version: service === "sns" ? "2010-03-31" : "2010-12-01" });
  for (let i = 0, n = Math.floor(rand() * 8); i < n; i++) params.set(pick(KEYS), pick(VALUES));
  return fetch(cloud.url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`,
    },
    body: params.toString(),
  });
}

const V2_KEYS = ["FromEmailAddress", "Destination", "ToAddresses", "Content", "Simple", "Raw", "Data", "Subject", "Body", "Text", "Html", "Template", "ConfigurationSetName", "EmailTags"];

/** JSON shaped like a SendEmail body, with the wrong types in the wrong places. */
function randomJson(depth: number): unknown {
  const r = rand();
  if (depth === 0 || r < 0.3) return pick<unknown>([null, 42, true, "", "a@b.co", pick(VALUES), [], ["x@y.co"], [1, null]]);
  const obj: Record<string, unknown> = {};
  for (let i = 0, n = 1 + Math.floor(rand() * 4); i < n; i++) obj[pick(V2_KEYS)] = randomJson(depth - 1);
  return obj;
}

function sendV2(cloud: Cloud, body: unknown): Promise<Response> {
  return fetch(`${cloud.url}/v2/email/outbound-emails`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/us-east-1/ses/aws4_request, SignedHeaders=host, Signature=00",
    },
    body: rand() < 0.1 ? "{not json" : JSON.stringify(body),
  });
}

describe("SNS and SES under malformed input", () => {
  let cloud: Cloud;
  const errors: unknown[] = [];
  beforeAll(async () => {
    // these queues have no access policy, which IAM enforcement would refuse; policy checks are tested in emulator/admin
    cloud = await startCloud({ port: 0, iam: false, onError: (e) => errors.push(e) });
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it(`answers ${REQUESTS} almost-right awsQuery and 200 SES v2 requests with 2xx or 4xx and keeps working (seed ${SEED})`, async () => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i += 8) {
      const batch = await Promise.all(Array.from({ length: 8 }, () => request(cloud, rand() < 0.6 ? "sns" : "ses")));
      for (const res of batch) {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const text = await res.text();
        if (res.status >= 400) expect(text).toMatch(/<Code>[A-Za-z.]+<\/Code><Message>[^<]+<\/Message>/);
      }
    }
    for (let i = 0; i < 200; i++) {
      const res = await sendV2(cloud, randomJson(3));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 400) expect(res.headers.get("x-amzn-errortype")).toMatch(/^[A-Za-z]+$/);
      await res.text();
    }
    expect([...statuses.keys()].every((s) => s < 500), JSON.stringify([...statuses])).toBe(true);
    expect(errors).toEqual([]);

    const config = localClientConfig(cloud.url);
    const sns = new SNSClient(config);
    const sqs = new SQSClient(config);
    try {
      const TopicArn = (await sns.send(new CreateTopicCommand({ Name: "after-fuzz" }))).TopicArn!;
      const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "after-fuzz" }))).QueueUrl!;
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:after-fuzz", Attributes: { RawMessageDelivery: "true" } }));
      await sns.send(new PublishCommand({ TopicArn, Message: "still here" }));
      expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages?.map((m) => m.Body)).toEqual(["still here"]);
    } finally {
      sns.destroy();
      sqs.destroy();
    }
  }, 180_000);
});
