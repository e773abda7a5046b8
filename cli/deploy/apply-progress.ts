import type { TerraformMessage } from "../../stacks/terraform/terraform.js";

export interface PlanSummary {
  add: number;
  change: number;
  remove: number;
}

export interface ResourceFailure {
  /** the resource address, e.g. aws_sqs_queue.movie-updates-queue, when Terraform names one */
  address?: string;
  summary: string;
  /** AWS's own message, as the provider passed it on */
  detail?: string;
}

/**
 * What `terraform plan|apply -json` has said so far, folded into the few facts
 * a person watches: the plan summary, resources done of total, the ones in
 * flight (with when they started), and what failed with AWS's message.
 */
export class ApplyProgress {
  plan?: PlanSummary;
  done = 0;
  readonly inFlight = new Map<string, { action: string; since: number }>();
  readonly failures: ResourceFailure[] = [];
  readonly warnings: string[] = [];
  readonly startedAt = Date.now();

  get total(): number {
    return this.plan ? this.plan.add + this.plan.change + this.plan.remove : 0;
  }

  onMessage(m: TerraformMessage): void {
    switch (m.type) {
      case "change_summary":
        if (m.changes?.operation === "plan" || !this.plan) this.plan = { add: m.changes!.add, change: m.changes!.change, remove: m.changes!.remove };
        break;
      case "apply_start": {
        const addr = m.hook?.resource?.addr;
        // data sources are read during the plan too; only changes count toward the plan's total
        if (m.hook?.action === "read") break;
        if (addr) this.inFlight.set(addr, { action: m.hook?.action ?? "apply", since: Date.now() });
        break;
      }
      case "apply_complete": {
        if (m.hook?.action === "read") break;
        const addr = m.hook?.resource?.addr;
        if (addr) this.inFlight.delete(addr);
        this.done++;
        break;
      }
      case "apply_errored": {
        const addr = m.hook?.resource?.addr;
        if (addr) this.inFlight.delete(addr);
        break;
      }
      case "diagnostic": {
        const d = m.diagnostic;
        if (!d) break;
        if (d.severity === "error") this.failures.push({ address: d.address, summary: d.summary, detail: d.detail?.trim() || undefined });
        else this.warnings.push(d.summary);
        break;
      }
    }
  }

  elapsedSeconds(now = Date.now()): number {
    return Math.round((now - this.startedAt) / 1000);
  }
}

export const planLine = (p: PlanSummary) => `${p.add} to add, ${p.change} to change, ${p.remove} to destroy`;

/** A failure as a person reads it: the resource, then AWS's message, cut to what matters. */
export function failureLines(f: ResourceFailure): string[] {
  // the SDK wraps AWS's answer in "operation error S: Op, https response error StatusCode: 400, RequestID: …, api error Code: message"
  const summary = f.summary.replace(/operation error [^,]+, https response error StatusCode: \d+, RequestID: [^,]*, (api error )?/, "");
  const head = f.address ? `${f.address}: ${summary}` : summary;
  const detail = (f.detail ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 4);
  return [head, ...detail.map((d) => `  ${d}`)];
}
