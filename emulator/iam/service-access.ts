import { evaluate, type Decision } from "./evaluate.js";
import { parsePolicy, type PolicyDocument } from "./policy.js";
import { splitArn } from "./wildcard.js";

export interface ServiceAccessRequest {
  /** the resource policy (queue Policy, function policy from aws_lambda_permission...), JSON text or object */
  policy: string | object | undefined;
  /** the service principal acting, e.g. "sns.amazonaws.com", "apigateway.amazonaws.com" */
  service: string;
  action: string;
  resource: string;
  /** what the service acts for: the topic, the API's execute-api ARN... (aws:SourceArn) */
  sourceArn?: string;
  /** aws:SourceAccount; defaults to the account in sourceArn */
  sourceAccount?: string;
  /** how diagnostics name the policy; "the resource policy of <resource>" by default */
  policyName?: string;
}

/**
 * May an AWS service act on a resource on its own behalf? Only the
 * resource's policy counts (a service principal has no identity policies),
 * so no policy means no. Throws PolicyError for a malformed policy.
 */
export function serviceAllowedByResourcePolicy(req: ServiceAccessRequest): Decision {
  const noPolicy: Decision = { decision: "ImplicitDeny", allowed: false, reason: `because no resource-based policy allows the ${req.action} action` };
  if (req.policy === undefined || req.policy === "") return noPolicy;
  const document = parsedOnce(typeof req.policy === "string" ? req.policy : JSON.stringify(req.policy));
  const context: Record<string, string> = {};
  if (req.sourceArn) context["aws:SourceArn"] = req.sourceArn;
  const account = req.sourceAccount ?? (req.sourceArn ? splitArn(req.sourceArn)?.[4] : undefined);
  if (account) context["aws:SourceAccount"] = account;
  return evaluate(
    { action: req.action, resource: req.resource, principalService: req.service, context },
    { identityPolicies: [], resourcePolicy: { name: req.policyName ?? `the resource policy of ${req.resource}`, document } },
  );
}

const parsed = new Map<string, PolicyDocument>();

/** SNS asks for every delivery with the same few queue policies: parse each text once. */
function parsedOnce(text: string): PolicyDocument {
  let doc = parsed.get(text);
  if (!doc) {
    doc = parsePolicy(text, "resource");
    if (parsed.size > 1000) parsed.clear();
    parsed.set(text, doc);
  }
  return doc;
}
