import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/**
 * Verifies an AWS Signature Version 4 the way AWS does: the canonical request
 * (method, path, query, signed headers, payload hash) is rebuilt from what
 * arrived and signed again with the secret the cloud issued. Both forms are
 * read: the `Authorization` header and a presigned query
 * (`X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=...`).
 */

export type SignatureCheck =
  | { ok: true }
  /** the signature does not match, or the request is not a readable SigV4 request */
  | { ok: false; reason: "mismatch" | "malformed" | "expired"; message: string };

interface Parsed {
  credential: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  presigned: boolean;
  expiresSeconds?: number;
}

// compiled once: these run on every call a function makes
const CREDENTIAL = /Credential=([^,\s]+)/;
const SIGNED_HEADERS = /SignedHeaders=([^,\s]+)/;
const SIGNATURE = /Signature=([^,\s]+)/;

function parse(req: IncomingMessage, query: URLSearchParams): Parsed | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === "string" && auth.startsWith("AWS4-HMAC-SHA256 ")) {
    const credential = CREDENTIAL.exec(auth)?.[1];
    const signedHeaders = SIGNED_HEADERS.exec(auth)?.[1];
    const signature = SIGNATURE.exec(auth)?.[1];
    const amzDate = header(req, "x-amz-date") ?? "";
    if (!credential || !signedHeaders || !signature) return undefined;
    return { credential, signedHeaders: signedHeaders.split(";"), signature, amzDate, presigned: false };
  }
  if (query.get("X-Amz-Algorithm") === "AWS4-HMAC-SHA256") {
    const credential = query.get("X-Amz-Credential");
    const signedHeaders = query.get("X-Amz-SignedHeaders");
    const signature = query.get("X-Amz-Signature");
    if (!credential || !signedHeaders || !signature) return undefined;
    const expires = Number(query.get("X-Amz-Expires") ?? "");
    return {
      credential,
      signedHeaders: signedHeaders.split(";"),
      signature,
      amzDate: query.get("X-Amz-Date") ?? "",
      presigned: true,
      expiresSeconds: Number.isFinite(expires) && expires > 0 ? expires : undefined,
    };
  }
  return undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters. */
function escape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The path as every SDK signs it for services other than S3: dot segments
 * resolved, then each segment of the path as sent on the wire escaped once
 * more (so `%3A` is signed as `%253A`).
 */
function canonicalPath(rawPath: string): string {
  const out: string[] = [];
  for (const segment of rawPath.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(escape(segment));
  }
  const joined = `/${out.join("/")}`;
  return joined !== "/" && rawPath.endsWith("/") ? `${joined}/` : joined;
}

function canonicalQuery(rawQuery: string): string {
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = safeDecode((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, " "));
    const value = safeDecode((eq < 0 ? "" : part.slice(eq + 1)).replace(/\+/g, " "));
    if (key === "X-Amz-Signature") continue;
    pairs.push([escape(key), escape(value)]);
  }
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

/**
 * The canonical headers block: for each signed header, its values in arrival
 * order joined by commas, spaces trimmed and collapsed. The raw headers are
 * walked once, not once per signed header.
 */
function canonicalHeaders(req: IncomingMessage, signedHeaders: string[]): string {
  const values = new Map<string, string[]>();
  for (const name of signedHeaders) values.set(name, []);
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    values.get(raw[i]!.toLowerCase())?.push(raw[i + 1]!.trim().replace(/\s+/g, " "));
  }
  let out = "";
  for (const name of signedHeaders) out += `${name}:${values.get(name)!.join(",")}\n`;
  return out;
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/**
 * Derived signing keys, as every AWS SDK caches them: the key depends only on
 * the secret and the scope (date, region, service), so four HMACs per request
 * become one lookup. The signature itself is still computed and compared on
 * every request. Bounded: issued secrets come and go with environments.
 */
const signingKeys = new Map<string, Buffer>();
const SIGNING_KEY_CACHE_SIZE = 256;

function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const id = `${secretAccessKey}\0${date}\0${region}\0${service}`;
  let key = signingKeys.get(id);
  if (key === undefined) {
    key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), "aws4_request");
    if (signingKeys.size >= SIGNING_KEY_CACHE_SIZE) signingKeys.delete(signingKeys.keys().next().value!);
    signingKeys.set(id, key);
  }
  return key;
}

function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** `20261201T221500Z` -> epoch ms, or NaN */
function amzDateMs(d: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(d);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

const MAX_SKEW_MS = 15 * 60_000;

function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}

const MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/** Checks the request's signature against `secretAccessKey`; `body` is the full request body. */
export function verifySignature(req: IncomingMessage, body: Buffer, secretAccessKey: string, now = Date.now()): SignatureCheck {
  const rawUrl = req.url ?? "/";
  const q = rawUrl.indexOf("?");
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const rawQuery = q < 0 ? "" : rawUrl.slice(q + 1);
  const parsed = parse(req, new URLSearchParams(rawQuery));
  if (!parsed) return { ok: false, reason: "malformed", message: "The request is not signed with AWS Signature Version 4 (AWS4-HMAC-SHA256)." };
  const scope = parsed.credential.split("/");
  if (scope.length !== 5 || scope[4] !== "aws4_request") return { ok: false, reason: "malformed", message: `Credential should be scoped to a valid region, not '${parsed.credential}'.` };
  const [, date, region, service] = scope as [string, string, string, string, string];
  if (!parsed.signedHeaders.includes("host")) return { ok: false, reason: "malformed", message: "'Host' must be a 'SignedHeader' in the AWS Authorization." };
  const signedAt = amzDateMs(parsed.amzDate);
  if (Number.isNaN(signedAt) || !parsed.amzDate.startsWith(date)) {
    return { ok: false, reason: "malformed", message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header, matching the credential scope date." };
  }
  if (parsed.presigned && parsed.expiresSeconds !== undefined && now > signedAt + parsed.expiresSeconds * 1000) {
    return { ok: false, reason: "expired", message: "Request has expired" };
  }
  // As AWS: a header-signed request is good for 15 minutes either side, so a captured one cannot be replayed later.
  if (!parsed.presigned && Math.abs(now - signedAt) > MAX_SKEW_MS) {
    return { ok: false, reason: "expired", message: `Signature expired: ${parsed.amzDate} is more than 15 minutes from the time of the request (${amzDate(now)}).` };
  }

  // What the client says it hashed (it signed that claim too), else the body itself.
  const bodyHash = sha256Hex(body);
  const payloadHash = header(req, "x-amz-content-sha256") ?? bodyHash;
  // A signed claim about a body that is not the one sent would let the body be swapped under a valid signature.
  if (/^[0-9a-f]{64}$/i.test(payloadHash) && payloadHash.toLowerCase() !== bodyHash) {
    return { ok: false, reason: "mismatch", message: "The provided 'x-amz-content-sha256' header does not match what was computed." };
  }
  const canonicalRequest = [
    (req.method ?? "GET").toUpperCase(),
    canonicalPath(rawPath),
    canonicalQuery(rawQuery),
    canonicalHeaders(req, parsed.signedHeaders),
    parsed.signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", parsed.amzDate, scope.slice(1).join("/"), sha256Hex(canonicalRequest)].join("\n");
  const key = signingKey(secretAccessKey, date, region, service);
  const expected = Buffer.from(hmac(key, stringToSign).toString("hex"));
  const given = Buffer.from(parsed.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "mismatch", message: MISMATCH };
  return { ok: true };
}

/** The session token a request carries (header, or the presigned query's `X-Amz-Security-Token`). */
export function sessionTokenOf(req: IncomingMessage, query: URLSearchParams): string | undefined {
  return header(req, "x-amz-security-token") ?? query.get("X-Amz-Security-Token") ?? undefined;
}
