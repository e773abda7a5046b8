import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { directoryAssetResolver } from "./assets.js";
import { applyStack } from "./engine.js";
import { terraformApplyOutputs, terraformMissingReason } from "./fixtures/terraform.js";

/**
 * The loader must compute what Terraform computes. This applies one
 * configuration with real Terraform and the real hashicorp/aws 5.100.0
 * provider (offline; policy documents and functions need no AWS) and with the
 * loader, and compares `terraform output -json` with the loader's outputs.
 */

const missing = terraformMissingReason();
if (missing) console.log(`skipping Terraform conformance: ${missing}`);

const config = {
  terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
  provider: {
    aws: [
      { region: "us-east-1", access_key: "test", secret_key: "test", skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: "true" },
    ],
  },
  variable: {
    prefix: { type: "string", default: "demo" },
    retries: { type: "number", default: 3 },
    enabled: { type: "bool", default: true },
    sender: { type: "string", default: "a<b>&c@example.com" },
  },
  locals: {
    names: ["b", "a", "b"],
    tags: { Team: "movies", Env: "dev" },
    queue: "${var.prefix}-queue",
  },
  data: {
    aws_iam_policy_document: {
      queue: {
        statement: [
          {
            sid: "One",
            actions: ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:SendMessage"],
            resources: ["arn:aws:sqs:us-east-1:000000000000:${local.queue}"],
            principals: [
              { type: "Service", identifiers: ["sns.amazonaws.com", "lambda.amazonaws.com"] },
              { type: "AWS", identifiers: ["*"] },
            ],
            condition: [
              { test: "ArnEquals", variable: "aws:SourceArn", values: ["arn:b", "arn:a"] },
              { test: "StringEquals", variable: "ses:FromAddress", values: ["${var.sender}"] },
            ],
          },
          { effect: "Deny", not_actions: ["iam:*"], not_resources: ["arn:aws:s3:::b/&{aws:username}/*", "arn:aws:s3:::a"] },
          { actions: ["s3:GetObject"], resources: ["*"], principals: [{ type: "*", identifiers: ["*"] }] },
        ],
      },
      base: {
        statement: [
          { sid: "Keep", actions: ["s3:GetObject"], resources: ["*"] },
          { sid: "Replace", actions: ["s3:PutObject"], resources: ["*"] },
        ],
      },
      merged: {
        source_policy_documents: ["${data.aws_iam_policy_document.base.json}"],
        policy_id: "merged-doc",
        version: "2012-10-17",
        statement: [
          {
            sid: "Extra",
            effect: "Deny",
            actions: ["sqs:*"],
            resources: ["*"],
            not_principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"] }],
          },
        ],
        override_policy_documents: [
          '${jsonencode({Statement = [{Sid = "Replace", Effect = "Deny", Action = "s3:PutObject", Resource = "*", Principal = {AWS = ["arn:aws:iam::1:root", "arn:aws:iam::2:root"]}, Condition = {Bool = {"aws:SecureTransport" = false}}}]})}',
        ],
      },
      empty: {},
    },
  },
  output: {
    queue_json: { value: "${data.aws_iam_policy_document.queue.json}" },
    queue_min: { value: "${data.aws_iam_policy_document.queue.minified_json}" },
    queue_id: { value: "${data.aws_iam_policy_document.queue.id}" },
    merged_json: { value: "${data.aws_iam_policy_document.merged.json}" },
    empty_json: { value: "${data.aws_iam_policy_document.empty.json}" },
    jsonencode: { value: '${jsonencode({b = 1, a = [true, null, "x<y&z"], c = {z = 1.5, y = local.queue}})}' },
    hashes: { value: '${join(",", [sha1(var.prefix), sha256(var.prefix), md5(var.prefix), base64encode(var.prefix), base64sha256(var.prefix)])}' },
    files: { value: '${join(",", [filebase64sha256("asset.txt"), filemd5("asset.txt")])}' },
    strings: {
      value:
        '${join("|", [lower("AbC"), upper(var.prefix), trimprefix("arn:aws:x", "arn:"), trimsuffix("f.zip", ".zip"), substr("hello world", 6, -1), substr("hello", -3, 2), replace("a.b.c", ".", "-"), replace("movie-123", "/([a-z]+)-(\\\\d+)/", "$2:$1"), coalesce("", "x"), tostring(42), element(local.names, 4), lookup(local.tags, "Team"), lookup(local.tags, "Owner", "nobody")])}',
    },
    formatted: { value: '${format("%s-%03d-%v-%.2f-%q-%%-%5s|%-4s|", var.prefix, 7, var.enabled, 3.14159, "q", "ab", "cd")}' },
    lists: { value: '${join(",", concat(split("-", "x-y"), tolist(toset(local.names)), flatten([["p"], [["q"]]]), [length(local.names), length("héllo"), length(local.tags)]))}' },
    merged_map: { value: '${jsonencode(merge(local.tags, {Env = "prod"}, {Extra = tonumber("4.5")}))}' },
    extras: {
      value:
        '${jsonencode([jsondecode("{\\"b\\":[1,2],\\"a\\":null}"), sha512(var.prefix), base64sha512(var.prefix), base64decode("aGk="), file("asset.txt"), filebase64("asset.txt"), filesha256("asset.txt"), tobool("true"), title("hello movie world"), trimspace("  x  "), startswith(var.prefix, "mo"), endswith(var.prefix, "x"), distinct(["a", "b", "a"]), compact(["a", "", "b"]), contains(local.names, "a"), keys(local.tags), values(local.tags), zipmap(["k1", "k2"], [1, 2]), reverse([1, 2, 3]), sort(["b", "c", "a"]), abs(-2), ceil(1.2), floor(1.8), max(1, 5, 3), min(4, 2), 7 % 3, 10 / 4, -var.retries, !var.enabled, var.retries != 5, tomap({a = "1"})])}',
    },
    arithmetic: { value: "${var.retries * 2 + 1}" },
    condition: { value: '${var.enabled && var.retries > 2 ? "many" : "few"}' },
    number: { value: "${var.retries}" },
    flag: { value: "${var.enabled}" },
    tuple: { value: '${["a", 1, true]}' },
    object: { value: '${{name = local.queue, retries = var.retries}}' },
    secret: { value: "${sha256(var.sender)}", sensitive: true },
  },
};

const variables = { prefix: "movies", retries: "5" };

describe.skipIf(missing !== undefined)("conformance with real Terraform and hashicorp/aws 5.100.0", () => {
  const dir = mkdtempSync(join(tmpdir(), "stack-conformance-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("computes the same outputs, policy documents and function results", async () => {
    writeFileSync(join(dir, "asset.txt"), "asset bytes\n");
    const theirs = terraformApplyOutputs(dir, config, variables) as Record<string, { sensitive: boolean; type: unknown; value: unknown }>;
    const ours = await applyStack(config, {
      providers: {},
      accountId: "000000000000",
      region: "us-east-1",
      variables,
      assetResolver: directoryAssetResolver(dir),
    });
    expect(Object.keys(ours.outputs)).toEqual(Object.keys(theirs));
    for (const [name, out] of Object.entries(theirs)) {
      expect({ name, value: ours.outputs[name].value, sensitive: ours.outputs[name].sensitive }).toEqual({ name, value: out.value, sensitive: out.sensitive });
      // collection types from functions (list, set, map) are not tracked; primitives and literals are
      if (typeof out.type === "string" || (Array.isArray(out.type) && (out.type[0] === "tuple" || out.type[0] === "object"))) {
        expect({ name, type: ours.outputs[name].type }).toEqual({ name, type: out.type });
      }
    }
  }, 120_000);
});
