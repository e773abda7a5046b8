import type { DynaliteBackend } from "./dynalite-backend.js";
import { fromReply, validation } from "./errors.js";

export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;

export interface TableInfo {
  name: string;
  keyNames: string[];
  /** CreationDateTime, to tell a recreated table from the old one */
  createdAt: number;
}

/** Looks a table up through dynalite; a missing table is ResourceNotFoundException, as from AWS. */
export async function describeTable(backend: Pick<DynaliteBackend, "call">, tableName: unknown): Promise<TableInfo> {
  if (typeof tableName !== "string" || tableName === "") throw validation("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null");
  const reply = await backend.call("DescribeTable", { TableName: tableName });
  if (reply.status !== 200) throw fromReply(reply);
  const table = reply.body.Table as { KeySchema: { AttributeName: string; KeyType: string }[]; CreationDateTime: number };
  const hash = table.KeySchema.find((k) => k.KeyType === "HASH")!.AttributeName;
  const range = table.KeySchema.find((k) => k.KeyType === "RANGE")?.AttributeName;
  return { name: tableName, keyNames: range ? [hash, range] : [hash], createdAt: table.CreationDateTime };
}

/** The key of an item (or a Key map), checked to name every key attribute of the table. */
export function keyOf(table: TableInfo, source: unknown, where: string): Item {
  if (!source || typeof source !== "object" || Array.isArray(source)) throw validation(`${where} must be a map of attribute values`);
  const key: Item = {};
  for (const name of table.keyNames) {
    const value = (source as Item)[name];
    if (!value || typeof value !== "object") throw validation(`One or more parameter values were invalid: Missing the key ${name} in the ${where}`);
    key[name] = value;
  }
  return key;
}

/** A stable identity for one item across a request. */
export function itemIdentity(table: TableInfo, key: Item): string {
  return JSON.stringify([table.name, ...table.keyNames.map((n) => key[n])]);
}
