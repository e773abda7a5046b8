import type { IncomingMessage, ServerResponse } from "node:http";
import type { CallContext, RouteInfo, Service } from "../core/service.js";
import { checkCall } from "../iam/authorize.js";
import type { PrincipalRegistry } from "../iam/principals.js";
import { sessionTokenOf, verifySignature } from "../iam/sigv4-verify.js";
import { AwsError, isAwsError } from "../core/aws-error.js";
import { speaksQuery } from "../core/unclaimed.js";
import { SQS_ERROR_TYPE_PREFIX, shapeOf } from "../sqs/errors.js";
import { sendJsonError } from "../wire/aws-json.js";
import { readBody } from "../wire/body.js";
import { callOfRequest } from "./call-of-request.js";
import { replayedRequest } from "./replayed-request.js";
import { traceAwsCall, type AwsCallSpan } from "../trace/aws-call.js";
import type { Tracer } from "../trace/tracer.js";

export interface IamGuardOptions {
  iam: PrincipalRegistry;
  /** a resource's policy (the queue's Policy attribute...), when the call acts on one */
  resourcePolicyOf?: (resourceArn: string) => string | object | undefined;
  sesIdentityExists?: (region: string, identity: string) => boolean;
  /** records each call made with an execution environment's credentials as a child span of the invocation running there */
  tracer?: Tracer;
}

/** How a request's protocol reports credential errors: awsQuery (XML), AWS JSON (X-Amz-Target), or REST-JSON. */
type Dialect = "query" | "json" | "rest";

function dialectOf(route: RouteInfo): Dialect {
  if (route.target) return "json";
  return speaksQuery(route) ? "query" : "rest";
}

const INVALID_TOKEN = "The security token included in the request is invalid.";

/** A key the cloud does not know, or a session token that is not the key's: as AWS answers both. */
function unrecognizedClient(d: Dialect): AwsError {
  return d === "query" ? new AwsError("InvalidClientTokenId", INVALID_TOKEN, 403) : new AwsError("UnrecognizedClientException", INVALID_TOKEN, d === "json" ? 400 : 403);
}

/** An issued key whose execution environment ended: the session is over, as an expired STS session is. */
function expiredToken(d: Dialect): AwsError {
  const message = "The security token included in the request is expired";
  return d === "query" ? new AwsError("ExpiredToken", message, 403) : new AwsError("ExpiredTokenException", message, d === "json" ? 400 : 403);
}

function badSignature(d: Dialect, message: string): AwsError {
  return d === "query" ? new AwsError("SignatureDoesNotMatch", message, 403) : new AwsError("InvalidSignatureException", message, d === "json" ? 400 : 403);
}

/**
 * Puts IAM in front of a service. Credentials the cloud issued (a function's
 * execution environment) must carry a valid SigV4 signature and their own
 * session token, and the call must be one the guard can name and the role
 * allows: a call it cannot attribute to an IAM action is denied, never let
 * through. A revoked key gets ExpiredToken. Any other key is the account
 * root and goes straight through with its body unread, unless the cloud runs
 * with `iam: "strict"`, where only the root key (`test`, signature checked)
 * gets in and the rest are refused as AWS refuses an unknown key.
 */
export function withIamCheck(service: Service, opts: IamGuardOptions): Service {
  const guarded: Service = Object.create(service) as Service;
  const check = async (req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext, traced?: AwsCallSpan) => {
    const { iam } = opts;
    if (!iam.enforce) return service.handle(req, res, route, ctx);
    const standing = iam.standing(ctx.accessKeyId);
    if (standing.kind === "unknown" && (iam.unknownKeys === "root" || ctx.accessKeyId === undefined)) return service.handle(req, res, route, ctx);
    try {
      const dialect = dialectOf(route);
      if (standing.kind === "unknown") throw unrecognizedClient(dialect);
      if (standing.kind === "revoked") throw expiredToken(dialect);
      const body = await readBody(req);
      const signature = verifySignature(req, body, standing.secretAccessKey);
      if (!signature.ok) throw badSignature(dialect, signature.message);
      if (standing.kind === "issued") {
        if (sessionTokenOf(req, route.query) !== standing.sessionToken) throw unrecognizedClient(dialect);
        const call = callOfRequest(service.name, route, body);
        // the span reuses what IAM decoded: the body is parsed once
        if (call) traced?.decoded(call);
        if (!call) {
          const principal = iam.principalFor(ctx.accessKeyId);
          throw new AwsError(
            "AccessDeniedException",
            `User: ${principal.arn} is not authorized to perform ${route.method} ${route.path}: the embedded cloud cannot name the IAM action this request needs, so it refuses it for a function's credentials.`,
            403,
          );
        }
        checkCall(
          {
            ...call,
            accessKeyId: ctx.accessKeyId,
            region: ctx.region,
            accountId: ctx.accountId,
            resourcePolicyOf: opts.resourcePolicyOf,
            sesIdentityExists: opts.sesIdentityExists ? (identity) => opts.sesIdentityExists!(ctx.region, identity) : undefined,
          },
          iam,
        );
      }
      return await service.handle(replayedRequest(req, body), res, route, ctx);
    } catch (err) {
      req.resume();
      if (isAwsError(err)) traced?.failed(err.code);
      // REST-JSON clients (Lambda, SES v2) read the code from this header; the router's JSON error does not set it.
      if (isAwsError(err) && !res.headersSent && dialectOf(route) === "rest") res.setHeader("x-amzn-errortype", err.code);
      // SQS's JSON errors name the modelled shape and carry the query code beside it; the router's generic JSON error would not
      if (service.name !== "sqs" || !isAwsError(err) || res.headersSent) throw err;
      sendJsonError(res, ctx, new AwsError(shapeOf(err.code), err.message, err.statusCode, err.fault), { typePrefix: SQS_ERROR_TYPE_PREFIX, queryErrorCode: err.code });
    }
  };
  guarded.handle = (req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext) => {
    const invocation = opts.tracer?.invocationOf(ctx.accessKeyId);
    if (!invocation) return check(req, res, route, ctx);
    const traced = traceAwsCall(opts.tracer!, invocation, service.name, route, res);
    ctx.trace = traced.span;
    return check(req, res, route, ctx, traced);
  };
  return guarded;
}
