import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { ApiGatewayModel } from "../apigateway/model.js";
import type { SqsEventSourceMappings } from "../event-sources/sqs-mappings.js";
import type { PrincipalRegistry } from "../iam/principals.js";
import type { FunctionRegistry } from "../lambda/functions.js";
import type { LogsModel } from "../logs/model.js";
import type { SesModel } from "../ses/model.js";
import type { SnsModel } from "../sns/model.js";
import type { SqsModel } from "../sqs/model.js";

/** What the providers change: the cloud's service models, reached in-process. */
export interface ProviderDeps {
  accountId: string;
  /** the cloud's own URL (known once it listens): queue URLs and stage invoke URLs are built from it */
  cloudUrl: () => string;
  sqs: SqsModel;
  sns: SnsModel;
  ses: SesModel;
  apigateway: ApiGatewayModel;
  lambda: FunctionRegistry;
  mappings: SqsEventSourceMappings;
  iam: PrincipalRegistry;
  /** a DynamoDB client on the cloud itself, so tables go through dynalite and TTL through its store */
  dynamodb: () => DynamoDBClient;
  /** CloudWatch Logs: log groups are applied through its operations, as Terraform applies them */
  logs: LogsModel;
}
