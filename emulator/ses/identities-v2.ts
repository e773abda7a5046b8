import { AwsError } from "../core/aws-error.js";
import type { CallContext } from "../core/service.js";
import { isDomain, isEmailAddress } from "./addresses.js";
import type { Identity, SesModel } from "./model.js";

/** SES v2 email identities and resource tags (aws_sesv2_email_identity, aws_sesv2_configuration_set). */

const notFound = (what: string) => new AwsError("NotFoundException", what, 404);
const bad = (what: string) => new AwsError("BadRequestException", what);
type Tag = { Key: string; Value: string };
const tagList = (tags: Record<string, string> | undefined): Tag[] => Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));

const identityType = (i: Identity) => (i.type === "Domain" ? "DOMAIN" : "EMAIL_ADDRESS");

export function createEmailIdentity(
  model: SesModel,
  ctx: CallContext,
  input: { EmailIdentity?: string; Tags?: Tag[] },
): { IdentityType: string; VerifiedForSendingStatus: boolean; DkimAttributes: Record<string, unknown> } {
  const name = input.EmailIdentity;
  if (!name) throw bad("EmailIdentity is required.");
  if (model.identity(ctx.region, name)) throw new AwsError("AlreadyExistsException", `Email identity ${name} already exist.`);
  let identity: Identity;
  if (isEmailAddress(name)) identity = model.verifyEmail(ctx.region, name);
  else if (isDomain(name)) identity = model.verifyDomain(ctx.region, name);
  else throw bad(`Invalid email identity ${name}: pass an email address or a domain.`);
  identity.tags = Object.fromEntries((input.Tags ?? []).map((t) => [t.Key, t.Value]));
  return { IdentityType: identityType(identity), VerifiedForSendingStatus: true, DkimAttributes: dkim(identity) };
}

/** DKIM is never set up offline: no DNS to publish tokens to. */
function dkim(identity: Identity): Record<string, unknown> {
  return { SigningEnabled: false, Status: "NOT_STARTED", SigningAttributesOrigin: "AWS_SES", Tokens: [] };
}

export function getEmailIdentity(model: SesModel, ctx: CallContext, name: string): Record<string, unknown> {
  const identity = model.identity(ctx.region, name);
  if (!identity) throw notFound(`Email identity ${name} does not exist.`);
  return {
    IdentityType: identityType(identity),
    FeedbackForwardingStatus: true,
    VerifiedForSendingStatus: true,
    VerificationStatus: "SUCCESS",
    DkimAttributes: dkim(identity),
    MailFromAttributes: { BehaviorOnMxFailure: "USE_DEFAULT_VALUE" },
    Policies: {},
    Tags: tagList(identity.tags),
  };
}

export function deleteEmailIdentity(model: SesModel, ctx: CallContext, name: string): Record<string, never> {
  if (!model.identity(ctx.region, name)) throw notFound(`Email identity ${name} does not exist.`);
  model.deleteIdentity(ctx.region, name);
  return {};
}

export function listEmailIdentities(model: SesModel, ctx: CallContext): { EmailIdentities: Record<string, unknown>[] } {
  return {
    EmailIdentities: model.listIdentities(ctx.region).map((i) => ({
      IdentityType: identityType(i),
      IdentityName: i.identity,
      SendingEnabled: true,
      VerificationStatus: "SUCCESS",
    })),
  };
}

/** `arn:aws:ses:<region>:<account>:identity/<name>` or `...:configuration-set/<name>`: the object holding its tags. */
function taggable(model: SesModel, ctx: CallContext, arn: string | undefined): { tags?: Record<string, string> } {
  // An empty account is the caller's: Terraform builds these ARNs itself and leaves it out with skip_requesting_account_id.
  const m = /^arn:aws[\w-]*:ses:([^:]+):(\d{12}|):(identity|configuration-set)\/(.+)$/.exec(arn ?? "");
  if (!m) throw bad(`ResourceArn ${arn ?? "(missing)"} is not an SES identity or configuration set ARN.`);
  const [, region, account, kind, name] = m;
  const target = account === ctx.accountId || account === "" ? (kind === "identity" ? model.identity(region!, name!) : model.configurationSet(region!, name!)) : undefined;
  if (!target) throw notFound(`Resource ${arn} does not exist.`);
  return target;
}

export function tagResource(model: SesModel, ctx: CallContext, input: { ResourceArn?: string; Tags?: Tag[] }): Record<string, never> {
  const target = taggable(model, ctx, input.ResourceArn);
  target.tags = { ...target.tags, ...Object.fromEntries((input.Tags ?? []).map((t) => [t.Key, t.Value])) };
  return {};
}

export function untagResource(model: SesModel, ctx: CallContext, input: { ResourceArn?: string; TagKeys: string[] }): Record<string, never> {
  const target = taggable(model, ctx, input.ResourceArn);
  const tags = { ...target.tags };
  for (const k of input.TagKeys) delete tags[k];
  target.tags = tags;
  return {};
}

export function listTagsForResource(model: SesModel, ctx: CallContext, arn: string | undefined): { Tags: Tag[] } {
  return { Tags: tagList(taggable(model, ctx, arn).tags) };
}
