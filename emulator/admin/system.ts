import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createApiGatewayDataPlane } from "../apigateway/data-plane.js";
import { ApiGatewayModel, type ApiGatewayState } from "../apigateway/model.js";
import { RequestLog } from "../apigateway/request-log.js";
import type { Service, SqsDelivery } from "../core/service.js";
import { SqsEventSourceMappings } from "../event-sources/sqs-mappings.js";
import { queueAcceptsFromTopic } from "../iam/queue-policy.js";
import type { PrincipalRegistry, RegistrySnapshot } from "../iam/principals.js";
import { createLambdaService } from "../lambda/api.js";
import type { FunctionRegistry } from "../lambda/functions.js";
import { cloudResourceProviders } from "../providers/index.js";
import type { SesModel } from "../ses/model.js";
import type { DeliveryGuard } from "../sns/delivery.js";
import type { SnsModel } from "../sns/model.js";
import type { SqsModel } from "../sqs/model.js";
import { createAdminService } from "./service.js";
import { StackStore } from "./stack-store.js";

export interface SystemOptions {
  accountId: string;
  region: string;
  cloudUrl: () => string;
  lambda: FunctionRegistry;
  iam: PrincipalRegistry;
  sqs: SqsModel;
  sns: SnsModel;
  ses: SesModel;
  onError: (err: unknown) => void;
}

export interface System {
  /** Lambda API, API Gateway data plane, admin API: mount after the AWS services */
  services: Service[];
  apigateway: ApiGatewayModel;
  requestLog: RequestLog;
  mappings: SqsEventSourceMappings;
  stacks: StackStore;
  close(): Promise<void>;
}

/** SNS delivers into a queue only when the queue's policy admits the topic; a refusal goes to the cloud's log. */
export function queuePolicyGuard(sqs: SqsDelivery, iam: PrincipalRegistry, onError: (err: unknown) => void): DeliveryGuard {
  return (delivery) => {
    if (!iam.enforce || delivery.subscription.protocol !== "sqs") return true;
    const check = queueAcceptsFromTopic(sqs.policyOf(delivery.subscription.endpoint), delivery.subscription.endpoint, delivery.subscription.topicArn);
    if (!check.allowed) onError(new Error(check.reason));
    return check.allowed;
  };
}

/** The compute half of the cloud: functions, their triggers, the REST API in front, and stacks that declare them. */
export function createSystem(opts: SystemOptions): System {
  const apigateway = new ApiGatewayModel();
  const requestLog = new RequestLog();
  const mappings = new SqsEventSourceMappings({
    sqs: opts.sqs,
    lambda: () => opts.lambda,
    region: opts.region,
    onError: (message) => opts.onError(new Error(message)),
  });
  let dynamodb: DynamoDBClient | undefined;
  const providers = cloudResourceProviders({
    accountId: opts.accountId,
    cloudUrl: opts.cloudUrl,
    sqs: opts.sqs,
    sns: opts.sns,
    ses: opts.ses,
    apigateway,
    lambda: opts.lambda,
    mappings,
    iam: opts.iam,
    dynamodb: () =>
      (dynamodb ??= new DynamoDBClient({ endpoint: opts.cloudUrl(), region: opts.region, credentials: { accessKeyId: "stack-engine", secretAccessKey: "stack-engine" } })),
    logGroups: new Map(),
  });
  const stacks = new StackStore({ providers: () => providers, accountId: opts.accountId, region: opts.region });

  const lambdaService = createLambdaService({
    registry: opts.lambda,
    eventSourceMappings: {
      list: (filter) => mappings.list(filter).map((m) => mappings.describe(m)),
      get: (uuid) => {
        const m = mappings.get(uuid);
        return m ? mappings.describe(m) : undefined;
      },
    },
  });
  const dataPlane = createApiGatewayDataPlane({
    model: apigateway,
    lambda: () => opts.lambda,
    log: requestLog,
    accountId: opts.accountId,
    onExecutionError: (message) => opts.onError(new Error(`API Gateway: ${message}`)),
  });
  const apiGatewayService: Service = {
    ...dataPlane,
    claims: dataPlane.claims,
    handle: dataPlane.handle,
    snapshot: () => apigateway.state,
    restore: (state) => {
      if (state && typeof state === "object") apigateway.state = state as ApiGatewayState;
    },
  };
  const adminApi = createAdminService({ stacks, logs: opts.lambda.logs, functionNames: () => opts.lambda.list().map((f) => f.FunctionName), apiRequests: requestLog });
  // The roles of applied stacks persist beside them: restored functions keep their identity and policies.
  const admin: Service = {
    ...adminApi,
    snapshot: () => ({ stacks: stacks.snapshot(), iam: opts.iam.snapshot() }),
    restore: (state) => {
      const s = (state ?? {}) as { stacks?: unknown; iam?: RegistrySnapshot };
      stacks.restore(s.stacks);
      if (s.iam) opts.iam.restore(s.iam);
    },
  };
  return {
    services: [lambdaService, apiGatewayService, admin],
    apigateway,
    requestLog,
    mappings,
    stacks,
    async close() {
      mappings.close();
      dynamodb?.destroy();
    },
  };
}
