import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsError } from "../core/aws-error.js";
import type { CallContext } from "../core/service.js";
import { readBody } from "./body.js";
import { escapeXml } from "./xml.js";

/** awsQuery (SNS, SES v1, STS): form-encoded `Action=...&Version=...` in, XML out. */
export type QueryParams = Record<string, string>;

export async function readQueryParams(req: IncomingMessage, url: URLSearchParams): Promise<QueryParams> {
  const params: QueryParams = {};
  for (const [k, v] of url) params[k] = v;
  const raw = await readBody(req);
  for (const [k, v] of new URLSearchParams(raw.toString("utf8"))) params[k] = v;
  return params;
}

/** `Prefix.member.1`, `Prefix.member.2`, ... (or another list element name) in order. */
export function readList(params: QueryParams, prefix: string, element = "member"): string[] {
  const out: string[] = [];
  for (let i = 1; `${prefix}.${element}.${i}` in params; i++) out.push(params[`${prefix}.${element}.${i}`]!);
  return out;
}

/**
 * Indices present under `Prefix.<element>.N.` for lists of structures, in
 * order, up to the first missing index. One pass over the parameters: a
 * request with thousands of entries costs linear time, not quadratic.
 */
export function readStructList(params: QueryParams, prefix: string, element = "member"): QueryParams[] {
  const head = `${prefix}.${element}.`;
  const byIndex = new Map<number, QueryParams>();
  for (const k of Object.keys(params)) {
    if (!k.startsWith(head)) continue;
    const dot = k.indexOf(".", head.length);
    if (dot < 0) continue;
    const digits = k.slice(head.length, dot);
    if (!/^[1-9][0-9]{0,8}$/.test(digits)) continue;
    const i = Number(digits);
    let item = byIndex.get(i);
    if (!item) byIndex.set(i, (item = {}));
    item[k.slice(dot + 1)] = params[k]!;
  }
  const out: QueryParams[] = [];
  for (let i = 1; byIndex.has(i); i++) out.push(byIndex.get(i)!);
  return out;
}

/** `Prefix.entry.N.key` / `Prefix.entry.N.value` maps (SNS Attributes), with configurable names. */
export function readMap(params: QueryParams, prefix: string, key = "key", value = "value", element = "entry"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of readStructList(params, prefix, element)) {
    if (item[key] !== undefined) out[item[key]!] = item[value] ?? "";
  }
  return out;
}

export function requireParam(params: QueryParams, name: string): string {
  const v = params[name];
  if (v === undefined || v === "") throw new AwsError("ValidationError", `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
  return v;
}

/**
 * `<ActionResponse xmlns=...><ActionResult>inner</ActionResult><ResponseMetadata>...`.
 * The result element is always written, even when empty: strict clients (botocore,
 * the Go SDK) look it up by name for every operation with an output shape and fail
 * when it is missing, which is how AWS answers `VerifyEmailIdentity` and friends.
 */
export function sendQueryResult(res: ServerResponse, ctx: CallContext, action: string, namespace: string, resultXml: string): void {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}">` +
    (resultXml === "" ? `<${action}Result/>` : `<${action}Result>${resultXml}</${action}Result>`) +
    `<ResponseMetadata><RequestId>${ctx.requestId}</RequestId></ResponseMetadata></${action}Response>`;
  res.writeHead(200, { "content-type": "text/xml", "content-length": Buffer.byteLength(body), "x-amzn-requestid": ctx.requestId });
  res.end(body);
}

export function sendQueryError(res: ServerResponse, ctx: CallContext, err: AwsError, namespace: string): void {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error><Type>${err.fault}</Type>` +
    `<Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error>` +
    `<RequestId>${ctx.requestId}</RequestId></ErrorResponse>`;
  res.writeHead(err.statusCode, { "content-type": "text/xml", "content-length": Buffer.byteLength(body), "x-amzn-requestid": ctx.requestId });
  res.end(body);
}
