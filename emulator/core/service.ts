import type { IncomingMessage, ServerResponse } from "node:http";
import type { RowState } from "./row-state.js";
import type { SpanContext } from "../trace/span.js";

/** What the router learned about a request before any service sees it. Never reads the body. */
export interface RouteInfo {
  method: string;
  /** path without the query string */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  /** `X-Amz-Target` header, e.g. "AmazonSQS.SendMessage" */
  target?: string;
  /** service name from the SigV4 credential scope, e.g. "sns", "ses", "sts" */
  signingService?: string;
}

/** Who is calling, and where: handed to every operation. */
export interface CallContext {
  requestId: string;
  /** region from the SigV4 credential scope; "us-east-1" when unsigned */
  region: string;
  /** account id, "000000000000" by default */
  accountId: string;
  /** the URL the client used to reach us, e.g. "http://127.0.0.1:4566"; used in QueueUrls */
  baseUrl: string;
  /** access key id from the signature; the IAM evaluator maps function credentials to roles */
  accessKeyId?: string;
  /** the span of this call when a function's invocation made it: what the call causes (SNS fan-out, SQS enqueue) joins its trace */
  trace?: SpanContext;
}

/**
 * One emulated service behind the router. A service claims requests by what
 * the wire says and answers them itself through its protocol's codec.
 */
export interface Service {
  readonly name: string;
  claims(route: RouteInfo): boolean;
  handle(req: IncomingMessage, res: ServerResponse, route: RouteInfo, ctx: CallContext): Promise<void>;
  /**
   * JSON-serialisable state for the state dir; restore() receives the same value
   * and throws when it is not of the shape snapshot() makes. Stored as one
   * document, rewritten when it changed. Services with much state use `rows`.
   */
  snapshot?(): unknown;
  restore?(state: unknown): void;
  /** state kept entity by entity (one row per SQS message); preferred over snapshot() when present */
  readonly rows?: RowState;
  /** extra fields for `GET /_movies/health` (counts, mode); must be cheap and must not throw */
  status?(): Record<string, unknown>;
  /** release timers, pending long polls, files */
  close?(): Promise<void>;
}

/** Delivery of one message into an SQS queue, used by SNS fan-out (and later Lambda). */
export interface SqsMessageInput {
  body: string;
  messageAttributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Buffer }>;
  delaySeconds?: number;
}

export interface SqsDelivery {
  /** enqueue into the queue with this ARN; throws AwsError("AWS.SimpleQueueService.NonExistentQueue") if missing */
  deliver(queueArn: string, message: SqsMessageInput, trace?: SpanContext): void;
  /** the queue's access policy document (JSON string) or undefined, for resource-policy checks */
  policyOf(queueArn: string): string | undefined;
}
