import type { IncomingMessage } from "node:http";

/** What a SigV4 credential scope (`AKID/DATE/REGION/SERVICE/aws4_request`) names. */
export interface CredentialScope {
  accessKeyId: string;
  region: string;
  service: string;
}

/**
 * Reads the credential scope from the `Authorization` header, or from
 * `X-Amz-Credential` for presigned URLs. Signatures are verified later, by
 * the IAM guard, for the keys the cloud issued (and the root key in strict
 * mode); any other key is accepted, as AWS tools pointed at it use dummy ones.
 */
export function credentialScope(headers: IncomingMessage["headers"], query: URLSearchParams): CredentialScope | undefined {
  const auth = headers.authorization;
  let credential: string | undefined;
  if (typeof auth === "string") {
    const match = /Credential=([^,\s]+)/.exec(auth);
    credential = match?.[1];
  }
  credential ??= query.get("X-Amz-Credential") ?? undefined;
  if (!credential) return undefined;
  const parts = credential.split("/");
  if (parts.length < 5 || !parts[0] || !parts[2] || !parts[3]) return undefined;
  return { accessKeyId: parts[0], region: parts[2], service: parts[3] };
}
