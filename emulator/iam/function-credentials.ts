import { createHash, randomBytes } from "node:crypto";

/**
 * Temporary credentials of one execution environment, as Lambda hands each
 * environment a session of the function's execution role. They are random:
 * nothing about the function, the account or the time lets anyone compute them.
 */
export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes: Buffer, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += BASE32[bytes[i % bytes.length]! % 32];
  return out;
}

/**
 * `prefix` + `length` base32 characters derived from the seed: the shape of
 * AWS role and policy ids (AROA..., ANPA...). Ids are names, not secrets.
 */
export function awsStyleId(prefix: string, length: number, ...seed: string[]): string {
  return prefix + base32(createHash("sha256").update([prefix, ...seed].join("\0")).digest(), length);
}

/** `ASIA` + 16 random characters (the prefix AWS gives STS keys), a 40-character secret and a session token. */
export function issueSessionCredentials(): SessionCredentials {
  return {
    accessKeyId: `ASIA${base32(randomBytes(16), 16)}`,
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: randomBytes(96).toString("base64"),
  };
}
