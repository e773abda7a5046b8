import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SESClient } from "@aws-sdk/client-ses";
import { SNSClient } from "@aws-sdk/client-sns";

/*
 * Clients are created once per execution environment and reused by every
 * invocation (connection reuse, credentials cached). Region and endpoint come
 * from the standard SDK environment (AWS_REGION, AWS_ENDPOINT_URL), so the same
 * bundle runs on AWS, LocalStack, moto and the embedded cloud.
 *
 * `cacheMiddleware: true` (an AWS SDK v3 client option) resolves each
 * command's middleware stack once per client instead of cloning and sorting
 * it on every call: these clients' stacks never change after construction.
 * (lib-dynamodb's document client refuses that option, which is why the
 * movie repository marshals items itself.)
 */
let dynamo: DynamoDBClient | undefined;
let sns: SNSClient | undefined;
let ses: SESClient | undefined;

export function dynamoClient(): DynamoDBClient {
  return (dynamo ??= new DynamoDBClient({ cacheMiddleware: true }));
}

export function snsClient(): SNSClient {
  return (sns ??= new SNSClient({ cacheMiddleware: true }));
}

export function sesClient(): SESClient {
  return (ses ??= new SESClient({ cacheMiddleware: true }));
}
