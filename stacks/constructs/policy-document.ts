import { Construct, DataAwsIamPolicyDocument } from "../cdktf.js";

export interface PolicyStatement {
  sid: string;
  actions: string[];
  /** Omitted only in trust policies, where IAM forbids a Resource element. */
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

/** An allow-only policy document; its `.json` goes into a role policy or a resource policy. */
export function policyDocument(scope: Construct, logicalId: string, statements: PolicyStatement[]): DataAwsIamPolicyDocument {
  const doc = new DataAwsIamPolicyDocument(scope, logicalId, {
    statement: statements.map((s) => ({
      sid: s.sid,
      effect: "Allow",
      actions: s.actions,
      ...(s.resources ? { resources: s.resources } : {}),
      ...(s.principals ? { principals: s.principals } : {}),
      ...(s.conditions ? { condition: s.conditions } : {}),
    })),
  });
  doc.overrideLogicalId(logicalId);
  return doc;
}
