import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import { findPluginMirror, Terraform, terraformMissingReason } from "../stacks/terraform/terraform.js";
import { emulatorProviderBlocks } from "./support/terraform-provider.js";

/**
 * Real Terraform (hashicorp/aws 5.100.0) drives the IAM API: the resource
 * types the MoviesStack uses and their neighbours apply, plan clean, update in
 * place, plan clean again and destroy, leaving IAM empty.
 */
const missing = terraformMissingReason() ?? (findPluginMirror() ? undefined : "no filesystem mirror holds hashicorp/aws (set MOVIES_TF_PLUGIN_MIRROR)");
if (missing) console.warn(`IAM Terraform test skipped: ${missing}`);

const TRUST = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };

function config(endpoint: string, variant: { logsAction: string; description: string }) {
  return {
    ...emulatorProviderBlocks(endpoint, ["iam", "sts"]),
    resource: {
      aws_iam_role: { fn: { name: "tf-fn-role", assume_role_policy: JSON.stringify(TRUST), description: variant.description, tags: { app: "movies" } } },
      aws_iam_role_policy: {
        read: { name: "read", role: "${aws_iam_role.fn.id}", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: "*" }] }) },
      },
      aws_iam_policy: {
        logs: { name: "tf-logs", path: "/app/", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: variant.logsAction, Resource: "*" }] }) },
      },
      aws_iam_role_policy_attachment: {
        logs: { role: "${aws_iam_role.fn.name}", policy_arn: "${aws_iam_policy.logs.arn}" },
        basic: { role: "${aws_iam_role.fn.name}", policy_arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" },
      },
    },
    output: { role_arn: { value: "${aws_iam_role.fn.arn}" }, policy_arn: { value: "${aws_iam_policy.logs.arn}" } },
  };
}

describe.skipIf(missing !== undefined)("IAM driven by real Terraform", () => {
  let cloud: Cloud;
  let dir: string;
  let tf: Terraform;
  const write = (variant: { logsAction: string; description: string }) => writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(config(cloud.url, variant)));

  beforeAll(async () => {
    cloud = await startCloud({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), "iam-tf-"));
    tf = new Terraform({ dir });
  });
  afterAll(async () => {
    await cloud?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("applies, plans clean, updates in place, plans clean and destroys", { timeout: 300_000 }, async () => {
    write({ logsAction: "logs:*", description: "a role" });
    await tf.init();
    await tf.apply();
    const out = await tf.outputValues();
    expect(out.role_arn).toBe("arn:aws:iam::000000000000:role/tf-fn-role");
    expect(cloud.iam.listAttachedRolePolicies("tf-fn-role").map((p) => p.name).sort()).toEqual(["AWSLambdaBasicExecutionRole", "tf-logs"]);
    expect(cloud.iam.listRolePolicies("tf-fn-role")).toEqual(["read"]);
    expect((await tf.plan()).changes).toBe(false);

    write({ logsAction: "logs:PutLogEvents", description: "another role" });
    await tf.apply();
    expect(cloud.iam.getRole("tf-fn-role").description).toBe("another role");
    expect(cloud.iam.listPolicyVersions(String(out.policy_arn)).map((v) => [v.id, v.isDefault])).toEqual([
      ["v2", true],
      ["v1", false],
    ]);
    expect((await tf.plan()).changes).toBe(false);

    await tf.destroy();
    expect(cloud.iam.listRoles()).toEqual([]);
    expect(cloud.iam.listPolicies({ scope: "Local" })).toEqual([]);
  });
});
