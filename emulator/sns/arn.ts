/** The parts of an ARN `arn:partition:service:region:account:resource`. */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(text: string): Arn | undefined {
  const parts = text.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || parts.slice(1, 5).some((p, i) => p === "" && i !== 2)) return undefined;
  const [, partition, service, region, account, ...rest] = parts;
  return { partition: partition!, service: service!, region: region!, account: account!, resource: rest.join(":") };
}

/** `arn:aws:sns:<region>:<account>:<topic>`; undefined when the text is not a topic ARN. */
export function parseTopicArn(text: string): Arn | undefined {
  const arn = parseArn(text);
  return arn && arn.service === "sns" && arn.region !== "" && /^[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(arn.resource) ? arn : undefined;
}

/** `<topic arn>:<uuid>`: the topic ARN of a subscription ARN, or undefined when malformed. */
export function topicArnOfSubscription(text: string): string | undefined {
  const cut = text.lastIndexOf(":");
  if (cut < 0) return undefined;
  const topic = text.slice(0, cut);
  return parseTopicArn(topic) && text.length > cut + 1 ? topic : undefined;
}

/** `arn:aws:sqs:<region>:<account>:<queue>` */
export function isSqsArn(text: string): boolean {
  const arn = parseArn(text);
  return !!arn && arn.service === "sqs" && arn.region !== "" && /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(arn.resource);
}
