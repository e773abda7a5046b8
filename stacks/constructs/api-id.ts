import { createHash } from "node:crypto";

/** LocalStack (and the embedded cloud) give a REST API the id in this tag instead of a random one. */
export const CUSTOM_ID_TAG = "_custom_id_";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A REST API id derived from the stack's name (and name prefix), in AWS's
 * shape (10 lowercase letters and digits): the same stack gets the same id on
 * every deploy and cloud restart, so a saved local URL keeps working.
 */
export function stableApiId(stackName: string): string {
  const digest = createHash("sha256").update(stackName).digest();
  return [...digest.subarray(0, 10)].map((b) => ALPHABET[b % ALPHABET.length]).join("");
}
