/**
 * Every import from cdktf, constructs and the AWS provider bindings goes
 * through this file. cdktf was deprecated upstream; CDK Terrain (`cdktn`,
 * `@cdktn/provider-aws`) is its API-compatible fork, so moving there is a
 * rename of the package names below and nothing else.
 *
 * Each resource comes from its own module: the package root of the provider
 * loads ~2,000 modules and makes synth 4-5x slower.
 */
export { Construct } from "constructs";
export {
  App,
  AssetType,
  Fn,
  LocalBackend,
  S3Backend,
  TerraformAsset,
  TerraformOutput,
  TerraformStack,
  Testing,
} from "cdktf";

export { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
export { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity/index.js";
export { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition/index.js";
export { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region/index.js";
export {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js";
export { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
export { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
export { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table/index.js";
export { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
export { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription/index.js";
export { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue/index.js";
export { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy/index.js";
export { SqsQueueRedrivePolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-policy/index.js";
export { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
export { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function/index.js";
export { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission/index.js";
export { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping/index.js";
export { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api/index.js";
export { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource/index.js";
export { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method/index.js";
export { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration/index.js";
export { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment/index.js";
export { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage/index.js";
export { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings/index.js";
export { ApiGatewayApiKey } from "@cdktf/provider-aws/lib/api-gateway-api-key/index.js";
export { ApiGatewayUsagePlan } from "@cdktf/provider-aws/lib/api-gateway-usage-plan/index.js";
export { ApiGatewayUsagePlanKey } from "@cdktf/provider-aws/lib/api-gateway-usage-plan-key/index.js";
export { SesEmailIdentity } from "@cdktf/provider-aws/lib/ses-email-identity/index.js";
export { SesConfigurationSet } from "@cdktf/provider-aws/lib/ses-configuration-set/index.js";
