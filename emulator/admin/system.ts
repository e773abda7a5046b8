import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createApiGatewayDataPlane } from "../apigateway/data-plane.js";
import { ApiGatewayModel, type ApiGatewayState } from "../apigateway/model.js";
import { RequestLog } from "../apigateway/request-log.js";
import type { Service, SqsDelivery } from "../core/service.js";
import { SqsEventSourceMappings } from "../event-sources/sqs-mappings.js";
import { queueAcceptsFromTopic } from "../iam/queue-policy.js";
import type { PrincipalRegistry, RegistrySnapshot } from "../iam/principals.js";
import { createLambdaService } from "../lambda/api.js";
import type { FunctionRegistry } from "../lambda/functions.js";
import type { ResourceProviders } from "../stack/engine.js";
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

/** An operational notice for the cloud's log (a refused delivery, a failed poll): the message says it all, a stack trace would only bury it. */
export function notice(message: string): Error {
  const e = new Error(message);
  e.stack = message;
  return e;
}

/** SNS delivers into a queue only when the queue's policy admits the topic; a refusal goes to the cloud's log. */
export function queuePolicyGuard(sqs: SqsDelivery, iam: PrincipalRegistry, onError: (err: unknown) => void): DeliveryGuard {
  return (delivery) => {
    if (!iam.enforce || delivery.subscription.protocol !== "sqs") return true;
    const check = queueAcceptsFromTopic(sqs.policyOf(delivery.subscription.endpoint), delivery.subscription.endpoint, delivery.subscription.topicArn);
    if (!check.allowed) onError(notice(check.reason));
    return check.allowed;
  };
}

/**
 * Pollers live in memory: after a restart, each mapping a restored stack
 * declares starts again (queues and functions are restored before this), under
 * a new UUID that the stack's state then records.
 */
function restartMappings(stacks: StackStore, mappings: SqsEventSourceMappings, onError: (err: unknown) => void): void {
  for (const name of stacks.names()) {
    for (const r of Object.values(stacks.get(name)!.resources)) {
      if (r.type !== "aws_lambda_event_source_mapping") continue;
      const a = r.attributes;
      try {
        const m = mappings.create({
          functionArn: String(a.function_arn),
          eventSourceArn: String(a.event_source_arn),
          batchSize: typeof a.batch_size === "number" ? a.batch_size : undefined,
          maximumBatchingWindowInSeconds: typeof a.maximum_batching_window_in_seconds === "number" ? a.maximum_batching_window_in_seconds : undefined,
          functionResponseTypes: Array.isArray(a.function_response_types) ? a.function_response_types.map(String) : [],
          enabled: a.enabled !== false,
        });
        a.uuid = m.uuid;
        a.id = m.uuid;
      } catch (err) {
        onError(err);
      }
    }
  }
}

/** The compute half of the cloud: functions, their triggers, the REST API in front, and stacks that declare them. */
export function createSystem(opts: SystemOptions): System {
  const apigateway = new ApiGatewayModel();
  const requestLog = new RequestLog();
  const mappings = new SqsEventSourceMappings({
    sqs: opts.sqs,
    lambda: () => opts.lambda,
    region: opts.region,
    onError: (message) => opts.onError(notice(message)),
  });
  // Loaded at the first stack apply: the providers need the DynamoDB SDK client, which costs ~0.3 s to import.
  let providers: Promise<ResourceProviders> | undefined;
  let dynamodb: DynamoDBClient | undefined;
  const loadProviders = () =>
    (providers ??= (async () => {
      const [{ cloudResourceProviders }, { DynamoDBClient }] = await Promise.all([import("../providers/index.js"), import("@aws-sdk/client-dynamodb")]);
      return cloudResourceProviders({
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
    })());
  const stacks = new StackStore({ providers: loadProviders, accountId: opts.accountId, region: opts.region });

  const lambdaApi = createLambdaService({
    registry: opts.lambda,
    eventSourceMappings: {
      list: (filter) => mappings.list(filter).map((m) => mappings.describe(m)),
      get: (uuid) => {
        const m = mappings.get(uuid);
        return m ? mappings.describe(m) : undefined;
      },
    },
  });
  // The registry forgets its functions when closed, and the cloud writes its last snapshots after closing services.
  let closedSnapshot: unknown;
  const lambdaService: Service = {
    ...lambdaApi,
    claims: lambdaApi.claims,
    handle: lambdaApi.handle,
    snapshot: () => closedSnapshot ?? lambdaApi.snapshot?.(),
    restore: (state) => lambdaApi.restore?.(state),
    async close() {
      closedSnapshot = lambdaApi.snapshot?.();
      await lambdaApi.close?.();
    },
  };
  const dataPlane = createApiGatewayDataPlane({
    model: apigateway,
    lambda: () => opts.lambda,
    log: requestLog,
    accountId: opts.accountId,
    onExecutionError: (message) => opts.onError(notice(`API Gateway: ${message}`)),
  });
  const apiGatewayService: Service = {
    ...dataPlane,
    claims: dataPlane.claims,
    handle: dataPlane.handle,
    snapshot: () => apigateway.state,
    restore: (state) => {
      const s = state as Partial<Record<keyof ApiGatewayState, unknown>> | null;
      for (const field of ["apis", "keys", "plans"] as const) {
        if (!s || typeof s !== "object" || typeof s[field] !== "object" || s[field] === null) throw new Error(`API Gateway state has no ${field} object`);
      }
      apigateway.state = state as ApiGatewayState;
    },
  };
  const adminApi = createAdminService({ stacks, logs: opts.lambda.logs, functionNames: () => opts.lambda.list().map((f) => f.FunctionName), apiRequests: requestLog });
  // The roles of applied stacks persist beside them: restored functions keep their identity and policies.
  const admin: Service = {
    ...adminApi,
    snapshot: () => ({ stacks: stacks.snapshot(), iam: opts.iam.snapshot() }),
    restore: (state) => {
      if (!state || typeof state !== "object" || Array.isArray(state) || !("stacks" in state)) throw new Error("admin state has no applied stacks");
      const s = state as { stacks?: unknown; iam?: RegistrySnapshot };
      stacks.restore(s.stacks);
      if (s.iam) opts.iam.restore(s.iam);
      restartMappings(stacks, mappings, opts.onError);
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
