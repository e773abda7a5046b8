import { createRequire } from "node:module";

/**
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD` on PutItem, UpdateItem and
 * DeleteItem: AWS puts the item as it was into the ConditionalCheckFailedException
 * (Powertools' idempotency layer reads it). dynalite drops the parameter and
 * never returns the item, so this teaches it both, inside dynalite's own item
 * lock: the item returned is exactly the one the condition was checked against,
 * and no request body is read outside dynalite.
 *
 * dynalite is a CommonJS package kept outside our bundle, so the modules patched
 * here are the instances its request handler uses.
 */
let installed = false;

interface ValidationModule {
  types: Record<string, unknown>;
}
interface DbModule {
  checkConditional(data: Record<string, unknown>, existingItem: unknown): (Error & { body?: Record<string, unknown> }) | null | undefined;
}

export function teachConditionCheckItem(): void {
  if (installed) return;
  installed = true;
  const require = createRequire(import.meta.url);
  for (const action of ["putItem", "updateItem", "deleteItem"]) {
    const validation = require(`dynalite/validations/${action}.js`) as ValidationModule;
    validation.types.ReturnValuesOnConditionCheckFailure = { type: "String", enum: ["ALL_OLD", "NONE"] };
  }
  const db = require("dynalite/db/index.js") as DbModule;
  const check = db.checkConditional.bind(db);
  db.checkConditional = (data, existingItem) => {
    const failed = check(data, existingItem);
    if (failed?.body && data.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && existingItem) failed.body.Item = existingItem;
    return failed;
  };
}
