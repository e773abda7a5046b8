import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { startCloud, type Cloud } from "../cloud.js";
import { localClientConfig } from "../../test/support/cloud-client-config.js";

describe("STS", () => {
  let cloud: Cloud;
  beforeAll(async () => {
    cloud = await startCloud({ port: 0, accountId: "123456789012" });
  });
  afterAll(() => cloud?.stop());

  it("answers GetCallerIdentity with the cloud's account, ARN and user id", async () => {
    const client = new STSClient(localClientConfig(cloud.url, "ap-southeast-2"));
    const who = await client.send(new GetCallerIdentityCommand({}));
    client.destroy();
    expect(who.Account).toBe("123456789012");
    expect(who.Arn).toBe("arn:aws:iam::123456789012:root");
    expect(who.UserId).toBe("123456789012");
    expect(who.$metadata.requestId).toMatch(/[0-9a-f-]{36}/);
  });
});
