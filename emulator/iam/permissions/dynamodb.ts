import { AwsError } from "../../core/aws-error.js";
import { list, obj, str, type CallInput } from "./call-input.js";
import { same, unique, type RequiredPermission, type ServiceCall } from "./required-permission.js";

/**
 * DynamoDB: `dynamodb:<Operation>` on the table ARN, the index ARN for
 * Query/Scan with IndexName, per table for batches, and per item action
 * (PutItem, UpdateItem, DeleteItem, ConditionCheckItem, GetItem) for
 * transactions, as the DynamoDB authorization reference lists them.
 */
export function dynamodbPermissions(call: ServiceCall): RequiredPermission[] {
  const { input, operation } = call;
  const table = (name: string | undefined) => tableArn(call, name);
  const context = conditionKeys(input);

  switch (operation) {
    case "Query":
    case "Scan": {
      const index = str(input, "IndexName");
      return same("dynamodb", call, index ? `${table(str(input, "TableName"))}/index/${index}` : table(str(input, "TableName")), context);
    }
    case "BatchGetItem":
    case "BatchWriteItem": {
      const tables = Object.keys(obj(input, "RequestItems") ?? {});
      if (tables.length === 0) throw new AwsError("ValidationException", `${operation} needs RequestItems with at least one table`);
      return unique(tables.map((t) => ({ action: `dynamodb:${operation}`, resource: table(t), context })));
    }
    case "TransactGetItems":
      return unique(list(input, "TransactItems").map((item) => ({ action: "dynamodb:GetItem", resource: table(str(item, "Get.TableName")) })));
    case "TransactWriteItems":
      return unique(list(input, "TransactItems").map(transactWrite(table)));
    case "ExecuteStatement":
      return partiql(call, str(input, "Statement"));
    case "BatchExecuteStatement":
    case "ExecuteTransaction":
      return unique(list(input, operation === "ExecuteTransaction" ? "TransactStatements" : "Statements").flatMap((s) => partiql(call, str(s, "Statement"))));
    case "ListTables":
      return same("dynamodb", call, `arn:aws:dynamodb:${call.region}:${call.accountId}:table/*`);
    case "DescribeEndpoints":
    case "DescribeLimits":
    case "ListBackups":
    case "ListGlobalTables":
    case "ListExports":
    case "ListImports":
      return same("dynamodb", call, "*");
    case "TagResource":
    case "UntagResource":
    case "ListTagsOfResource":
      return same("dynamodb", call, str(input, "ResourceArn") ?? table(undefined));
    default:
      return same("dynamodb", call, table(str(input, "TableName")), context);
  }
}

function transactWrite(table: (name: string | undefined) => string) {
  return (item: CallInput): RequiredPermission => {
    for (const [kind, action] of [
      ["Put", "dynamodb:PutItem"],
      ["Update", "dynamodb:UpdateItem"],
      ["Delete", "dynamodb:DeleteItem"],
      ["ConditionCheck", "dynamodb:ConditionCheckItem"],
    ] as const) {
      const part = obj(item, kind);
      if (part) return { action, resource: table(str(part, "TableName")) };
    }
    throw new AwsError("ValidationException", "Each TransactItems entry needs one of Put, Update, Delete or ConditionCheck");
  };
}

function tableArn(call: ServiceCall, name: string | undefined): string {
  if (!name) throw new AwsError("ValidationException", "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null");
  // Newer SDKs accept a table ARN wherever a TableName goes.
  if (name.startsWith("arn:")) return name;
  return `arn:aws:dynamodb:${call.region}:${call.accountId}:table/${name}`;
}

/** Condition keys DynamoDB sets from the request itself. */
function conditionKeys(input: CallInput): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [param, key] of [
    ["Select", "dynamodb:Select"],
    ["ReturnValues", "dynamodb:ReturnValues"],
    ["ReturnConsumedCapacity", "dynamodb:ReturnConsumedCapacity"],
  ] as const) {
    const v = str(input, param);
    if (v) out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const TABLE_REF = String.raw`"([^"]+)"(?:\."([^"]+)")?|([A-Za-z0-9_-]+)`;
const PARTIQL_UPDATE = new RegExp(String.raw`^\s*update\s+(?:${TABLE_REF})`, "i");
const PARTIQL_OTHER = new RegExp(String.raw`\b(?:from|into)\s+(?:${TABLE_REF})`, "i");

/** PartiQL statements map to dynamodb:PartiQL<Verb> on the table (or index) they name. */
function partiql(call: ServiceCall, statement: string | undefined): RequiredPermission[] {
  const verb = /^\s*(select|insert|update|delete|exists)\b/i.exec(statement ?? "")?.[1]?.toLowerCase();
  const m = verb === "update" ? PARTIQL_UPDATE.exec(statement!) : verb ? PARTIQL_OTHER.exec(statement!) : null;
  if (!verb || !m) throw new AwsError("ValidationException", `Statement ${JSON.stringify(statement ?? "")} is not a PartiQL SELECT, INSERT, UPDATE or DELETE naming a table, e.g. SELECT * FROM "Movies"`);
  const action = `dynamodb:PartiQL${verb === "exists" ? "Select" : verb[0]!.toUpperCase() + verb.slice(1)}`;
  const base = tableArn(call, m[1] ?? m[3]);
  return [{ action, resource: m[2] ? `${base}/index/${m[2]}` : base }];
}
