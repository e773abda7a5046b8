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
