import { createHash } from "node:crypto";

/**
 * Credentials that identify one Lambda function, as Lambda hands a function
 * the temporary credentials of its execution role. Derived from the account
 * and function name, so they are the same across restarts and re-applies and
 * anyone holding the name can recompute them.
 */
export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function digest(...parts: string[]): Buffer {
  return createHash("sha256").update(parts.join("\0")).digest();
}

/** `prefix` + `length` base32 characters: the shape of AWS key and role ids. */
export function awsStyleId(prefix: string, length: number, ...seed: string[]): string {
  const bytes = digest(prefix, ...seed);
  let out = prefix;
  for (let i = 0; out.length < prefix.length + length; i++) out += BASE32[bytes[i % bytes.length]! % 32];
  return out;
}

/** `ASIA...` (20 characters), the prefix AWS gives temporary (STS) access keys. */
export function functionAccessKeyId(accountId: string, functionName: string): string {
  return awsStyleId("ASIA", 16, "function", accountId, functionName);
}

export function functionCredentials(accountId: string, functionName: string): SessionCredentials {
  return {
    accessKeyId: functionAccessKeyId(accountId, functionName),
    secretAccessKey: digest("secret", accountId, functionName).toString("base64").slice(0, 40),
    sessionToken: Buffer.concat([digest("token", accountId, functionName), digest("token2", accountId, functionName)]).toString("base64"),
  };
}
