import { join } from "node:path";
import { AwsProvider, LocalBackend, S3Backend, type Construct } from "./cdktf.js";
import type { StackConfig } from "./config.js";

/** Every service the stack calls, so an emulator endpoint never leaks a request to real AWS. */
const EMULATED_SERVICES = [
  "apigateway",
  "cloudwatchlogs",
  "dynamodb",
  "iam",
  "lambda",
  "s3",
  "ses",
  "sesv2",
  "sns",
  "sqs",
  "sts",
] as const;

/** The only part of the stack that differs between targets: the AWS provider and where state lives. */
export function configureProviderAndBackend(scope: Construct, config: StackConfig): AwsProvider {
  const tags = { defaultTags: [{ tags: { project: "movies", target: config.target } }] };
  const provider =
    config.target === "aws"
      ? new AwsProvider(scope, "aws", { ...(config.region ? { region: config.region } : {}), ...tags })
      : new AwsProvider(scope, "aws", {
          region: config.region,
          accessKey: "test",
          secretKey: "test",
          skipCredentialsValidation: true,
          skipRequestingAccountId: true,
          skipMetadataApiCheck: "true",
          s3UsePathStyle: true,
          endpoints: [Object.fromEntries(EMULATED_SERVICES.map((s) => [s, config.endpointUrl]))],
          ...tags,
        });

  if (config.target === "aws" && config.stateBackend) {
    const { bucket, key, region, dynamodbTable } = config.stateBackend;
    const backend = new S3Backend(scope, { bucket, key, region, encrypt: true, ...(dynamodbTable ? { dynamodbTable } : {}) });
    // cdktf 0.21 predates `use_lockfile` (Terraform >= 1.10): S3-native locking without a DynamoDB table.
    if (!dynamodbTable) backend.addOverride("use_lockfile", true);
  } else {
    new LocalBackend(scope, { path: join(config.stateDir, `${config.target}.tfstate`) });
  }
  return provider;
}
