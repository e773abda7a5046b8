import { describe, expect, it } from "vitest";
import { builtinDataSources, renderPolicyDocument } from "./data-sources.js";
import { StackError } from "./errors.js";

/** Expected texts were produced by terraform 1.11 with hashicorp/aws 5.100.0 (see terraform-conformance.test.ts). */
const QUEUE_POLICY =
  '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "One",\n      "Effect": "Allow",\n      "Action": [\n        "sqs:SendMessage",\n        "sqs:ReceiveMessage",\n        "sqs:DeleteMessage"\n      ],\n      "Resource": "arn:aws:sqs:us-east-1:000000000000:movies-queue",\n      "Principal": {\n        "AWS": "*",\n        "Service": [\n          "sns.amazonaws.com",\n          "lambda.amazonaws.com"\n        ]\n      },\n      "Condition": {\n        "ArnEquals": {\n          "aws:SourceArn": [\n            "arn:b",\n            "arn:a"\n          ]\n        },\n        "StringEquals": {\n          "ses:FromAddress": "a\\u003cb\\u003e\\u0026c@example.com"\n        }\n      }\n    },\n    {\n      "Effect": "Deny",\n      "NotAction": "iam:*",\n      "NotResource": [\n        "arn:aws:s3:::b/${aws:username}/*",\n        "arn:aws:s3:::a"\n      ]\n    },\n    {\n      "Effect": "Allow",\n      "Action": "s3:GetObject",\n      "Resource": "*",\n      "Principal": "*"\n    }\n  ]\n}';

const MERGED_POLICY =
  '{\n  "Version": "2012-10-17",\n  "Id": "merged-doc",\n  "Statement": [\n    {\n      "Sid": "Keep",\n      "Effect": "Allow",\n      "Action": "s3:GetObject",\n      "Resource": "*"\n    },\n    {\n      "Sid": "Replace",\n      "Effect": "Deny",\n      "Action": "s3:PutObject",\n      "Resource": "*",\n      "Principal": {\n        "AWS": [\n          "arn:aws:iam::2:root",\n          "arn:aws:iam::1:root"\n        ]\n      },\n      "Condition": {\n        "Bool": {\n          "aws:SecureTransport": "false"\n        }\n      }\n    },\n    {\n      "Sid": "Extra",\n      "Effect": "Deny",\n      "Action": "sqs:*",\n      "Resource": "*",\n      "NotPrincipal": {\n        "AWS": [\n          "arn:aws:iam::444455556666:root",\n          "arn:aws:iam::111122223333:root"\n        ]\n      }\n    }\n  ]\n}';

describe("aws_iam_policy_document", () => {
  it("renders statements as the provider does: one value as a string, sets reverse-sorted, maps sorted, empty fields left out", () => {
    const doc = renderPolicyDocument({
      statement: [
        {
          sid: "One",
          actions: ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:SendMessage"],
          resources: ["arn:aws:sqs:us-east-1:000000000000:movies-queue"],
          principals: [
            { type: "Service", identifiers: ["sns.amazonaws.com", "lambda.amazonaws.com"] },
            { type: "AWS", identifiers: ["*"] },
          ],
          condition: [
            { test: "ArnEquals", variable: "aws:SourceArn", values: ["arn:b", "arn:a"] },
            { test: "StringEquals", variable: "ses:FromAddress", values: ["a<b>&c@example.com"] },
          ],
        },
        { effect: "Deny", not_actions: ["iam:*"], not_resources: ["arn:aws:s3:::b/&{aws:username}/*", "arn:aws:s3:::a"] },
        { actions: ["s3:GetObject"], resources: ["*"], principals: [{ type: "*", identifiers: ["*"] }] },
      ],
    });
    expect(doc.json).toBe(QUEUE_POLICY);
    expect(doc.id).toBe("3855787307");
    expect(doc.minified_json).toBe(JSON.stringify(JSON.parse(QUEUE_POLICY)).replace("a<b>&c", "a\\u003cb\\u003e\\u0026c"));
  });

  it("merges source and override documents by Sid", () => {
    const base = renderPolicyDocument({
      statement: [
        { sid: "Keep", actions: ["s3:GetObject"], resources: ["*"] },
        { sid: "Replace", actions: ["s3:PutObject"], resources: ["*"] },
      ],
    }).json;
    const override = JSON.stringify({
      Statement: [
        { Action: "s3:PutObject", Condition: { Bool: { "aws:SecureTransport": false } }, Effect: "Deny", Principal: { AWS: ["arn:aws:iam::1:root", "arn:aws:iam::2:root"] }, Resource: "*", Sid: "Replace" },
      ],
    });
    const doc = renderPolicyDocument({
      source_policy_documents: [base],
      policy_id: "merged-doc",
      statement: [
        { sid: "Extra", effect: "Deny", actions: ["sqs:*"], resources: ["*"], not_principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"] }] },
      ],
      override_policy_documents: [override],
    });
    expect(doc.json).toBe(MERGED_POLICY);
  });

  it("renders a document without statements as its version alone", () => {
    expect(renderPolicyDocument({}).json).toBe('{\n  "Version": "2012-10-17"\n}');
  });

  it("rejects duplicate Sids and bad effects with the provider's wording", () => {
    expect(() => renderPolicyDocument({ statement: [{ sid: "A", actions: ["x:Y"] }, { sid: "A", actions: ["x:Z"] }] })).toThrow(/duplicate Sid \(A\)/);
    expect(() => renderPolicyDocument({ statement: [{ effect: "Maybe" }] })).toThrow(StackError);
  });
});

describe("account, region and partition data sources", () => {
  const cloud = { accountId: "123456789012", region: "eu-west-1" };

  it("describes the cloud the stack is applied to", async () => {
    expect(await builtinDataSources.aws_caller_identity.read({}, cloud)).toEqual({
      id: "123456789012",
      account_id: "123456789012",
      arn: "arn:aws:iam::123456789012:root",
      user_id: "123456789012",
    });
    expect(await builtinDataSources.aws_region.read({}, cloud)).toMatchObject({ id: "eu-west-1", name: "eu-west-1", region: "eu-west-1", description: "Europe (Ireland)", endpoint: "ec2.eu-west-1.amazonaws.com" });
    expect(await builtinDataSources.aws_region.read({ name: "us-west-2" }, cloud)).toMatchObject({ name: "us-west-2", region: "us-west-2" });
    expect(await builtinDataSources.aws_partition.read({}, cloud)).toEqual({ id: "aws", partition: "aws", dns_suffix: "amazonaws.com", reverse_dns_prefix: "com.amazonaws" });
    expect(await builtinDataSources.aws_partition.read({}, { ...cloud, region: "cn-north-1" })).toMatchObject({ partition: "aws-cn", dns_suffix: "amazonaws.com.cn" });
  });
});
