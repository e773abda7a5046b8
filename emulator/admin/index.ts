import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { RequestLog } from "../apigateway/request-log.js";
import { notice } from "../core/notice.js";
import type { Service } from "../core/service.js";
import type { SqsEventSourceMappings } from "../event-sources/sqs-mappings.js";
import { ROOT_CREDENTIALS } from "../iam/principals.js";
import type { IamSnapshot } from "../iam/model.js";
import type { ProviderDeps } from "../providers/deps.js";
import type { ResourceProviders } from "../stack/engine.js";
import { createAdminService } from "./service.js";
import { StackStore } from "./stack-store.js";

export interface Admin {
  /** the admin API under `/_movies/`: stacks, logs, API requests */
  service: Service;
  stacks: StackStore;
  /** after a restore, once every service holds its state: start the pollers of the mappings restored stacks declare */
  restartMappings(): void;
  close(): void;
}

export interface AdminOptions {
  region: string;
  /** the models the stack loader's providers apply resources to */
  deps: Omit<ProviderDeps, "dynamodb">;
  apiRequests: RequestLog;
  onError: (err: unknown) => void;
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

/** The admin API and the stack loader behind it (`PUT /_movies/stacks/{name}`). */
export function createAdmin(opts: AdminOptions): Admin {
  const { deps } = opts;
  // Loaded at the first stack apply: the providers need the DynamoDB SDK client, which costs ~0.3 s to import.
  let providers: Promise<ResourceProviders> | undefined;
  let dynamodb: DynamoDBClient | undefined;
  const loadProviders = () =>
    (providers ??= (async () => {
      const [{ cloudResourceProviders }, { DynamoDBClient }] = await Promise.all([import("../providers/index.js"), import("@aws-sdk/client-dynamodb")]);
      return cloudResourceProviders({
        ...deps,
        dynamodb: () => (dynamodb ??= new DynamoDBClient({ endpoint: deps.cloudUrl(), region: opts.region, credentials: ROOT_CREDENTIALS })),
      });
    })());
  const stacks = new StackStore({ providers: loadProviders, accountId: deps.accountId, region: opts.region });
  const api = createAdminService({ stacks, logs: deps.lambda.logs, functionNames: () => deps.lambda.list().map((f) => f.FunctionName), functionCode: () => Object.fromEntries(deps.lambda.list().map((f) => [f.FunctionName, f.CodeSha256])), apiRequests: opts.apiRequests });
  const service: Service = {
    ...api,
    snapshot: () => ({ stacks: stacks.snapshot() }),
    restore: (state) => {
      if (!state || typeof state !== "object" || Array.isArray(state) || !("stacks" in state)) throw new Error("admin state has no applied stacks");
      // State dirs written before IAM kept its own state carried it here.
      const s = state as { stacks?: unknown; iam?: IamSnapshot };
      stacks.restore(s.stacks);
      if (s.iam && deps.iam.listRoles().length === 0) deps.iam.restore(s.iam);
    },
  };
  return {
    service,
    stacks,
    restartMappings: () => restartMappings(stacks, deps.mappings, (err) => opts.onError(err instanceof Error ? err : notice(String(err)))),
    close: () => dynamodb?.destroy(),
  };
}
