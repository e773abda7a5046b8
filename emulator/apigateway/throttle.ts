import type { Throttle, UsagePlan } from "./model.js";

/** A token bucket: `rateLimit` tokens per second, holding at most `burstLimit`. */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();

  constructor(private readonly rate: number, private readonly burst: number) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

function periodStart(period: "DAY" | "WEEK" | "MONTH", now = new Date()): number {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (period === "WEEK") d.setUTCDate(d.getUTCDate() - d.getUTCDay());
  if (period === "MONTH") d.setUTCDate(1);
  return d.getTime();
}

/** Rate limits and quotas per (usage plan, key) and per stage, as API Gateway applies them. */
export class Throttles {
  private buckets = new Map<string, { bucket: TokenBucket; rate: number; burst: number }>();
  private quotas = new Map<string, { start: number; used: number }>();

  /**
   * The bucket for these limits. Limits changed through the control plane
   * (UpdateStage, UpdateUsagePlan) take effect on the next request: a bucket
   * made for other limits is replaced. A negative limit (Terraform's -1) means none.
   */
  private bucket(id: string, t: Throttle): TokenBucket | undefined {
    if (t.rateLimit === undefined && t.burstLimit === undefined) return undefined;
    if ((t.rateLimit ?? 0) < 0 || (t.burstLimit ?? 0) < 0) return undefined;
    const rate = t.rateLimit ?? Number.POSITIVE_INFINITY;
    const burst = Math.max(1, t.burstLimit ?? Math.ceil(rate));
    const held = this.buckets.get(id);
    if (held && held.rate === rate && held.burst === burst) return held.bucket;
    const bucket = new TokenBucket(rate, burst);
    this.buckets.set(id, { bucket, rate, burst });
    return bucket;
  }

  /** "ok", or why the request is refused: the rate (429 Too Many Requests) or the quota (429 Limit Exceeded). */
  admit(plan: UsagePlan | undefined, keyId: string | undefined, stageId: string, stageThrottle?: Throttle): "ok" | "rate" | "quota" {
    if (stageThrottle && this.bucket(`stage:${stageId}`, stageThrottle)?.take() === false) return "rate";
    if (!plan || !keyId) return "ok";
    if (plan.throttle && this.bucket(`plan:${plan.id}:${keyId}`, plan.throttle)?.take() === false) return "rate";
    if (plan.quota) {
      const id = `${plan.id}:${keyId}`;
      const start = periodStart(plan.quota.period);
      const q = this.quotas.get(id);
      const used = q && q.start === start ? q.used : 0;
      if (used >= plan.quota.limit) return "quota";
      this.quotas.set(id, { start, used: used + 1 });
    }
    return "ok";
  }
}
