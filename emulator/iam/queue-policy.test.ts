import { describe, expect, it } from "vitest";
import { queueAcceptsFromTopic } from "./queue-policy.js";

const ACCOUNT = "000000000000";
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:movie-updates-queue`;
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:movie-updates-topic`;
const OTHER_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:other-topic`;

/** The queue policy `data.aws_iam_policy_document` renders for SNS fan-out. */
const snsPolicy = (principal: unknown, condition: object | undefined = { ArnEquals: { "aws:SourceArn": TOPIC } }, action: unknown = "sqs:SendMessage") =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "AllowTopic", Effect: "Allow", Principal: principal, Action: action, Resource: QUEUE, ...(condition ? { Condition: condition } : {}) }],
  });

describe("queueAcceptsFromTopic", () => {
  it("accepts when the policy allows sns.amazonaws.com for this topic", () => {
    const r = queueAcceptsFromTopic(snsPolicy({ Service: "sns.amazonaws.com" }), QUEUE, TOPIC);
    expect(r.allowed).toBe(true);
    expect(r.reason).toContain("allowed by statement 0 (Sid AllowTopic)");
  });

  it("accepts Principal * and {AWS: *} with aws:SourceArn, and an object policy", () => {
    expect(queueAcceptsFromTopic(snsPolicy("*"), QUEUE, TOPIC).allowed).toBe(true);
    expect(queueAcceptsFromTopic(snsPolicy({ AWS: "*" }), QUEUE, TOPIC).allowed).toBe(true);
    expect(queueAcceptsFromTopic(JSON.parse(snsPolicy({ Service: ["sns.amazonaws.com"] })), QUEUE, TOPIC).allowed).toBe(true);
    expect(queueAcceptsFromTopic(snsPolicy("*", { ArnLike: { "aws:SourceArn": "arn:aws:sns:*:*:movie-*" } }), QUEUE, TOPIC).allowed).toBe(true);
    expect(queueAcceptsFromTopic(snsPolicy("*", { StringEquals: { "aws:SourceAccount": ACCOUNT } }), QUEUE, TOPIC).allowed).toBe(true);
    expect(queueAcceptsFromTopic(snsPolicy({ Service: "sns.amazonaws.com" }, undefined, ["SQS:*"]), QUEUE, TOPIC).allowed).toBe(true);
  });

  it("refuses another topic, another service, another action, and says what the policy needs", () => {
    const other = queueAcceptsFromTopic(snsPolicy({ Service: "sns.amazonaws.com" }), QUEUE, OTHER_TOPIC);
    expect(other.allowed).toBe(false);
    expect(other.reason).toBe(
      `SNS did not deliver from ${OTHER_TOPIC} to ${QUEUE}: the queue's access policy has no statement that allows it; add a statement allowing sqs:SendMessage on ${QUEUE} to the service principal sns.amazonaws.com with the condition ArnEquals aws:SourceArn = ${OTHER_TOPIC}`,
    );
    expect(queueAcceptsFromTopic(snsPolicy({ Service: "events.amazonaws.com" }), QUEUE, TOPIC).allowed).toBe(false);
    expect(queueAcceptsFromTopic(snsPolicy({ AWS: `arn:aws:iam::${ACCOUNT}:root` }), QUEUE, TOPIC).allowed).toBe(false);
    expect(queueAcceptsFromTopic(snsPolicy("*", undefined, "sqs:ReceiveMessage"), QUEUE, TOPIC).allowed).toBe(false);
    expect(queueAcceptsFromTopic(snsPolicy("*").replace(QUEUE, `${QUEUE}-dlq`), QUEUE, TOPIC).allowed).toBe(false);
  });

  it("refuses when the queue has no policy, even within one account", () => {
    const r = queueAcceptsFromTopic(undefined, QUEUE, TOPIC);
    expect(r).toEqual({
      allowed: false,
      reason: `SNS did not deliver from ${TOPIC} to ${QUEUE}: the queue has no access policy; give it a statement allowing sqs:SendMessage on ${QUEUE} to the service principal sns.amazonaws.com with the condition ArnEquals aws:SourceArn = ${TOPIC}`,
    });
  });

  it("an explicit Deny wins and is named", () => {
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE },
        { Sid: "NoOther", Effect: "Deny", Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE, Condition: { ArnNotEquals: { "aws:SourceArn": TOPIC } } },
      ],
    });
    expect(queueAcceptsFromTopic(policy, QUEUE, TOPIC).allowed).toBe(true);
    const r = queueAcceptsFromTopic(policy, QUEUE, OTHER_TOPIC);
    expect(r).toEqual({ allowed: false, reason: `SNS did not deliver from ${OTHER_TOPIC} to ${QUEUE}: statement 1 (Sid NoOther) of the access policy of ${QUEUE} denies it` });
  });

  it("reports a malformed policy instead of throwing", () => {
    const r = queueAcceptsFromTopic('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage"}]}', QUEUE, TOPIC);
    expect(r.allowed).toBe(false);
    expect(r.reason).toContain("the queue's access policy is malformed (Statement[0]: needs Principal (or NotPrincipal))");
  });
});
