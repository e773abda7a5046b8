import { SendEmailCommand, SESClient } from "@aws-sdk/client-ses";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentials, providerHarness, type ProviderHarness } from "./testing.js";

describe("SES providers", () => {
  let h: ProviderHarness;
  beforeAll(async () => {
    h = await providerHarness();
  });
  afterAll(() => h.close());

  it("verifies an email identity at once and creates the configuration set", async () => {
    const { outputs } = await h.apply({
      resource: { aws_ses_email_identity: { sender: { email: "from@example.com" } }, aws_ses_configuration_set: { set: { name: "notes" } } },
      output: { arn: { value: "${aws_ses_email_identity.sender.arn}" }, set: { value: "${aws_ses_configuration_set.set.arn}" } },
    });
    expect(outputs.arn!.value).toBe("arn:aws:ses:us-east-1:000000000000:identity/from@example.com");
    expect(outputs.set!.value).toBe("arn:aws:ses:us-east-1:000000000000:configuration-set/notes");
    const ses = new SESClient({ endpoint: h.cloud.url, region: "us-east-1", credentials });
    await ses.send(new SendEmailCommand({ Source: "from@example.com", Destination: { ToAddresses: ["to@example.com"] }, Message: { Subject: { Data: "hi" }, Body: { Text: { Data: "x" } } }, ConfigurationSetName: "notes" }));
    expect(h.cloud.models.ses.messages().map((m) => m.Subject)).toEqual(["hi"]);
  });

  it("forgets the identity when it leaves the stack", async () => {
    await h.apply({ resource: {} });
    expect(h.cloud.models.ses.isVerifiedSender("us-east-1", "from@example.com")).toBe(false);
    expect(h.cloud.models.ses.hasConfigurationSet("us-east-1", "notes")).toBe(false);
  });
});
