import { randomUUID } from "node:crypto";
import { AwsError } from "../core/aws-error.js";
import type { CallContext } from "../core/service.js";
import { bareAddress, isDomain, isEmailAddress, splitAddressList } from "./addresses.js";
import { decodeEncodedWords, header, parseRawMessage } from "./mime.js";
import type { IdentityType, MailDestination, SentEmail, SesModel } from "./model.js";

/** One function per SES action (v1 awsQuery and v2 SendEmail): typed input in, typed output out. */

const MAX_RECIPIENTS = 50;
const MAX_RAW_BYTES = 10 * 1024 * 1024;
const CONFIG_SET_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const DEFAULT_PAGE = 1000;

/** Error codes differ between the v1 (awsQuery) and v2 (REST-JSON) APIs for the same mistake. */
interface ErrorCodes {
  invalid: string;
  noConfigurationSet: string;
  noConfigurationSetStatus: number;
}
const V1: ErrorCodes = { invalid: "InvalidParameterValue", noConfigurationSet: "ConfigurationSetDoesNotExist", noConfigurationSetStatus: 400 };
const V2: ErrorCodes = { invalid: "BadRequestException", noConfigurationSet: "NotFoundException", noConfigurationSetStatus: 404 };

function messageId(): string {
  return `${Date.now().toString(16).padStart(16, "0")}-${randomUUID()}-000000`;
}

function page<T>(items: T[], maxItems: number | undefined, nextToken: string | undefined, codes: ErrorCodes): { items: T[]; nextToken?: string } {
  const size = maxItems ?? DEFAULT_PAGE;
  if (!Number.isInteger(size) || size < 1) throw new AwsError(codes.invalid, `MaxItems must be a positive integer, got ${maxItems}`);
  const start = nextToken ? Number(Buffer.from(nextToken, "base64").toString("utf8")) : 0;
  if (!Number.isInteger(start) || start < 0) throw new AwsError(codes.invalid, "NextToken is not valid: pass the NextToken from the previous reply");
  const end = start + size;
  return { items: items.slice(start, end), nextToken: end < items.length ? Buffer.from(String(end)).toString("base64") : undefined };
}

// ---- identities ----

export function verifyEmailIdentity(model: SesModel, ctx: CallContext, input: { EmailAddress?: string }): void {
  const address = input.EmailAddress;
  if (!address) throw new AwsError("ValidationError", "1 validation error detected: Value null at 'emailAddress' failed to satisfy constraint: Member must not be null");
  if (!isEmailAddress(address)) throw new AwsError("InvalidParameterValue", `Invalid email address ${address}.`);
  model.verifyEmail(ctx.region, address);
}

export function verifyDomainIdentity(model: SesModel, ctx: CallContext, input: { Domain?: string }): { VerificationToken: string } {
  const domain = input.Domain;
  if (!domain) throw new AwsError("ValidationError", "1 validation error detected: Value null at 'domain' failed to satisfy constraint: Member must not be null");
  if (!isDomain(domain)) throw new AwsError("InvalidParameterValue", `Invalid domain name ${domain}.`);
  return { VerificationToken: model.verifyDomain(ctx.region, domain).verificationToken! };
}

export function listIdentities(
  model: SesModel,
  ctx: CallContext,
  input: { IdentityType?: string; MaxItems?: number; NextToken?: string },
): { Identities: string[]; NextToken?: string } {
  const type = input.IdentityType;
  if (type !== undefined && type !== "EmailAddress" && type !== "Domain") {
    throw new AwsError("InvalidParameterValue", `IdentityType must be EmailAddress or Domain, got ${type}`);
  }
  const { items, nextToken } = page(model.listIdentities(ctx.region, type as IdentityType | undefined), input.MaxItems, input.NextToken, V1);
  return { Identities: items.map((i) => i.identity), NextToken: nextToken };
}

export function getIdentityVerificationAttributes(
  model: SesModel,
  ctx: CallContext,
  input: { Identities: string[] },
): { VerificationAttributes: Record<string, { VerificationStatus: string; VerificationToken?: string }> } {
  if (input.Identities.length > 100) throw new AwsError("InvalidParameterValue", `At most 100 identities per request, got ${input.Identities.length}`);
  const out: Record<string, { VerificationStatus: string; VerificationToken?: string }> = {};
  for (const name of input.Identities) {
    const identity = model.identity(ctx.region, name);
    if (identity) out[name] = { VerificationStatus: "Success", VerificationToken: identity.verificationToken };
  }
  return { VerificationAttributes: out };
}

export function deleteIdentity(model: SesModel, ctx: CallContext, input: { Identity?: string }): void {
  if (!input.Identity) throw new AwsError("ValidationError", "1 validation error detected: Value null at 'identity' failed to satisfy constraint: Member must not be null");
  model.deleteIdentity(ctx.region, input.Identity);
}

// ---- configuration sets ----

export function createConfigurationSet(model: SesModel, ctx: CallContext, input: { Name?: string }): void {
  const name = input.Name;
  if (!name) throw new AwsError("ValidationError", "1 validation error detected: Value null at 'configurationSet.name' failed to satisfy constraint: Member must not be null");
  if (!CONFIG_SET_NAME.test(name)) {
    throw new AwsError("InvalidConfigurationSet", `Configuration set name ${name} is invalid: use 1-64 letters, digits, '_' or '-'.`);
  }
  if (!model.createConfigurationSet(ctx.region, name)) throw new AwsError("ConfigurationSetAlreadyExists", `Configuration set <${name}> already exists.`);
}

export function deleteConfigurationSet(model: SesModel, ctx: CallContext, input: { ConfigurationSetName?: string }): void {
  const name = input.ConfigurationSetName ?? "";
  if (!model.deleteConfigurationSet(ctx.region, name)) throw new AwsError("ConfigurationSetDoesNotExist", `Configuration set <${name}> does not exist.`);
}

export function listConfigurationSets(
  model: SesModel,
  ctx: CallContext,
  input: { MaxItems?: number; NextToken?: string },
): { ConfigurationSets: { Name: string }[]; NextToken?: string } {
  const { items, nextToken } = page(model.listConfigurationSets(ctx.region), input.MaxItems, input.NextToken, V1);
  return { ConfigurationSets: items.map((c) => ({ Name: c.name })), NextToken: nextToken };
}

export function getSendQuota(model: SesModel, ctx: CallContext): { Max24HourSend: number; MaxSendRate: number; SentLast24Hours: number } {
  // the sandbox quota AWS gives a new account
  return { Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: model.sentLast24Hours(ctx.region) };
}

// ---- sending ----

interface Outgoing {
  source: string;
  destination: MailDestination;
  subject?: string;
  body?: { text_part: string | null; html_part: string | null };
  raw?: string;
  replyTo?: string[];
  configurationSetName?: string;
  tags?: { Name: string; Value: string }[];
}

/** Checks an outgoing message against the rules AWS applies, then puts it in the mailbox. */
function send(model: SesModel, ctx: CallContext, mail: Outgoing, codes: ErrorCodes): string {
  const from = bareAddress(mail.source);
  if (!isEmailAddress(from)) throw new AwsError(codes.invalid, from.includes("@") ? `Illegal address: ${mail.source}` : "Missing final '@domain'");
  const recipients = [...mail.destination.ToAddresses, ...mail.destination.CcAddresses, ...mail.destination.BccAddresses];
  if (recipients.length === 0) throw new AwsError(codes.invalid, "Destination must name at least one recipient in ToAddresses, CcAddresses or BccAddresses.");
  if (recipients.length > MAX_RECIPIENTS) throw new AwsError(codes.invalid, `Recipient count exceeds ${MAX_RECIPIENTS}: ${recipients.length} recipients.`);
  for (const r of recipients) {
    const bare = bareAddress(r);
    if (!isEmailAddress(bare)) throw new AwsError(codes.invalid, bare.includes("@") ? `Illegal address: ${r}` : `Missing final '@domain' in ${r}`);
  }
  if (mail.configurationSetName !== undefined && !model.hasConfigurationSet(ctx.region, mail.configurationSetName)) {
    throw new AwsError(codes.noConfigurationSet, `Configuration set <${mail.configurationSetName}> does not exist.`, codes.noConfigurationSetStatus);
  }
  if (!model.isVerifiedSender(ctx.region, from)) {
    throw new AwsError("MessageRejected", `Email address is not verified. The following identities failed the check in region ${ctx.region.toUpperCase()}: ${from}`);
  }
  const email: SentEmail = {
    Id: messageId(),
    Region: ctx.region,
    Destination: mail.destination,
    Source: mail.source,
    Subject: mail.subject,
    Body: mail.body,
    RawData: mail.raw,
    Timestamp: new Date().toISOString(),
    ReplyToAddresses: mail.replyTo && mail.replyTo.length > 0 ? mail.replyTo : undefined,
    ConfigurationSetName: mail.configurationSetName,
    Tags: mail.tags && mail.tags.length > 0 ? mail.tags : undefined,
  };
  model.record(email);
  return email.Id;
}

export interface SendEmailInput {
  Source?: string;
  Destination: MailDestination;
  Subject?: string;
  TextBody?: string;
  HtmlBody?: string;
  ReplyToAddresses: string[];
  ConfigurationSetName?: string;
  Tags: { Name: string; Value: string }[];
}

export function sendEmail(model: SesModel, ctx: CallContext, input: SendEmailInput): { MessageId: string } {
  if (!input.Source) throw new AwsError("ValidationError", "1 validation error detected: Value null at 'source' failed to satisfy constraint: Member must not be null");
  if (input.Subject === undefined) throw new AwsError("ValidationError", "1 validation error detected: Value null at 'message.subject' failed to satisfy constraint: Member must not be null");
  if (input.TextBody === undefined && input.HtmlBody === undefined) {
    throw new AwsError("InvalidParameterValue", "Message.Body must contain Text, Html or both.");
  }
  const id = send(model, ctx, {
    source: input.Source,
    destination: input.Destination,
    subject: input.Subject,
    body: { text_part: input.TextBody ?? null, html_part: input.HtmlBody ?? null },
    replyTo: input.ReplyToAddresses,
    configurationSetName: input.ConfigurationSetName,
    tags: input.Tags,
  }, V1);
  return { MessageId: id };
}

/** Source, recipients and subject of a raw message, from parameters first and headers second. */
function fromRaw(raw: Buffer, codes: ErrorCodes, source?: string, destinations: string[] = []): Outgoing {
  if (raw.length === 0) throw new AwsError(codes.invalid, "The raw message is empty: pass the whole MIME message, headers first.");
  if (raw.length > MAX_RAW_BYTES) throw new AwsError(codes.invalid, `Message length is more than ${MAX_RAW_BYTES} bytes long: ${raw.length}.`);
  const text = raw.toString("utf8");
  const msg = parseRawMessage(text);
  const list = (name: string) => msg.headers.get(name)?.flatMap(splitAddressList) ?? [];
  const from = source ?? header(msg, "from");
  if (!from) throw new AwsError(codes.invalid, "Missing required header 'From'.");
  const destination: MailDestination =
    destinations.length > 0
      ? { ToAddresses: destinations, CcAddresses: [], BccAddresses: [] }
      : { ToAddresses: list("to"), CcAddresses: list("cc"), BccAddresses: list("bcc") };
  const subject = header(msg, "subject");
  return { source: decodeEncodedWords(from), destination, subject: subject === undefined ? undefined : decodeEncodedWords(subject), raw: text };
}

export interface SendRawEmailInput {
  RawMessage?: Buffer;
  Source?: string;
  Destinations: string[];
  ConfigurationSetName?: string;
  Tags: { Name: string; Value: string }[];
}

export function sendRawEmail(model: SesModel, ctx: CallContext, input: SendRawEmailInput): { MessageId: string } {
  if (!input.RawMessage) throw new AwsError("ValidationError", "1 validation error detected: Value null at 'rawMessage' failed to satisfy constraint: Member must not be null");
  const mail = fromRaw(input.RawMessage, V1, input.Source, input.Destinations);
  return { MessageId: send(model, ctx, { ...mail, configurationSetName: input.ConfigurationSetName, tags: input.Tags }, V1) };
}

// ---- v2 ----

/** The JSON body of SES v2 `POST /v2/email/outbound-emails`. */
export interface SendEmailV2Input {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  ReplyToAddresses?: string[];
  Content?: {
    Simple?: { Subject?: { Data?: string }; Body?: { Text?: { Data?: string }; Html?: { Data?: string } } };
    Raw?: { Data?: string };
    Template?: unknown;
  };
  ConfigurationSetName?: string;
  EmailTags?: { Name: string; Value: string }[];
}

export function sendEmailV2(model: SesModel, ctx: CallContext, input: SendEmailV2Input): { MessageId: string } {
  const bad = (m: string) => new AwsError("BadRequestException", m);
  const content = input.Content;
  if (!content) throw bad("Content is required: pass Content.Simple or Content.Raw.");
  const common = { configurationSetName: input.ConfigurationSetName, tags: input.EmailTags };
  const destination: MailDestination = {
    ToAddresses: input.Destination?.ToAddresses ?? [],
    CcAddresses: input.Destination?.CcAddresses ?? [],
    BccAddresses: input.Destination?.BccAddresses ?? [],
  };
  if (content.Simple) {
    const simple = content.Simple;
    if (!input.FromEmailAddress) throw bad("FromEmailAddress is required for Simple content.");
    if (simple.Subject?.Data === undefined) throw bad("Content.Simple.Subject.Data is required.");
    const text = simple.Body?.Text?.Data;
    const html = simple.Body?.Html?.Data;
    if (text === undefined && html === undefined) throw bad("Content.Simple.Body must contain Text, Html or both.");
    const id = send(model, ctx, {
      ...common,
      source: input.FromEmailAddress,
      destination,
      subject: simple.Subject.Data,
      body: { text_part: text ?? null, html_part: html ?? null },
      replyTo: input.ReplyToAddresses,
    }, V2);
    return { MessageId: id };
  }
  if (content.Raw) {
    if (typeof content.Raw.Data !== "string") throw bad("Content.Raw.Data is required: the base64-encoded MIME message.");
    const recipients = [...destination.ToAddresses, ...destination.CcAddresses, ...destination.BccAddresses];
    const mail = fromRaw(Buffer.from(content.Raw.Data, "base64"), V2, input.FromEmailAddress, recipients);
    if (recipients.length > 0) mail.destination = destination;
    return { MessageId: send(model, ctx, { ...mail, ...common }, V2) };
  }
  if (content.Template) throw bad("Template content is not supported by the embedded cloud; send Content.Simple or Content.Raw.");
  throw bad("Content must contain Simple or Raw.");
}
