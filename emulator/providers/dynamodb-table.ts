import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type Projection,
  type ScalarAttributeType,
} from "@aws-sdk/client-dynamodb";
import type { ResourceContext, ResourceProvider, ResourceProviders } from "../stack/engine.js";
import type { ValueObject } from "../stack/value.js";
import { block, blocks, bool, need, num, str, strings } from "./args.js";
import type { ProviderDeps } from "./deps.js";

function keySchema(hash: string, range: string | undefined): KeySchemaElement[] {
  return range ? [{ AttributeName: hash, KeyType: "HASH" }, { AttributeName: range, KeyType: "RANGE" }] : [{ AttributeName: hash, KeyType: "HASH" }];
}

function projection(b: ValueObject): Projection {
  const type = str(b.projection_type) ?? "ALL";
  const keys = strings(b.non_key_attributes);
  return keys.length > 0 ? { ProjectionType: type as Projection["ProjectionType"], NonKeyAttributes: keys } : { ProjectionType: type as Projection["ProjectionType"] };
}

function throughput(b: ValueObject, provisioned: boolean) {
  return provisioned ? { ReadCapacityUnits: num(b.read_capacity) ?? 1, WriteCapacityUnits: num(b.write_capacity) ?? 1 } : undefined;
}

function globalIndexes(args: ValueObject, provisioned: boolean, ctx: ResourceContext): GlobalSecondaryIndex[] {
  return blocks(args.global_secondary_index).map((g) => ({
    IndexName: need(g, "name", ctx),
    KeySchema: keySchema(need(g, "hash_key", ctx), str(g.range_key)),
    Projection: projection(g),
    ProvisionedThroughput: throughput(g, provisioned),
  }));
}

function tableInput(args: ValueObject, ctx: ResourceContext): CreateTableCommandInput {
  const name = need(args, "name", ctx);
  const provisioned = (str(args.billing_mode) ?? "PROVISIONED") === "PROVISIONED";
  const attributes: AttributeDefinition[] = blocks(args.attribute).map((a) => ({ AttributeName: need(a, "name", ctx), AttributeType: need(a, "type", ctx) as ScalarAttributeType }));
  const gsis = globalIndexes(args, provisioned, ctx);
  const lsis = blocks(args.local_secondary_index).map((l) => ({
    IndexName: need(l, "name", ctx),
    KeySchema: keySchema(need(args, "hash_key", ctx), need(l, "range_key", ctx)),
    Projection: projection(l),
  }));
  const stream = bool(args.stream_enabled) ? { StreamEnabled: true, StreamViewType: (str(args.stream_view_type) ?? "NEW_AND_OLD_IMAGES") as "NEW_AND_OLD_IMAGES" } : undefined;
  return {
    TableName: name,
    AttributeDefinitions: attributes,
    KeySchema: keySchema(need(args, "hash_key", ctx), str(args.range_key)),
    BillingMode: provisioned ? "PROVISIONED" : "PAY_PER_REQUEST",
    ProvisionedThroughput: throughput(args, provisioned),
    GlobalSecondaryIndexes: gsis.length > 0 ? gsis : undefined,
    LocalSecondaryIndexes: lsis.length > 0 ? lsis : undefined,
    StreamSpecification: stream,
  };
}

function ttlOf(args: ValueObject): { enabled: boolean; attribute?: string } {
  const t = block(args.ttl);
  return { enabled: bool(t?.enabled) ?? false, attribute: str(t?.attribute_name) };
}

/**
 * aws_dynamodb_table, created through the cloud's own DynamoDB endpoint so
 * tables live in dynalite and TTL in the cloud's TTL store. Point-in-time
 * recovery, encryption and tags are accepted and have no local effect.
 */
function tableProvider(deps: ProviderDeps): ResourceProvider {
  const setTtl = async (name: string, ttl: { enabled: boolean; attribute?: string }, prior?: { enabled: boolean; attribute?: string }) => {
    if (ttl.enabled && ttl.attribute) {
      await deps.dynamodb().send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: ttl.attribute } }));
    } else if (prior?.enabled && prior.attribute) {
      await deps.dynamodb().send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: false, AttributeName: prior.attribute } }));
    }
  };
  const computed = async (name: string): Promise<ValueObject> => {
    const { Table } = await deps.dynamodb().send(new DescribeTableCommand({ TableName: name }));
    return { id: name, arn: Table?.TableArn ?? "", stream_arn: Table?.LatestStreamArn ?? "", stream_label: Table?.LatestStreamLabel ?? "" };
  };
  return {
    async create(args, ctx) {
      const input = tableInput(args, ctx);
      await deps.dynamodb().send(new CreateTableCommand(input));
      await setTtl(input.TableName!, ttlOf(args));
      return computed(input.TableName!);
    },
    async update(args, prior, ctx, changed) {
      const input = tableInput(args, ctx);
      const name = input.TableName!;
      if (changed.some((k) => ["billing_mode", "read_capacity", "write_capacity"].includes(k))) {
        await deps.dynamodb().send(new UpdateTableCommand({ TableName: name, BillingMode: input.BillingMode, ProvisionedThroughput: input.ProvisionedThroughput }));
      }
      if (changed.includes("ttl")) await setTtl(name, ttlOf(args), ttlOf(prior.args));
      return computed(name);
    },
    async delete(prior) {
      try {
        await deps.dynamodb().send(new DeleteTableCommand({ TableName: String(prior.attributes.id ?? prior.args.name) }));
      } catch (e) {
        if (!(e instanceof ResourceNotFoundException)) throw e;
      }
    },
    // dynalite accepts GlobalSecondaryIndexUpdates Create/Delete but ignores them, so an index change recreates the table (its items go)
    replaceOn: ["name", "hash_key", "range_key", "local_secondary_index", "global_secondary_index", "stream_enabled", "stream_view_type"],
  };
}

export function dynamoDbProviders(deps: ProviderDeps): ResourceProviders {
  return { aws_dynamodb_table: tableProvider(deps) };
}
