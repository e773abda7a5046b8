import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsError, isAwsError } from "../core/aws-error.js";
import type { CallContext, RouteInfo } from "../core/service.js";
import { readBody } from "./body.js";
import { escapeXml } from "./xml.js";

/** awsQuery (IAM, SNS, SES v1, STS): form-encoded `Action=...&Version=...` in, XML out. */
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
 * The result element is written, even when empty, for every action with an
 * output shape: strict clients (botocore, the Go SDK) look it up by name and
 * fail when it is missing, which is how AWS answers `VerifyEmailIdentity` and
 * friends. `undefined` is an action without one (IAM's `DeleteRole`).
 */
export function sendQueryResult(res: ServerResponse, ctx: CallContext, action: string, namespace: string, resultXml: string | undefined): void {
  const result = resultXml === undefined ? "" : resultXml === "" ? `<${action}Result/>` : `<${action}Result>${resultXml}</${action}Result>`;
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}">` +
    result +
    `<ResponseMetadata><RequestId>${ctx.requestId}</RequestId></ResponseMetadata></${action}Response>`;
  res.writeHead(200, { "content-type": "text/xml", "content-length": Buffer.byteLength(body), "x-amzn-requestid": ctx.requestId });
  res.end(body);
}

/** One action of an awsQuery service: its result XML (see sendQueryResult), or an AwsError thrown. */
export type QueryAction = (params: QueryParams, ctx: CallContext) => string | undefined;

export interface QueryService {
  /** the service's name in messages: "SNS" */
  label: string;
  namespace: string;
  actions: Record<string, QueryAction>;
}

/**
 * One awsQuery request end to end: the form read, `Action` looked up among
 * the service's own actions (never the object's prototype: `Action=constructor`
 * is an unknown action), the result or the AwsError written back. Errors that
 * are not AwsErrors are the router's to report.
 */
export async function serveQuery(req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext, service: QueryService): Promise<void> {
  try {
    const params = await readQueryParams(req, route.query);
    const action = params.Action;
    if (!action) throw new AwsError("MissingAction", "The request must contain the parameter Action");
    const run = Object.hasOwn(service.actions, action) ? service.actions[action] : undefined;
    if (!run) {
      throw new AwsError("InvalidAction", `The action ${action} is not valid for this web service (the embedded cloud's ${service.label} implements ${Object.keys(service.actions).join(", ")})`);
    }
    sendQueryResult(res, ctx, action, service.namespace, run(params, ctx));
  } catch (err) {
    if (!isAwsError(err)) throw err;
    sendQueryError(res, ctx, err, service.namespace);
  }
}

export function sendQueryError(res: ServerResponse, ctx: CallContext, err: AwsError, namespace: string): void {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error><Type>${err.fault}</Type>` +
    `<Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error>` +
    `<RequestId>${ctx.requestId}</RequestId></ErrorResponse>`;
  res.writeHead(err.statusCode, { "content-type": "text/xml", "content-length": Buffer.byteLength(body), "x-amzn-requestid": ctx.requestId });
  res.end(body);
}
