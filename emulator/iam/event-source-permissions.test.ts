import { describe, expect, it } from "vitest";
import { checkEventSourceMappingRole } from "./event-source-permissions.js";
import { PrincipalRegistry } from "./principals.js";

const ACCOUNT = "000000000000";
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:movie-updates-queue`;

function registry(actions: string[] | "managed") {
  const r = new PrincipalRegistry({ accountId: ACCOUNT });
  r.putRole("email-role");
  if (actions === "managed") r.attachRolePolicy("email-role", "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole");
  else r.putRolePolicy("email-role", "sqs", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: QUEUE }] });
  r.registerFunction("email-notification", `arn:aws:iam::${ACCOUNT}:role/email-role`);
  return r;
}

describe("checkEventSourceMappingRole", () => {
  it("accepts a role with the poller's three permissions, inline or through the managed policy", () => {
    expect(() => checkEventSourceMappingRole(registry(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]), "email-notification", QUEUE)).not.toThrow();
    expect(() => checkEventSourceMappingRole(registry("managed"), "email-notification", QUEUE)).not.toThrow();
  });

  it("names the first missing call the way Lambda does", () => {
    expect(() => checkEventSourceMappingRole(registry(["sqs:SendMessage"]), "email-notification", QUEUE)).toThrow(
      "The provided execution role does not have permissions to call ReceiveMessage on SQS",
    );
    expect(() => checkEventSourceMappingRole(registry(["sqs:ReceiveMessage", "sqs:DeleteMessage"]), "email-notification", QUEUE)).toThrow(
      "The provided execution role does not have permissions to call GetQueueAttributes on SQS",
    );
    const err = (() => {
      try {
        checkEventSourceMappingRole(registry(["sqs:ReceiveMessage"]), "email-notification", QUEUE);
      } catch (e) {
        return e as { name: string; statusCode: number };
      }
    })();
    expect([err?.name, err?.statusCode]).toEqual(["InvalidParameterValueException", 400]);
  });

  it("does nothing for unknown functions, non-SQS sources, or with enforcement off", () => {
    const r = registry(["sqs:SendMessage"]);
    expect(() => checkEventSourceMappingRole(r, "other", QUEUE)).not.toThrow();
    expect(() => checkEventSourceMappingRole(r, "email-notification", "arn:aws:kinesis:us-east-1:0:stream/s")).not.toThrow();
    r.enforce = false;
    expect(() => checkEventSourceMappingRole(r, "email-notification", QUEUE)).not.toThrow();
  });
});
