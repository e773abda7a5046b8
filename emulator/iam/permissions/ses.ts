import { AwsError } from "../../core/aws-error.js";
import { obj, str, strList, type CallInput } from "./call-input.js";
import { same, type RequiredPermission, type ServiceCall } from "./required-permission.js";

const SENDS = new Set(["SendEmail", "SendRawEmail", "SendTemplatedEmail", "SendBulkTemplatedEmail", "SendBulkEmail", "SendCustomVerificationEmail"]);

/**
 * SES (v1 and v2 share the `ses:` prefix): sending is authorised on the
 * identity ARN of the sender (`identity/<address>` or `identity/<domain>`)
 * and, when the call names a configuration set, on that too, as AWS does.
 * Condition keys ses:FromAddress, ses:FromDisplayName, ses:Recipients and
 * ses:ApiVersion come from the message.
 */
export function sesPermissions(call: ServiceCall): RequiredPermission[] {
  if (!SENDS.has(call.operation)) {
    return same("ses", call, "*");
  }
  const v2 = call.service === "sesv2";
  const sender = v2 ? v2Sender(call.input) : v1Sender(call.input);
  if (!sender.address && !sender.identityArn) {
    throw new AwsError(v2 ? "BadRequestException" : "InvalidParameterValue", v2 ? "FromEmailAddress is required" : "Missing required header 'From'.");
  }
  const address = sender.address ? parseAddress(sender.address) : undefined;
  const identityArn = sender.identityArn ?? `arn:aws:ses:${call.region}:${call.accountId}:identity/${chooseIdentity(address!.address, call.sesIdentityExists)}`;

  const context: Record<string, string | string[]> = { "ses:ApiVersion": v2 ? "2" : "1" };
  if (address) {
    context["ses:FromAddress"] = address.address;
    if (address.displayName) context["ses:FromDisplayName"] = address.displayName;
  }
  const recipients = (v2 ? v2Recipients(call.input) : v1Recipients(call.input)).map((r) => parseAddress(r).address);
  if (recipients.length > 0) context["ses:Recipients"] = recipients;

  const perms: RequiredPermission[] = [{ action: `ses:${call.operation}`, resource: identityArn, context }];
  const configurationSet = str(call.input, "ConfigurationSetName");
  if (configurationSet) {
    perms.push({ action: `ses:${call.operation}`, resource: `arn:aws:ses:${call.region}:${call.accountId}:configuration-set/${configurationSet}`, context });
  }
  return perms;
}

/** The identity SES authorises against: the address if it is an identity itself, else its domain if that is. */
function chooseIdentity(address: string, exists: ((identity: string) => boolean) | undefined): string {
  if (!exists || exists(address)) return address;
  const domain = address.slice(address.lastIndexOf("@") + 1);
  return exists(domain) ? domain : address;
}

function v1Sender(input: CallInput): { address?: string; identityArn?: string } {
  const identityArn = str(input, "SourceArn") ?? str(input, "FromArn");
  const source = str(input, "Source");
  if (source) return { address: source, identityArn };
  const raw = str(input, "RawMessage.Data");
  return { address: raw ? header(decodeRaw(raw), "from") : undefined, identityArn };
}

function v2Sender(input: CallInput): { address?: string; identityArn?: string } {
  const identityArn = str(input, "FromEmailAddressIdentityArn");
  const from = str(input, "FromEmailAddress");
  if (from) return { address: from, identityArn };
  const raw = str(input, "Content.Raw.Data");
  return { address: raw ? header(decodeRaw(raw), "from") : undefined, identityArn };
}

function v1Recipients(input: CallInput): string[] {
  const direct = ["ToAddresses", "CcAddresses", "BccAddresses"].flatMap((k) => strList(input, `Destination.${k}`));
  const raw = strList(input, "Destinations");
  if (direct.length > 0 || raw.length > 0) return [...direct, ...raw];
  const data = str(input, "RawMessage.Data");
  return data ? rawRecipients(decodeRaw(data)) : [];
}

function v2Recipients(input: CallInput): string[] {
  const dest = obj(input, "Destination") ?? {};
  const direct = ["ToAddresses", "CcAddresses", "BccAddresses"].flatMap((k) => strList(dest, k));
  if (direct.length > 0) return direct;
  const data = str(input, "Content.Raw.Data");
  return data ? rawRecipients(decodeRaw(data)) : [];
}

function rawRecipients(mime: string): string[] {
  return ["to", "cc", "bcc"].flatMap((h) => splitAddressList(header(mime, h) ?? ""));
}

/** Raw MIME arrives base64-encoded (query protocol and the v2 JSON blob alike). */
function decodeRaw(data: string): string {
  const decoded = Buffer.from(data, "base64").toString("utf8");
  // Not base64 after all (a hand-written request): use it as it is.
  return /^[\x20-\x7e\r\n\t]*:/m.test(decoded) ? decoded : data;
}

/** One header of a MIME message, unfolded. */
function header(mime: string, name: string): string | undefined {
  const head = mime.split(/\r?\n\r?\n/, 1)[0] ?? "";
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return undefined;
}

function splitAddressList(list: string): string[] {
  return list
    .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `"Movies" <noreply@example.com>` -> address and display name. */
export function parseAddress(text: string): { address: string; displayName?: string } {
  const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^>]+)>\s*$/.exec(text);
  if (m) return { address: m[2]!.trim(), displayName: m[1]?.trim() || undefined };
  return { address: text.trim() };
}
