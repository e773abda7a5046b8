import { AwsError } from "../../core/aws-error.js";
import { str } from "./call-input.js";
import { same, type RequiredPermission, type ServiceCall } from "./required-permission.js";

/** Batch operations are authorised as their single-message actions. */
const BATCH_ACTIONS: Record<string, string> = {
  SendMessageBatch: "sqs:SendMessage",
  DeleteMessageBatch: "sqs:DeleteMessage",
  ChangeMessageVisibilityBatch: "sqs:ChangeMessageVisibility",
};

/** SQS: `sqs:<Operation>` on the queue ARN, taken from QueueUrl (or QueueName, SourceArn). */
export function sqsPermissions(call: ServiceCall): RequiredPermission[] {
  const { input, operation } = call;
  switch (operation) {
    case "ListQueues":
      return same("sqs", call, `arn:aws:sqs:${call.region}:${call.accountId}:`);
    case "CreateQueue":
    case "GetQueueUrl": {
      const name = str(input, "QueueName");
      if (!name) throw new AwsError("MissingParameter", "The request must contain the parameter QueueName.");
      const owner = str(input, "QueueOwnerAWSAccountId") ?? call.accountId;
      return same("sqs", call, `arn:aws:sqs:${call.region}:${owner}:${name}`);
    }
    case "StartMessageMoveTask":
    case "ListMessageMoveTasks": {
      const source = str(input, "SourceArn");
      if (!source) throw new AwsError("MissingParameter", "The request must contain the parameter SourceArn.");
      return same("sqs", call, source);
    }
    case "CancelMessageMoveTask":
      return same("sqs", call, "*");
    default: {
      const url = str(input, "QueueUrl");
      if (!url) throw new AwsError("MissingParameter", "The request must contain the parameter QueueUrl.");
      const resource = queueArnFromUrl(url, call.region, call.accountId);
      return [{ action: BATCH_ACTIONS[operation] ?? `sqs:${operation}`, resource }];
    }
  }
}

/**
 * `http://127.0.0.1:4566/000000000000/movie-updates-queue` or
 * `https://sqs.eu-west-1.amazonaws.com/123456789012/q` -> the queue's ARN.
 * The region comes from an AWS host name when there is one, else the call's.
 */
export function queueArnFromUrl(queueUrl: string, region: string, accountId: string): string {
  let url: URL;
  try {
    url = new URL(queueUrl);
  } catch {
    throw new AwsError("InvalidAddress", `The address ${queueUrl} is not valid for this endpoint.`);
  }
  const parts = url.pathname.split("/").filter(Boolean);
  const name = parts.at(-1);
  if (!name) throw new AwsError("InvalidAddress", `The address ${queueUrl} is not valid for this endpoint.`);
  const owner = parts.length >= 2 && /^\d{12}$/.test(parts.at(-2)!) ? parts.at(-2)! : accountId;
  const hostRegion = /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(url.hostname)?.[1] ?? /^([a-z0-9-]+)\.queue\.amazonaws\.com/.exec(url.hostname)?.[1];
  return `arn:aws:sqs:${hostRegion ?? region}:${owner}:${name}`;
}
