import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import type { AwsStub } from "aws-sdk-client-mock";

type Item = Record<string, AttributeValue>;

/**
 * Just enough of a DynamoDB table behind a mocked DynamoDBClient for the
 * Powertools idempotency layer: conditional put that fails with the old item,
 * SET updates, get and delete by the `id` key.
 */
export function fakeIdempotencyTable(ddb: AwsStub<any, any, any>): Map<string, Item> {
  const items = new Map<string, Item>();
  const keyOf = (key: Item | undefined) => key?.id?.S ?? "";
  ddb.on(PutItemCommand).callsFake((input: { Item: Item }) => {
    const key = keyOf(input.Item);
    const existing = items.get(key);
    if (existing) {
      throw new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {}, Item: existing });
    }
    items.set(key, { ...input.Item });
    return {};
  });
  ddb.on(UpdateItemCommand).callsFake(
    (input: { Key: Item; UpdateExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Item }) => {
      const item = items.get(keyOf(input.Key)) ?? { ...input.Key };
      for (const assignment of input.UpdateExpression.replace(/^SET /, "").split(",")) {
        const [name, value] = assignment.split("=").map((s) => s.trim()) as [string, string];
        item[input.ExpressionAttributeNames[name]!] = input.ExpressionAttributeValues[value]!;
      }
      items.set(keyOf(input.Key), item);
      return {};
    },
  );
  ddb.on(GetItemCommand).callsFake((input: { Key: Item }) => ({ Item: items.get(keyOf(input.Key)) }));
  ddb.on(DeleteItemCommand).callsFake((input: { Key: Item }) => {
    items.delete(keyOf(input.Key));
    return {};
  });
  return items;
}
