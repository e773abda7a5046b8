import { AwsError } from "../core/aws-error.js";

/**
 * How each service reports a denied call. The text follows what AWS returns
 * today, quirks included, so code and tests that match on it behave the same
 * here and on AWS:
 * - DynamoDB: AccessDeniedException, HTTP 400.
 * - SQS: AccessDenied (query-compatible code; the JSON `__type` is
 *   AccessDeniedException), HTTP 403, action in lower case (`sqs:sendmessage`).
 * - SNS: AuthorizationError, HTTP 403, action as `SNS:Publish`.
 * - SES v1: AccessDenied, HTTP 403, in SES's own backquoted wording.
 * - SES v2, Lambda, everything else: AccessDeniedException, HTTP 403.
 */
interface DenialShape {
  code: string;
  status: number;
  action?: (action: string) => string;
  sesV1Wording?: boolean;
}

const SHAPES: Record<string, DenialShape> = {
  dynamodb: { code: "AccessDeniedException", status: 400 },
  sqs: { code: "AccessDenied", status: 403, action: (a) => a.toLowerCase() },
  sns: { code: "AuthorizationError", status: 403, action: (a) => `SNS:${a.slice(a.indexOf(":") + 1)}` },
  ses: { code: "AccessDenied", status: 403, sesV1Wording: true },
  sts: { code: "AccessDenied", status: 403 },
};
const DEFAULT_SHAPE: DenialShape = { code: "AccessDeniedException", status: 403 };

export interface Denial {
  /** "dynamodb", "sqs", "sns", "ses", "sesv2", "lambda", ... */
  service: string;
  principalArn: string;
  action: string;
  resource: string;
  /** from the decision, e.g. "because no identity-based policy allows the dynamodb:GetItem action" */
  reason: string;
}

/** The text AWS puts in the error message. */
export function accessDeniedMessage(d: Denial): string {
  const shape = SHAPES[d.service] ?? DEFAULT_SHAPE;
  const action = shape.action ? shape.action(d.action) : d.action;
  if (shape.sesV1Wording) {
    return `User \`${d.principalArn}' is not authorized to perform \`${action}' on resource \`${d.resource}'`;
  }
  const reason = shape.action ? d.reason.replace(d.action, action) : d.reason;
  return `User: ${d.principalArn} is not authorized to perform: ${action} on resource: ${d.resource} ${reason}`;
}

export function accessDeniedError(d: Denial): AwsError {
  const shape = SHAPES[d.service] ?? DEFAULT_SHAPE;
  return new AwsError(shape.code, accessDeniedMessage(d), shape.status);
}
