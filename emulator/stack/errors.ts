import type { ResourceChange } from "./engine.js";
import type { AppliedState } from "./state.js";

/**
 * Why a stack could not be planned or applied. `code` is stable for callers
 * (the admin endpoint maps it to a status, the CLI to an exit code); the
 * message says what was wrong and how to fix it.
 */
export type StackErrorCode =
  | "InvalidStack"
  | "ExpressionSyntax"
  | "ExpressionEvaluation"
  | "UnknownFunction"
  | "UnknownReference"
  | "MissingVariable"
  | "DependencyCycle"
  | "UnsupportedFeature"
  | "UnknownResourceTypes"
  | "AssetNotFound"
  | "ResourceFailed";

export class StackError extends Error {
  constructor(
    readonly code: StackErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "StackError";
  }
}

export function isStackError(e: unknown): e is StackError {
  return e instanceof StackError;
}

/**
 * An apply that stopped part way. `partial.state` holds what exists now
 * (resources created or changed before the failure, and everything not yet
 * touched), so the cloud can persist it and a later apply can continue.
 */
export class StackApplyError extends StackError {
  constructor(
    code: StackErrorCode,
    message: string,
    readonly partial: { state: AppliedState; changes: ResourceChange[] },
    readonly cause?: unknown,
  ) {
    super(code, message);
    this.name = "StackApplyError";
  }
}
