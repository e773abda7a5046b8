import { describe, expect, it } from "vitest";
import type { TerraformMessage } from "../../stacks/terraform/terraform.js";
import { ApplyProgress, failureLines } from "./apply-progress.js";

const msg = (type: string, extra: Partial<TerraformMessage> = {}): TerraformMessage => ({ "@level": "info", "@message": type, type, ...extra });
const hook = (addr: string, action: string) => ({ hook: { resource: { addr }, action } });

describe("ApplyProgress folds terraform -json messages", () => {
  it("counts the plan's changes, resources done and in flight; data-source reads do not count", () => {
    const p = new ApplyProgress();
    p.onMessage(msg("apply_start", hook("data.aws_region.current", "read")));
    p.onMessage(msg("apply_complete", hook("data.aws_region.current", "read")));
    p.onMessage(msg("change_summary", { changes: { add: 3, change: 1, remove: 1, operation: "plan" } }));
    p.onMessage(msg("apply_start", hook("aws_sqs_queue.q", "create")));
    p.onMessage(msg("apply_start", hook("aws_sns_topic.t", "create")));
    p.onMessage(msg("apply_complete", hook("aws_sqs_queue.q", "create")));
    expect(p.plan).toEqual({ add: 3, change: 1, remove: 1 });
    expect(p.total).toBe(5);
    expect(p.done).toBe(1);
    expect([...p.inFlight.keys()]).toEqual(["aws_sns_topic.t"]);
    // the apply's own summary at the end does not replace the plan's
    p.onMessage(msg("change_summary", { changes: { add: 1, change: 0, remove: 0, operation: "apply" } }));
    expect(p.total).toBe(5);
  });

  it("keeps failures with the resource and AWS's message, without the SDK's wrapping", () => {
    const p = new ApplyProgress();
    p.onMessage(msg("apply_errored", hook("aws_iam_role.r", "create")));
    p.onMessage(
      msg("diagnostic", {
        "@level": "error",
        diagnostic: {
          severity: "error",
          address: "aws_iam_role.r",
          summary: "creating IAM Role (r): operation error IAM: CreateRole, https response error StatusCode: 403, RequestID: 1, api error AccessDenied: User is not authorized",
          detail: "",
        },
      }),
    );
    p.onMessage(msg("diagnostic", { "@level": "warn", diagnostic: { severity: "warning", summary: "deprecated" } }));
    expect(p.failures).toHaveLength(1);
    expect(failureLines(p.failures[0]!)).toEqual(["aws_iam_role.r: creating IAM Role (r): AccessDenied: User is not authorized"]);
    expect(p.warnings).toEqual(["deprecated"]);
    expect(p.inFlight.size).toBe(0);
  });
});
