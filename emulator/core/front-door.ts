import type { IncomingMessage, ServerResponse } from "node:http";
import { isIP } from "node:net";
import { AwsError } from "./aws-error.js";
import type { CallContext, RouteInfo } from "./service.js";
import { speaksQuery } from "./unclaimed.js";
import { sendJsonError } from "../wire/aws-json.js";
import { sendQueryError } from "../wire/aws-query.js";

/**
 * The front door: what every request must pass before a service sees it.
 * A web page the developer visits can reach 127.0.0.1 too, so the cloud
 * refuses what a browser sends on a hostile page's behalf (a foreign
 * `Origin`, a cross-site fetch, a rebound DNS name in `Host`, a CORS-"simple"
 * body in place of JSON) and, like AWS, any API call that carries no
 * SigV4-shaped credentials. Signatures themselves are checked by IAM.
 */
export interface FrontDoorOptions {
  /** extra origins allowed besides loopback ones, exactly as browsers send them ("https://app.example:8443"); "*" allows every origin */
  allowedOrigins?: readonly string[];
  /** extra host names the cloud answers to besides loopback names and IP literals (e.g. a compose service name "cloud") */
  allowedHosts?: readonly string[];
}

/** Environment variables read by the cloud when no option is given: comma-separated lists. */
export const ALLOWED_ORIGINS_ENV = "MOVIES_CLOUD_ALLOWED_ORIGINS";
export const ALLOWED_HOSTS_ENV = "MOVIES_CLOUD_ALLOWED_HOSTS";

/** Options merged with the environment: both add to the defaults. */
export function frontDoorOptions(opts: FrontDoorOptions, env: NodeJS.ProcessEnv = process.env): Required<FrontDoorOptions> {
  const list = (v: string | undefined) => (v ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  return {
    allowedOrigins: [...(opts.allowedOrigins ?? []), ...list(env[ALLOWED_ORIGINS_ENV])],
    allowedHosts: [...(opts.allowedHosts ?? []), ...list(env[ALLOWED_HOSTS_ENV])],
  };
}

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "::1"]);

/** `name` of a Host header or URL host: lower case, without port or IPv6 brackets. */
function hostName(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]") < 0 ? undefined : h.indexOf("]"));
  const colon = h.indexOf(":");
  return (colon < 0 ? h : h.slice(0, colon)).replace(/\.$/, "");
}

function isLoopbackName(name: string): boolean {
  return LOOPBACK_NAMES.has(name) || name.endsWith(".localhost") || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** API Gateway's public data plane: a deployed API that answers anyone, as on AWS. */
const DATA_PLANE = /^\/(?:_aws\/execute-api\/|restapis\/[^/]+\/[^/]+\/_user_request_(?:\/|$))/;

export function isDataPlane(path: string): boolean {
  return DATA_PLANE.test(path);
}

/** Paths that are not AWS API calls and need no credentials: the cloud's own endpoints and SNS's unsubscribe link. */
function isPublicPath(route: RouteInfo): boolean {
  if (isCloudEndpoint(route.path)) return true;
  if (isDataPlane(route.path)) return true;
  // The link in every SNS notification works without credentials, as AWS's does.
  return route.method === "GET" && route.path === "/" && route.query.get("Action") === "Unsubscribe" && route.headers.authorization === undefined;
}

/** Content types a browser may send cross-site without a CORS preflight. */
function isSimpleContentType(type: string): boolean {
  return type === "" || type === "text/plain" || type === "application/x-www-form-urlencoded" || type === "multipart/form-data";
}

function mediaType(route: RouteInfo): string {
  return String(route.headers["content-type"] ?? "").split(";", 1)[0]!.trim().toLowerCase();
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
}

const JSON_TARGET_TYPES = new Set(["application/x-amz-json-1.0", "application/x-amz-json-1.1"]);
/** REST-JSON bodies (Lambda, SES v2, API Gateway): JSON, or a blob payload such as an Invoke's, which SDKs send as octet-stream. */
const REST_JSON_TYPES = new Set(["application/json", "application/x-amz-json-1.0", "application/x-amz-json-1.1", "application/octet-stream", "binary/octet-stream"]);
/** Services that speak awsQuery when signed for them. */
const QUERY_SERVICES = new Set(["sns", "sts", "iam", "sqs", "ses"]);

type Protocol = "json" | "query" | "rest";

function protocolOf(route: RouteInfo): Protocol {
  if (route.target) return "json";
  if (speaksQuery(route)) return "query";
  if (route.signingService && QUERY_SERVICES.has(route.signingService) && !route.path.startsWith("/v2/") && route.path === "/") return "query";
  return "rest";
}

/** Error codes per protocol: AWS names the same refusal differently in awsQuery and in JSON. */
interface Refusal {
  query: string;
  json: string;
  status: { query: number; json: number; rest: number };
  message: string;
}

const missingToken = (): Refusal => ({
  query: "MissingAuthenticationToken",
  json: "MissingAuthenticationTokenException",
  status: { query: 403, json: 400, rest: 403 },
  message: "Missing Authentication Token: AWS API calls need a SigV4 Authorization header (or a presigned URL); use an AWS SDK or CLI with any credentials",
});

const incomplete = (why: string): Refusal => ({
  query: "IncompleteSignature",
  json: "IncompleteSignatureException",
  status: { query: 400, json: 400, rest: 403 },
  message: `Authorization header requires ${why}`,
});

const forbidden = (message: string): Refusal => ({ query: "AccessDenied", json: "AccessDeniedException", status: { query: 403, json: 403, rest: 403 }, message });

const badRequest = (query: string, json: string, message: string): Refusal => ({ query, json, status: { query: 400, json: 400, rest: 400 }, message });

function refuse(req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext, r: Refusal): void {
  req.resume();
  const protocol = protocolOf(route);
  if (protocol === "query") {
    sendQueryError(res, ctx, new AwsError(r.query, r.message, r.status.query), "https://movies.local/doc/");
    return;
  }
  if (protocol === "json") {
    const sqs = route.target!.startsWith("AmazonSQS.");
    sendJsonError(res, ctx, new AwsError(r.json, r.message, r.status.json), { typePrefix: "com.amazon.coral.service#", queryErrorCode: sqs ? r.query : undefined });
    return;
  }
  res.setHeader("x-amzn-errortype", r.json);
  sendJsonError(res, ctx, new AwsError(r.json, r.message, r.status.rest));
}

/** Checks the SigV4 shape AWS checks before it looks at a signature: algorithm, credential scope, signed headers, signature. */
function authorizationProblem(route: RouteInfo): Refusal | undefined {
  const auth = route.headers.authorization;
  if (auth === undefined) {
    const q = route.query;
    if (!q.has("X-Amz-Algorithm") && !q.has("X-Amz-Credential") && !q.has("X-Amz-Signature")) return missingToken();
    if (q.get("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256") return incomplete("X-Amz-Algorithm=AWS4-HMAC-SHA256 in a presigned URL");
    for (const p of ["X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Signature"]) if (!q.get(p)) return incomplete(`the ${p} parameter in a presigned URL`);
    if (!validScope(q.get("X-Amz-Credential")!)) return incomplete("X-Amz-Credential of the form KEY/DATE/REGION/SERVICE/aws4_request");
    return undefined;
  }
  if (!auth.startsWith("AWS4-HMAC-SHA256 ")) return incomplete("the AWS4-HMAC-SHA256 algorithm (SigV4)");
  const credential = /Credential=([^,\s]+)/.exec(auth)?.[1];
  if (!credential || !validScope(credential)) return incomplete("a Credential=KEY/DATE/REGION/SERVICE/aws4_request parameter");
  if (!/SignedHeaders=[^,\s]+/.test(auth)) return incomplete("a SignedHeaders parameter");
  if (!/Signature=[0-9a-fA-F]+/.test(auth)) return incomplete("a Signature parameter");
  return undefined;
}

function validScope(credential: string): boolean {
  const parts = credential.split("/");
  return parts.length === 5 && parts.every((p) => p !== "") && parts[4] === "aws4_request";
}

function contentTypeProblem(req: IncomingMessage, route: RouteInfo): Refusal | undefined {
  const type = mediaType(route);
  if (route.target) {
    if (JSON_TARGET_TYPES.has(type)) return undefined;
    return badRequest("UnsupportedMediaType", "UnsupportedMediaTypeException", `Content-Type '${type || "(none)"}' is not accepted for ${route.target}: AWS JSON requests use application/x-amz-json-1.0 or 1.1`);
  }
  if (protocolOf(route) === "query" || !hasBody(req)) return undefined;
  // botocore sends a blob payload (an Invoke's) with no Content-Type at all; the
  // request is signed, which no simple cross-site request can be.
  if (type === "" || REST_JSON_TYPES.has(type)) return undefined;
  return badRequest("UnsupportedMediaType", "UnsupportedMediaTypeException", `Content-Type '${type || "(none)"}' is not accepted for ${route.method} ${route.path}: send application/json`);
}

/** Decodes like a service will, so a path with broken percent-encoding is the caller's error, not a 500. */
function pathDecodes(path: string): boolean {
  if (!path.includes("%")) return true;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

const CORS_EXPOSE = "x-amzn-requestid, x-amzn-errortype, x-amzn-query-error, x-amz-request-id, x-amz-id-2, x-amz-function-error, x-amz-log-result, x-amz-executed-version, x-amz-crc32, etag, date";

/**
 * Returns a check that answers (and returns true for) every request the
 * front door refuses, and CORS preflights from allowed origins.
 */
export function createFrontDoor(options: FrontDoorOptions): (req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext) => boolean {
  const { allowedOrigins, allowedHosts } = frontDoorOptions(options);
  const anyOrigin = allowedOrigins.includes("*");
  const extraOrigins = new Set(allowedOrigins.map((o) => o.replace(/\/$/, "").toLowerCase()));
  const extraHosts = new Set(allowedHosts.map((h) => hostName(h)));

  // IP literals cannot be rebound: DNS rebinding needs a name the attacker controls.
  const hostAllowed = (name: string) => isLoopbackName(name) || isIP(name) !== 0 || extraHosts.has(name);

  const originAllowed = (origin: string, hostHeader: string | undefined): boolean => {
    if (anyOrigin) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // includes "null" (sandboxed frames, file: pages)
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return false;
    if (isLoopbackName(hostName(url.host))) return true;
    if (extraOrigins.has(url.origin.toLowerCase())) return true;
    // The cloud's own origin: a page it served itself (Host already passed the check).
    return hostHeader !== undefined && url.host.toLowerCase() === hostHeader.toLowerCase();
  };

  return (req, res, route, ctx) => {
    const host = typeof req.headers.host === "string" ? req.headers.host : undefined;
    if (host !== undefined && !hostAllowed(hostName(host))) {
      refuse(req, res, route, ctx, forbidden(`Host '${host}' is not a name this cloud answers to (DNS rebinding guard); allow it with --allow-host or ${ALLOWED_HOSTS_ENV}`));
      return true;
    }
    // The data plane is a public API: CORS is what its methods answer, as on API Gateway.
    if (isDataPlane(route.path)) return !pathOk(req, res, route, ctx);

    const origin = typeof req.headers.origin === "string" ? req.headers.origin : undefined;
    if (origin !== undefined) {
      if (!originAllowed(origin, host)) {
        refuse(req, res, route, ctx, forbidden(`Origin '${origin}' is not allowed to call this cloud; allow it with --allow-origin or ${ALLOWED_ORIGINS_ENV}`));
        return true;
      }
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("vary", "Origin");
      res.setHeader("access-control-expose-headers", CORS_EXPOSE);
      if (route.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined) {
        req.resume();
        const asked = req.headers["access-control-request-headers"];
        res.writeHead(204, {
          "access-control-allow-methods": "GET, HEAD, POST, PUT, PATCH, DELETE",
          ...(typeof asked === "string" && asked !== "" ? { "access-control-allow-headers": asked } : {}),
          "access-control-max-age": "600",
          "x-amzn-requestid": ctx.requestId,
        });
        res.end();
        return true;
      }
    } else if (req.headers["sec-fetch-site"] === "cross-site" && !(isReadOnly(route) && isCloudEndpoint(route.path))) {
      // A browser's no-cors request (an <img>, a <form> without Origin in older engines) from another site.
      refuse(req, res, route, ctx, forbidden("Cross-site requests from web pages are not allowed to call this cloud"));
      return true;
    }
    if (!pathOk(req, res, route, ctx)) return true;

    if (isPublicPath(route)) {
      // The cloud's own endpoints that change state take no CORS-"simple" POST, so a form cannot reach them.
      if (route.method === "POST" && isSimpleContentType(mediaType(route))) {
        refuse(req, res, route, ctx, badRequest("UnsupportedMediaType", "UnsupportedMediaTypeException", `POST ${route.path} takes application/json`));
        return true;
      }
      return false;
    }
    const problem = authorizationProblem(route) ?? contentTypeProblem(req, route);
    if (problem) {
      refuse(req, res, route, ctx, problem);
      return true;
    }
    return false;
  };
}

function isCloudEndpoint(path: string): boolean {
  return path.startsWith("/_movies/") || path.startsWith("/_aws/");
}

function isReadOnly(route: RouteInfo): boolean {
  return route.method === "GET" || route.method === "HEAD";
}

function pathOk(req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext): boolean {
  if (pathDecodes(route.path)) return true;
  const message = `The request path is not valid percent-encoding (UTF-8): ${route.path.slice(0, 200)}`;
  refuse(req, res, route, ctx, badRequest("MalformedQueryString", isDataPlane(route.path) ? "BadRequestException" : "ValidationException", message));
  return false;
}
