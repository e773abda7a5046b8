import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CreateConfigurationSetCommand, DeleteConfigurationSetCommand, DescribeConfigurationSetCommand, UpdateConfigurationSetSendingEnabledCommand, DeleteIdentityCommand, GetIdentityVerificationAttributesCommand, GetSendQuotaCommand,
  DeleteVerifiedEmailAddressCommand, ListConfigurationSetsCommand, ListIdentitiesCommand, ListVerifiedEmailAddressesCommand, SendEmailCommand, SendRawEmailCommand, SESClient, VerifyDomainIdentityCommand, VerifyEmailAddressCommand, VerifyEmailIdentityCommand,
} from "@aws-sdk/client-ses";
import {
  CreateConfigurationSetCommand as CreateConfigurationSetV2Command, CreateEmailIdentityCommand, DeleteEmailIdentityCommand, GetConfigurationSetCommand,
  GetEmailIdentityCommand, ListTagsForResourceCommand, SendEmailCommand as SendEmailV2Command, SESv2Client, TagResourceCommand, UntagResourceCommand,
} from "@aws-sdk/client-sesv2";
import { startCloud, type Cloud } from "../cloud.js";
import { localClientConfig } from "../../test/support/cloud-client-config.js";
import type { SentEmail } from "./model.js";

let cloud: Cloud;
let ses: SESClient;
let sesv2: SESv2Client;

beforeAll(async () => {
  cloud = await startCloud({ port: 0 });
  ses = new SESClient(localClientConfig(cloud.url));
  sesv2 = new SESv2Client(localClientConfig(cloud.url));
});

afterAll(async () => {
  ses?.destroy();
  sesv2?.destroy();
  await cloud?.stop();
});

beforeEach(async () => {
  await fetch(`${cloud.url}/_aws/ses`, { method: "DELETE" });
});

async function mailbox(query = ""): Promise<SentEmail[]> {
  const res = await fetch(`${cloud.url}/_aws/ses${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: SentEmail[] }).messages;
}

async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error("expected the call to fail");
}

const email = (source: string, extra: Partial<ConstructorParameters<typeof SendEmailCommand>[0]> = {}) =>
  new SendEmailCommand({
    Source: source,
    Destination: { ToAddresses: ["fan@example.com", "critic@example.com"], CcAddresses: ["cc@example.com"], BccAddresses: ["audit@example.com"] },
    Message: { Subject: { Data: "New movie: Heat" }, Body: { Text: { Data: "Heat (1995) was added." }, Html: { Data: "<b>Heat</b> was added." } } },
    ...extra,
  });

describe("SES v1 conformance with the AWS SDK v3", () => {
  it("verifies, lists, describes and deletes identities", async () => {
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: "ops@movies.example" }));
    const { VerificationToken } = await ses.send(new VerifyDomainIdentityCommand({ Domain: "movies.example" }));
    expect(VerificationToken).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    expect((await ses.send(new ListIdentitiesCommand({}))).Identities).toEqual(expect.arrayContaining(["ops@movies.example", "movies.example"]));
    expect((await ses.send(new ListIdentitiesCommand({ IdentityType: "Domain" }))).Identities).toEqual(["movies.example"]);
    const attrs = await ses.send(new GetIdentityVerificationAttributesCommand({ Identities: ["ops@movies.example", "movies.example", "unknown@x.com"] }));
    expect(attrs.VerificationAttributes).toEqual({
      "ops@movies.example": { VerificationStatus: "Success" },
      "movies.example": { VerificationStatus: "Success", VerificationToken },
    });
    await ses.send(new DeleteIdentityCommand({ Identity: "movies.example" }));
    await ses.send(new DeleteIdentityCommand({ Identity: "ops@movies.example" }));
    expect((await ses.send(new ListIdentitiesCommand({}))).Identities).toEqual([]);
    expect(await failure(ses.send(new VerifyEmailIdentityCommand({ EmailAddress: "nobody" })))).toMatchObject({ name: "InvalidParameterValue", status: 400 });
    // the legacy address-only API shares the same identities
    await ses.send(new VerifyEmailAddressCommand({ EmailAddress: "legacy@movies.example" }));
    expect((await ses.send(new ListVerifiedEmailAddressesCommand({}))).VerifiedEmailAddresses).toEqual(["legacy@movies.example"]);
    await ses.send(new DeleteVerifiedEmailAddressCommand({ EmailAddress: "legacy@movies.example" }));
    expect((await ses.send(new ListIdentitiesCommand({}))).Identities).toEqual([]);
  });

  it("rejects mail from an unverified sender with MessageRejected", async () => {
    expect(await failure(ses.send(email("stranger@unverified.example")))).toEqual({
      name: "MessageRejected",
      message: "Email address is not verified. The following identities failed the check in region US-EAST-1: stranger@unverified.example",
      status: 400,
    });
    expect(await mailbox()).toEqual([]);
  });

  it("keeps sent mail with every recipient in the mailbox, readable and clearable over HTTP", async () => {
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: "noreply@movies.example" }));
    await ses.send(new CreateConfigurationSetCommand({ ConfigurationSet: { Name: "movies-mail" } }));
    const before = (await ses.send(new GetSendQuotaCommand({}))).SentLast24Hours!;
    const { MessageId } = await ses.send(email("noreply@movies.example", { ReplyToAddresses: ["help@movies.example"], ConfigurationSetName: "movies-mail" }));
    const [sent] = await mailbox();
    expect(sent).toEqual({
      Id: MessageId,
      Region: "us-east-1",
      Destination: { ToAddresses: ["fan@example.com", "critic@example.com"], CcAddresses: ["cc@example.com"], BccAddresses: ["audit@example.com"] },
      Source: "noreply@movies.example",
      Subject: "New movie: Heat",
      Body: { text_part: "Heat (1995) was added.", html_part: "<b>Heat</b> was added." },
      Timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      ReplyToAddresses: ["help@movies.example"],
      ConfigurationSetName: "movies-mail",
    });
    const second = (await ses.send(email("noreply@movies.example"))).MessageId!;
    expect((await mailbox(`?id=${second}`)).map((m) => m.Id)).toEqual([second]);
    expect(await mailbox("?email=noreply@movies.example")).toHaveLength(2);
    expect(await mailbox("?email=other@movies.example")).toEqual([]);
    expect((await fetch(`${cloud.url}/_aws/ses?id=${MessageId}`, { method: "DELETE" })).status).toBe(204);
    expect((await mailbox()).map((m) => m.Id)).toEqual([second]);
    expect((await fetch(`${cloud.url}/_aws/ses`, { method: "DELETE" })).status).toBe(204);
    expect(await mailbox()).toEqual([]);
    // each recipient counts against the quota, and clearing the mailbox does not reset it
    expect(await ses.send(new GetSendQuotaCommand({}))).toMatchObject({ Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: before + 8 });
  });

  it("reads sender, recipients and subject from SendRawEmail", async () => {
    await ses.send(new VerifyDomainIdentityCommand({ Domain: "raw.example" }));
    const raw = [
      "From: Movies <alerts@raw.example>",
      "To: one@example.com, \"Two, Person\" <two@example.com>",
      "Bcc: hidden@example.com",
      "Subject: =?UTF-8?Q?Caf=C3=A9_night?=",
      "Content-Type: text/plain; charset=UTF-8",
      "",
      "See you there.",
    ].join("\r\n");
    const { MessageId } = await ses.send(new SendRawEmailCommand({ RawMessage: { Data: Buffer.from(raw) } }));
    const [sent] = await mailbox();
    expect(sent).toMatchObject({
      Id: MessageId,
      Source: "Movies <alerts@raw.example>",
      Subject: "Café night",
      Destination: { ToAddresses: ["one@example.com", '"Two, Person" <two@example.com>'], CcAddresses: [], BccAddresses: ["hidden@example.com"] },
      RawData: raw,
    });
    const unverified = raw.replace("alerts@raw.example", "x@elsewhere.example");
    expect(await failure(ses.send(new SendRawEmailCommand({ RawMessage: { Data: Buffer.from(unverified) } })))).toMatchObject({ name: "MessageRejected" });
  });

  it("manages configuration sets with the SDK's error names", async () => {
    await ses.send(new CreateConfigurationSetCommand({ ConfigurationSet: { Name: "cs-a" } }));
    expect(await failure(ses.send(new CreateConfigurationSetCommand({ ConfigurationSet: { Name: "cs-a" } })))).toMatchObject({
      name: "ConfigurationSetAlreadyExistsException",
    });
    expect(await failure(ses.send(new CreateConfigurationSetCommand({ ConfigurationSet: { Name: "bad name" } })))).toMatchObject({ name: "InvalidConfigurationSetException" });
    expect((await ses.send(new ListConfigurationSetsCommand({}))).ConfigurationSets).toContainEqual({ Name: "cs-a" });
    await ses.send(new DeleteConfigurationSetCommand({ ConfigurationSetName: "cs-a" }));
    expect(await failure(ses.send(new DeleteConfigurationSetCommand({ ConfigurationSetName: "cs-a" })))).toMatchObject({
      name: "ConfigurationSetDoesNotExistException",
    });
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: "noreply@movies.example" }));
    expect(await failure(ses.send(email("noreply@movies.example", { ConfigurationSetName: "cs-a" })))).toMatchObject({
      name: "ConfigurationSetDoesNotExistException",
    });
  });
});

describe("SES configuration sets and v2 identities", () => {
  it("describes a v1 configuration set with its reputation options, and keeps a sending switch", async () => {
    await ses.send(new CreateConfigurationSetCommand({ ConfigurationSet: { Name: "described" } }));
    const out = await ses.send(new DescribeConfigurationSetCommand({ ConfigurationSetName: "described", ConfigurationSetAttributeNames: ["reputationOptions"] }));
    expect(out.ConfigurationSet?.Name).toBe("described");
    expect(out.ReputationOptions).toMatchObject({ SendingEnabled: true, ReputationMetricsEnabled: false });
    await ses.send(new UpdateConfigurationSetSendingEnabledCommand({ ConfigurationSetName: "described", Enabled: false }));
    const after = await ses.send(new DescribeConfigurationSetCommand({ ConfigurationSetName: "described", ConfigurationSetAttributeNames: ["reputationOptions"] }));
    expect(after.ReputationOptions?.SendingEnabled).toBe(false);
    expect(await failure(ses.send(new DescribeConfigurationSetCommand({ ConfigurationSetName: "missing" })))).toMatchObject({ name: "ConfigurationSetDoesNotExistException" });
  });

  it("creates, reads, tags and deletes v2 email identities and configuration sets", async () => {
    const created = await sesv2.send(new CreateEmailIdentityCommand({ EmailIdentity: "v2id@movies.example", Tags: [{ Key: "team", Value: "movies" }] }));
    expect(created).toMatchObject({ IdentityType: "EMAIL_ADDRESS", VerifiedForSendingStatus: true });
    const got = await sesv2.send(new GetEmailIdentityCommand({ EmailIdentity: "v2id@movies.example" }));
    expect(got.Tags).toEqual([{ Key: "team", Value: "movies" }]);
    const arn = `arn:aws:ses:us-east-1:000000000000:identity/v2id@movies.example`;
    await sesv2.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: "env", Value: "dev" }] }));
    await sesv2.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ["team"] }));
    expect((await sesv2.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual([{ Key: "env", Value: "dev" }]);
    await sesv2.send(new DeleteEmailIdentityCommand({ EmailIdentity: "v2id@movies.example" }));
    expect(await failure(sesv2.send(new GetEmailIdentityCommand({ EmailIdentity: "v2id@movies.example" })))).toMatchObject({ name: "NotFoundException" });

    await sesv2.send(new CreateConfigurationSetV2Command({ ConfigurationSetName: "v2set", SendingOptions: { SendingEnabled: true } }));
    const set = await sesv2.send(new GetConfigurationSetCommand({ ConfigurationSetName: "v2set" }));
    expect(set).toMatchObject({ ConfigurationSetName: "v2set", SendingOptions: { SendingEnabled: true } });
    expect(await failure(sesv2.send(new CreateConfigurationSetV2Command({ ConfigurationSetName: "v2set" })))).toMatchObject({ name: "AlreadyExistsException" });
  });
});

describe("SES v2 SendEmail conformance", () => {
  it("sends Simple content to the mailbox and rejects an unverified sender", async () => {
    const input = {
      FromEmailAddress: "v2@movies.example",
      Destination: { ToAddresses: ["fan@example.com"], BccAddresses: ["audit@example.com"] },
      Content: { Simple: { Subject: { Data: "Updated: Heat" }, Body: { Text: { Data: "Rating now 8.3" } } } },
    };
    expect(await failure(sesv2.send(new SendEmailV2Command(input)))).toMatchObject({
      name: "MessageRejected",
      message: expect.stringContaining("v2@movies.example"),
      status: 400,
    });
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: "v2@movies.example" }));
    const { MessageId } = await sesv2.send(new SendEmailV2Command(input));
    expect(await mailbox()).toEqual([
      expect.objectContaining({
        Id: MessageId,
        Source: "v2@movies.example",
        Subject: "Updated: Heat",
        Destination: { ToAddresses: ["fan@example.com"], CcAddresses: [], BccAddresses: ["audit@example.com"] },
        Body: { text_part: "Rating now 8.3", html_part: null },
      }),
    ]);
    expect(await failure(sesv2.send(new SendEmailV2Command({ ...input, ConfigurationSetName: "missing" })))).toMatchObject({ name: "NotFoundException", status: 404 });
    expect(await failure(sesv2.send(new SendEmailV2Command({ ...input, Content: {} })))).toMatchObject({ name: "BadRequestException", status: 400 });
    const wrongType = await fetch(`${cloud.url}/v2/email/outbound-emails`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/us-east-1/ses/aws4_request, SignedHeaders=host, Signature=00" },
      body: JSON.stringify({ ...input, Destination: { ToAddresses: 42 } }),
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.headers.get("x-amzn-errortype")).toBe("BadRequestException");
    expect(((await wrongType.json()) as { message: string }).message).toMatch(/Destination\.ToAddresses/);
  });

  it("sends Raw content", async () => {
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: "raw2@movies.example" }));
    const raw = "From: raw2@movies.example\r\nTo: fan@example.com\r\nSubject: Raw v2\r\n\r\nbody";
    await sesv2.send(new SendEmailV2Command({ Content: { Raw: { Data: Buffer.from(raw) } } }));
    expect(await mailbox()).toEqual([expect.objectContaining({ Subject: "Raw v2", RawData: raw, Destination: expect.objectContaining({ ToAddresses: ["fan@example.com"] }) })]);
  });
});

describe("SES state", () => {
  it("keeps identities, configuration sets and the mailbox across a restart with a state dir", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "movies-ses-"));
    try {
      const first = await startCloud({ port: 0, stateDir });
      const c1 = new SESClient(localClientConfig(first.url));
      await c1.send(new VerifyEmailIdentityCommand({ EmailAddress: "keep@movies.example" }));
      await c1.send(new CreateConfigurationSetCommand({ ConfigurationSet: { Name: "kept" } }));
      await c1.send(email("keep@movies.example"));
      c1.destroy();
      await first.stop();
      const second = await startCloud({ port: 0, stateDir });
      const c2 = new SESClient(localClientConfig(second.url));
      try {
        expect((await c2.send(new ListIdentitiesCommand({}))).Identities).toEqual(["keep@movies.example"]);
        expect((await c2.send(new ListConfigurationSetsCommand({}))).ConfigurationSets).toEqual([{ Name: "kept" }]);
        const res = (await (await fetch(`${second.url}/_aws/ses`)).json()) as { messages: SentEmail[] };
        expect(res.messages.map((m) => m.Subject)).toEqual(["New movie: Heat"]);
      } finally {
        c2.destroy();
        await second.stop();
      }
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
