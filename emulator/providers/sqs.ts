import { AwsError } from "../core/aws-error.js";
import type { ResourceContext, ResourceProvider, ResourceProviders } from "../stack/engine.js";
import { StackError } from "../stack/errors.js";
import type { ValueObject } from "../stack/value.js";
import type { Queue } from "../sqs/queue.js";
import { generatedName, need, str } from "./args.js";
import type { ProviderDeps } from "./deps.js";

/** Terraform argument -> SQS attribute name, for the settings a queue resource may carry. */
const ATTRIBUTES: Record<string, string> = {
  visibility_timeout_seconds: "VisibilityTimeout",
  message_retention_seconds: "MessageRetentionPeriod",
  delay_seconds: "DelaySeconds",
  receive_wait_time_seconds: "ReceiveMessageWaitTimeSeconds",
  max_message_size: "MaximumMessageSize",
  redrive_policy: "RedrivePolicy",
  redrive_allow_policy: "RedriveAllowPolicy",
  policy: "Policy",
  kms_master_key_id: "KmsMasterKeyId",
  kms_data_key_reuse_period_seconds: "KmsDataKeyReusePeriodSeconds",
  sqs_managed_sse_enabled: "SqsManagedSseEnabled",
};

function attributesOf(args: ValueObject, only?: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [arg, attr] of Object.entries(ATTRIBUTES)) {
    if (only && !only.includes(arg)) continue;
    const v = args[arg];
    if (v === undefined || v === null) {
      // a removed JSON setting is cleared; a removed number keeps SQS's default, as the provider does
      if (only && (attr === "RedrivePolicy" || attr === "Policy" || attr === "RedriveAllowPolicy")) out[attr] = "";
      continue;
    }
    out[attr] = typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}

export function queueUrlOf(deps: ProviderDeps, name: string): string {
  return `${deps.cloudUrl()}/${deps.accountId}/${name}`;
}

/** The queue a Terraform `queue_url` names: `<any host>/<account>/<name>`. */
export function queueFromUrl(deps: ProviderDeps, url: string, ctx: ResourceContext): Queue {
  const m = /\/(\d{12})\/([^/?#]+)\/?$/.exec(url);
  const queue = m && m[1] === deps.accountId ? deps.sqs.getQueue(ctx.region, m[2]!) : undefined;
  if (!queue) throw new StackError("ResourceFailed", `${ctx.address}: no queue at ${url} (expected ${deps.cloudUrl()}/${deps.accountId}/<queue name>)`);
  return queue;
}

function queueProvider(deps: ProviderDeps): ResourceProvider {
  const computed = (queue: Queue): ValueObject => {
    const url = queueUrlOf(deps, queue.name);
    return { id: url, url, arn: queue.arn, name: queue.name, fifo_queue: false };
  };
  return {
    create(args, ctx) {
      if (args.fifo_queue === true) throw new StackError("ResourceFailed", `${ctx.address}: FIFO queues are not emulated; use a standard queue`);
      const name = str(args.name) ?? generatedName(args);
      const tags = { ...(args.tags && typeof args.tags === "object" ? (args.tags as Record<string, string>) : {}) };
      const { queue } = deps.sqs.createQueue(ctx.region, name, attributesOf(args), tags);
      return computed(queue);
    },
    update(args, prior, ctx, changed) {
      const queue = deps.sqs.requireQueue(ctx.region, String(prior.attributes.name));
      const attrs = attributesOf(args, changed);
      if (Object.keys(attrs).length > 0) deps.sqs.setAttributes(queue, attrs);
      return computed(queue);
    },
    delete(prior, ctx) {
      const queue = deps.sqs.getQueue(ctx.region, String(prior.attributes.name));
      if (queue) deps.sqs.deleteQueue(queue);
    },
    replaceOn: ["name", "name_prefix", "fifo_queue"],
  };
}

/** aws_sqs_queue_policy and aws_sqs_queue_redrive_policy: one attribute of a queue, owned by its own resource. */
function queueAttributeProvider(deps: ProviderDeps, arg: string, attribute: string): ResourceProvider {
  const apply = (args: ValueObject, ctx: ResourceContext): ValueObject => {
    const url = need(args, "queue_url", ctx);
    const queue = queueFromUrl(deps, url, ctx);
    deps.sqs.setAttributes(queue, { [attribute]: need(args, arg, ctx) });
    return { id: url };
  };
  return {
    create: apply,
    update: (args, _prior, ctx) => apply(args, ctx),
    delete(prior, ctx) {
      try {
        deps.sqs.setAttributes(queueFromUrl(deps, String(prior.args.queue_url), ctx), { [attribute]: "" });
      } catch (e) {
        // the queue went first: nothing left to clear
        if (!(e instanceof StackError) && !(e instanceof AwsError)) throw e;
      }
    },
    replaceOn: ["queue_url"],
  };
}

export function sqsProviders(deps: ProviderDeps): ResourceProviders {
  return {
    aws_sqs_queue: queueProvider(deps),
    aws_sqs_queue_policy: queueAttributeProvider(deps, "policy", "Policy"),
    aws_sqs_queue_redrive_policy: queueAttributeProvider(deps, "redrive_policy", "RedrivePolicy"),
    aws_sqs_queue_redrive_allow_policy: queueAttributeProvider(deps, "redrive_allow_policy", "RedriveAllowPolicy"),
  };
}
