import { iamResourceProviders } from "../iam/stack-providers.js";
import type { ResourceProviders } from "../stack/engine.js";
import { apiGatewayProviders } from "./apigateway.js";
import type { ProviderDeps } from "./deps.js";
import { dynamoDbProviders } from "./dynamodb-table.js";
import { lambdaProviders } from "./lambda.js";
import { sesProviders } from "./ses.js";
import { snsProviders } from "./sns.js";
import { sqsProviders } from "./sqs.js";

export type { ProviderDeps } from "./deps.js";

/** Every Terraform resource type the embedded cloud emulates, applied to its service models. */
export function cloudResourceProviders(deps: ProviderDeps): ResourceProviders {
  return {
    ...dynamoDbProviders(deps),
    ...sqsProviders(deps),
    ...snsProviders(deps),
    ...sesProviders(deps),
    ...iamResourceProviders(deps.iam),
    ...lambdaProviders(deps),
    ...apiGatewayProviders(deps),
  };
}
