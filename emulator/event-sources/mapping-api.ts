import { AwsError } from "../core/aws-error.js";
import type { EventSourceMappingDirectory } from "../lambda/api.js";
import { mappingArn, type MappingInput, type SqsEventSourceMappings } from "./sqs-mappings.js";

type SavedMapping = Required<Omit<MappingInput, "origin">>;

const invalid = (message: string) => new AwsError("InvalidParameterValueException", message);

function optionalNumber(body: Record<string, unknown>, name: string): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) throw invalid(`${name} must be an integer`);
  return v;
}

function responseTypes(body: Record<string, unknown>): string[] | undefined {
  const v = body.FunctionResponseTypes;
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((t) => t !== "ReportBatchItemFailures")) throw invalid("FunctionResponseTypes may only contain ReportBatchItemFailures");
  return v as string[];
}

/**
 * The Lambda API's event source mapping operations (Create/Get/List/Update/
 * Delete, tags by mapping ARN) over the SQS pollers that run them: a mapping
 * created here polls exactly like one from a stack.
 */
export function lambdaApiMappings(mappings: SqsEventSourceMappings, functionArnOf: (ref: string) => string): EventSourceMappingDirectory {
  const describe = (uuid: string) => {
    const m = mappings.get(uuid);
    if (!m) throw new AwsError("ResourceNotFoundException", "The resource you requested does not exist.", 404);
    return mappings.describe(m);
  };
  return {
    list: (filter) => mappings.list(filter).map((m) => mappings.describe(m)),
    get: (uuid) => {
      const m = mappings.get(uuid);
      return m ? mappings.describe(m) : undefined;
    },
    create(body) {
      if (typeof body.FunctionName !== "string") throw invalid("FunctionName is required: a function name or ARN");
      const functionArn = functionArnOf(body.FunctionName);
      const eventSourceArn = body.EventSourceArn;
      if (typeof eventSourceArn !== "string" || !/^arn:aws[\w-]*:sqs:/.test(eventSourceArn)) {
        throw invalid(`EventSourceArn ${String(eventSourceArn)} is not an SQS queue ARN: the embedded cloud runs event source mappings for SQS queues`);
      }
      const existing = mappings.list({ functionArn, eventSourceArn })[0];
      if (existing) {
        throw new AwsError(
          "ResourceConflictException",
          `An event source mapping with SQS arn (" ${eventSourceArn} ") and function (" ${functionArn} ") already exists. Please update or delete the existing mapping with UUID ${existing.uuid}`,
          409,
        );
      }
      const input: MappingInput = {
        functionArn,
        eventSourceArn,
        batchSize: optionalNumber(body, "BatchSize"),
        maximumBatchingWindowInSeconds: optionalNumber(body, "MaximumBatchingWindowInSeconds"),
        functionResponseTypes: responseTypes(body),
        enabled: body.Enabled === undefined ? undefined : body.Enabled === true,
        tags: body.Tags && typeof body.Tags === "object" ? (body.Tags as Record<string, string>) : undefined,
        origin: "api",
      };
      return mappings.describe(mappings.create(input));
    },
    update(uuid, body) {
      describe(uuid);
      const batchSize = optionalNumber(body, "BatchSize");
      if (batchSize !== undefined && (batchSize < 1 || batchSize > 10_000)) throw invalid("BatchSize must be between 1 and 10000");
      mappings.update(uuid, {
        functionArn: typeof body.FunctionName === "string" ? functionArnOf(body.FunctionName) : undefined,
        batchSize,
        maximumBatchingWindowInSeconds: optionalNumber(body, "MaximumBatchingWindowInSeconds"),
        functionResponseTypes: responseTypes(body),
        enabled: body.Enabled === undefined ? undefined : body.Enabled === true,
      });
      return describe(uuid);
    },
    delete(uuid) {
      const out = { ...describe(uuid), State: "Deleting" };
      mappings.delete(uuid);
      return out;
    },
    // Stack mappings come back with their stack; these are the ones made through the API.
    snapshot: (): SavedMapping[] =>
      mappings
        .list()
        .filter((m) => m.origin === "api")
        .map((m) => ({
          uuid: m.uuid,
          functionArn: m.functionArn,
          eventSourceArn: m.eventSourceArn,
          batchSize: m.batchSize,
          maximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
          functionResponseTypes: m.functionResponseTypes,
          enabled: m.enabled,
          tags: m.tags,
        })),
    restore(state) {
      if (!Array.isArray(state)) return;
      for (const saved of state as SavedMapping[]) {
        if (!mappings.get(saved.uuid)) mappings.create({ ...saved, origin: "api" });
      }
    },
    tagsOf(arn) {
      const m = mappings.list().find((x) => mappingArn(x) === arn);
      return m?.tags;
    },
  };
}
