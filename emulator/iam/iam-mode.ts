/**
 * How strictly the cloud treats callers: `true` checks calls made with
 * credentials it issued (functions) and lets any other key act as the
 * account root; "strict" also refuses keys it never issued except the root
 * key `test`; `false` (`--no-iam`) checks nothing.
 */
export type IamMode = boolean | "strict";

/** The value of `--iam <mode>`: "strict", or "root" for the default. */
export function parseIamMode(value: string): IamMode {
  if (value === "strict") return "strict";
  if (value === "root" || value === "on") return true;
  throw new Error(`--iam takes "strict" (refuse access keys the cloud did not issue, except the root key "test") or "root" (the default: unknown keys act as the account root), not "${value}"`);
}

/** The flags that give a spawned cloud (`bin/cloud.mjs`) the same mode. */
export function iamModeArgs(mode: IamMode | undefined): string[] {
  if (mode === false) return ["--no-iam"];
  return mode === "strict" ? ["--iam", "strict"] : [];
}
