import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AwsError } from "../core/aws-error.js";
import type { CallContext } from "../core/service.js";
import { decodeEncodedWords, parseRawMessage } from "./mime.js";
import { SesModel } from "./model.js";
import * as ops from "./operations.js";

const ctx: CallContext = { requestId: randomUUID(), region: "eu-west-1", accountId: "000000000000", baseUrl: "http://127.0.0.1:4566" };
const dest = (to: string[], cc: string[] = [], bcc: string[] = []) => ({ ToAddresses: to, CcAddresses: cc, BccAddresses: bcc });

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AwsError) return e;
    throw e;
  }
  throw new Error("expected an AwsError");
}

const mail = (over: Partial<ops.SendEmailInput> = {}): ops.SendEmailInput => ({
  Source: "noreply@movies.example",
  Destination: dest(["a@x.com"], ["c@x.com"], ["b@x.com"]),
  Subject: "New movie",
  TextBody: "text",
  HtmlBody: "<p>html</p>",
  ReplyToAddresses: [],
  Tags: [],
  ...over,
});

describe("SES operations", () => {
  it("rejects an unverified sender with MessageRejected and keeps nothing", () => {
    const model = new SesModel();
    const err = thrown(() => ops.sendEmail(model, ctx, mail()));
    expect(err.code).toBe("MessageRejected");
    expect(err.message).toBe("Email address is not verified. The following identities failed the check in region EU-WEST-1: noreply@movies.example");
    expect(model.messages()).toEqual([]);
  });

  it("sends from a verified address or domain and keeps every recipient", () => {
    const model = new SesModel();
    ops.verifyEmailIdentity(model, ctx, { EmailAddress: "noreply@movies.example" });
    const { MessageId } = ops.sendEmail(model, ctx, mail());
    expect(model.messages()).toMatchObject([
      {
        Id: MessageId, Region: "eu-west-1", Source: "noreply@movies.example", Subject: "New movie",
        Destination: dest(["a@x.com"], ["c@x.com"], ["b@x.com"]), Body: { text_part: "text", html_part: "<p>html</p>" },
      },
    ]);
    ops.verifyDomainIdentity(model, ctx, { Domain: "example.org" });
    ops.sendEmail(model, ctx, mail({ Source: '"Movies" <news@mail.example.org>' }));
    expect(model.messages({ email: "news@mail.example.org" })).toHaveLength(1);
    expect(thrown(() => ops.sendEmail(model, { ...ctx, region: "us-east-1" }, mail())).code).toBe("MessageRejected");
  });

  it("lists and deletes identities with verification attributes", () => {
    const model = new SesModel();
    ops.verifyEmailIdentity(model, ctx, { EmailAddress: "a@x.com" });
    const { VerificationToken } = ops.verifyDomainIdentity(model, ctx, { Domain: "x.org" });
    expect(ops.listIdentities(model, ctx, {}).Identities).toEqual(["a@x.com", "x.org"]);
    expect(ops.listIdentities(model, ctx, { IdentityType: "Domain" }).Identities).toEqual(["x.org"]);
    expect(ops.getIdentityVerificationAttributes(model, ctx, { Identities: ["a@x.com", "x.org", "zz@x.com"] }).VerificationAttributes).toEqual({
      "a@x.com": { VerificationStatus: "Success", VerificationToken: undefined },
      "x.org": { VerificationStatus: "Success", VerificationToken },
    });
    ops.deleteIdentity(model, ctx, { Identity: "a@x.com" });
    expect(ops.listIdentities(model, ctx, {}).Identities).toEqual(["x.org"]);
    expect(thrown(() => ops.verifyEmailIdentity(model, ctx, { EmailAddress: "not-an-address" })).code).toBe("InvalidParameterValue");
  });

  it("checks recipients and configuration sets", () => {
    const model = new SesModel();
    ops.verifyEmailIdentity(model, ctx, { EmailAddress: "noreply@movies.example" });
    expect(thrown(() => ops.sendEmail(model, ctx, mail({ Destination: dest([]) }))).code).toBe("InvalidParameterValue");
    expect(thrown(() => ops.sendEmail(model, ctx, mail({ Destination: dest(["bob"]) }))).message).toMatch(/Missing final '@domain'/);
    expect(thrown(() => ops.sendEmail(model, ctx, mail({ ConfigurationSetName: "cs" }))).code).toBe("ConfigurationSetDoesNotExist");
    ops.createConfigurationSet(model, ctx, { Name: "cs" });
    expect(thrown(() => ops.createConfigurationSet(model, ctx, { Name: "cs" })).code).toBe("ConfigurationSetAlreadyExists");
    ops.sendEmail(model, ctx, mail({ ConfigurationSetName: "cs" }));
    expect(ops.listConfigurationSets(model, ctx, {}).ConfigurationSets).toEqual([{ Name: "cs" }]);
    ops.deleteConfigurationSet(model, ctx, { ConfigurationSetName: "cs" });
    expect(thrown(() => ops.deleteConfigurationSet(model, ctx, { ConfigurationSetName: "cs" })).code).toBe("ConfigurationSetDoesNotExist");
    expect(ops.getSendQuota(model, ctx)).toEqual({ Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: 3 });
  });

  it("reads Source, recipients and an encoded Subject from a raw message", () => {
    const model = new SesModel();
    ops.verifyDomainIdentity(model, ctx, { Domain: "movies.example" });
    const raw = [
      'From: "Movies" <noreply@movies.example>',
      "To: a@x.com, \"Doe, Jane\" <jane@x.com>",
      "Cc: c@x.com",
      "Subject: =?UTF-8?B?TmV1ZXIgRmlsbSDinIU=?=",
      "MIME-Version: 1.0",
      "Content-Type: text/plain",
      "",
      "body",
    ].join("\r\n");
    ops.sendRawEmail(model, ctx, { RawMessage: Buffer.from(raw), Destinations: [], Tags: [] });
    expect(model.messages()[0]).toMatchObject({
      Source: '"Movies" <noreply@movies.example>',
      Subject: "Neuer Film ✅",
      Destination: dest(["a@x.com", '"Doe, Jane" <jane@x.com>'], ["c@x.com"]),
      RawData: raw.replace(/\r\n/g, "\r\n"),
    });
    expect(thrown(() => ops.sendRawEmail(model, ctx, { RawMessage: Buffer.from("Subject: x\r\n\r\nb"), Destinations: ["a@x.com"], Tags: [] })).message).toMatch(
      /Missing required header 'From'/,
    );
  });

  it("sends v2 Simple and Raw content with v2 error codes", () => {
    const model = new SesModel();
    const v2 = { FromEmailAddress: "noreply@movies.example", Destination: { ToAddresses: ["a@x.com"] }, Content: { Simple: { Subject: { Data: "S" }, Body: { Text: { Data: "T" } } } } };
    expect(thrown(() => ops.sendEmailV2(model, ctx, v2)).code).toBe("MessageRejected");
    ops.verifyEmailIdentity(model, ctx, { EmailAddress: "noreply@movies.example" });
    ops.sendEmailV2(model, ctx, v2);
    expect(thrown(() => ops.sendEmailV2(model, ctx, { ...v2, ConfigurationSetName: "nope" })).code).toBe("NotFoundException");
    expect(thrown(() => ops.sendEmailV2(model, ctx, { ...v2, Content: {} })).code).toBe("BadRequestException");
    const raw = Buffer.from("From: noreply@movies.example\r\nTo: r@x.com\r\nSubject: Raw\r\n\r\nhi").toString("base64");
    ops.sendEmailV2(model, ctx, { Content: { Raw: { Data: raw } } });
    expect(model.messages().map((m) => [m.Subject, m.Destination.ToAddresses])).toEqual([["S", ["a@x.com"]], ["Raw", ["r@x.com"]]]);
  });

  it("clears the mailbox by id or whole, and survives snapshot/restore", () => {
    const model = new SesModel();
    ops.verifyEmailIdentity(model, ctx, { EmailAddress: "noreply@movies.example" });
    ops.createConfigurationSet(model, ctx, { Name: "cs" });
    const a = ops.sendEmail(model, ctx, mail()).MessageId;
    ops.sendEmail(model, ctx, mail());
    const copy = new SesModel();
    copy.restore(JSON.parse(JSON.stringify(model.snapshot())));
    expect(copy.messages()).toHaveLength(2);
    expect(copy.isVerifiedSender("eu-west-1", "noreply@movies.example")).toBe(true);
    expect(copy.hasConfigurationSet("eu-west-1", "cs")).toBe(true);
    copy.clear(a);
    expect(copy.messages().map((m) => m.Id)).not.toContain(a);
    copy.clear();
    expect(copy.messages()).toEqual([]);
  });
});

describe("raw message parsing", () => {
  it("unfolds continuation lines and decodes Q encoding", () => {
    const m = parseRawMessage("Subject: a\r\n b\r\nX: 1\r\n\r\nbody");
    expect(m.headers.get("subject")).toEqual(["a b"]);
    expect(m.body).toBe("body");
    expect(decodeEncodedWords("=?iso-8859-1?Q?caf=E9_cr=E8me?=")).toBe("café crème");
  });
});
