import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SendEmailCommand, SESv2Client } from "@aws-sdk/client-sesv2";
import { startCloud, type Cloud } from "../cloud.js";
import { localClientConfig } from "../../test/support/cloud-client-config.js";
import { DEFAULT_RETENTION, retention } from "./retention.js";

describe("retention bounds", () => {
  it("take the option first, then the environment, then the default", () => {
    expect(retention({}, {})).toEqual(DEFAULT_RETENTION);
    expect(retention({ mailboxMessages: 7 }, { MOVIES_CLOUD_MAILBOX_LIMIT: "9", MOVIES_CLOUD_API_REQUEST_LIMIT: "50" })).toEqual({ ...DEFAULT_RETENTION, mailboxMessages: 7, apiRequests: 50 });
    expect(() => retention({}, { MOVIES_CLOUD_LOG_EVENTS_PER_FUNCTION: "lots" })).toThrow(/MOVIES_CLOUD_LOG_EVENTS_PER_FUNCTION must be a whole number/);
    expect(() => retention({ apiRequests: 0 })).toThrow(/apiRequests option/);
  });
});

describe("the mailbox keeps its newest messages up to its bound", () => {
  let cloud: Cloud;
  let ses: SESv2Client;
  beforeAll(async () => {
    cloud = await startCloud({ port: 0, retention: { mailboxMessages: 3 } });
    ses = new SESv2Client(localClientConfig(cloud.url));
    cloud.models.ses.verifyEmail("us-east-1", "movies@example.com");
  });
  afterAll(async () => {
    ses?.destroy();
    await cloud?.stop();
  });

  it("drops the oldest first", async () => {
    for (let i = 1; i <= 5; i++) {
      await ses.send(
        new SendEmailCommand({ FromEmailAddress: "movies@example.com", Destination: { ToAddresses: ["fan@example.com"] }, Content: { Simple: { Subject: { Data: `mail ${i}` }, Body: { Text: { Data: "x" } } } } }),
      );
    }
    const box = (await (await fetch(`${cloud.url}/_aws/ses`)).json()) as { messages: { Subject: string }[] };
    expect(box.messages.map((m) => m.Subject)).toEqual(["mail 3", "mail 4", "mail 5"]);
  });
});
