import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { SESClient } from "@aws-sdk/client-ses";
import { SNSClient } from "@aws-sdk/client-sns";

/*
 * Clients are created once per execution environment and reused by every
 * invocation (connection reuse, credentials cached). Region and endpoint come
 * from the standard SDK environment (AWS_REGION, AWS_ENDPOINT_URL), so the same
 * bundle runs on AWS, LocalStack, moto and the embedded cloud.
 */
let dynamo: DynamoDBClient | undefined;
let documents: DynamoDBDocumentClient | undefined;
let sns: SNSClient | undefined;
let ses: SESClient | undefined;

export function dynamoClient(): DynamoDBClient {
  return (dynamo ??= new DynamoDBClient({}));
}

export function documentClient(): DynamoDBDocumentClient {
  return (documents ??= DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true },
  }));
}

export function snsClient(): SNSClient {
  return (sns ??= new SNSClient({}));
}

export function sesClient(): SESClient {
  return (ses ??= new SESClient({}));
}
