import { expectArray, expectObject, expectString } from "../core/shape.js";
import { randomBytes } from "node:crypto";
import { bareAddress, domainOf } from "./addresses.js";

export type IdentityType = "EmailAddress" | "Domain";

export interface Identity {
  identity: string;
  type: IdentityType;
  region: string;
  /** TXT record value for domains, as VerifyDomainIdentity returns it */
  verificationToken?: string;
  /** SES v2 tags (v1 identities have none) */
  tags?: Record<string, string>;
}

export interface MailDestination {
  ToAddresses: string[];
  CcAddresses: string[];
  BccAddresses: string[];
}

/** One sent message in the mailbox, in the shape LocalStack's `/_aws/ses` uses (plus a few extra fields). */
export interface SentEmail {
  Id: string;
  Region: string;
  Destination: MailDestination;
  Source: string;
  Subject?: string;
  Body?: { text_part: string | null; html_part: string | null };
  /** the whole message for SendRawEmail / v2 Raw content */
  RawData?: string;
  Timestamp: string;
  ReplyToAddresses?: string[];
  ConfigurationSetName?: string;
  Tags?: { Name: string; Value: string }[];
}

export interface ConfigurationSet {
  name: string;
  region: string;
  createdAt: string;
  /** absent means the AWS defaults: sending enabled, reputation metrics off, TLS optional */
  sendingEnabled?: boolean;
  reputationMetricsEnabled?: boolean;
  tlsPolicy?: "Require" | "Optional";
  tags?: Record<string, string>;
}

interface SendLogEntry {
  region: string;
  /** epoch ms */
  at: number;
  recipients: number;
}

export interface SesSnapshot {
  identities: Identity[];
  configurationSets: ConfigurationSet[];
  mailbox: SentEmail[];
  sendLog?: SendLogEntry[];
}

/** Throws, naming what is wrong, unless `state` has the shape snapshot() makes. */
function checkSnapshot(state: unknown): void {
  const snap = expectObject(state, "SES state");
  expectArray(snap.identities, "SES state.identities").forEach((v, i) => {
    const id = expectObject(v, `identity ${i}`);
    expectString(id.identity, `identity ${i}.identity`);
    expectString(id.region, `identity ${i}.region`);
  });
  expectArray(snap.configurationSets, "SES state.configurationSets").forEach((v, i) => expectString(expectObject(v, `configuration set ${i}`).name, `configuration set ${i}.name`));
  expectArray(snap.mailbox, "SES state.mailbox").forEach((v, i) => expectString(expectObject(v, `email ${i}`).Id, `email ${i}.Id`));
  if (snap.sendLog !== undefined) expectArray(snap.sendLog, "SES state.sendLog");
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
const key = (region: string, name: string) => `${region}\u0000${name.toLowerCase()}`;

/** Identities, configuration sets and the mailbox of sent mail; no HTTP. */
export class SesModel {
  /** @param mailboxLimit sent emails kept; the oldest are dropped first */
  constructor(readonly mailboxLimit = Number.POSITIVE_INFINITY) {}

  private readonly identities = new Map<string, Identity>();
  private readonly configurationSets = new Map<string, ConfigurationSet>();
  private mailbox: SentEmail[] = [];
  private sendLog: SendLogEntry[] = [];

  /** Identities are verified at once: there is no inbox or DNS to confirm against offline. */
  verifyEmail(region: string, address: string): Identity {
    const existing = this.identities.get(key(region, address));
    if (existing) return existing;
    const identity: Identity = { identity: address, type: "EmailAddress", region };
    this.identities.set(key(region, address), identity);
    return identity;
  }

  verifyDomain(region: string, domain: string): Identity {
    const existing = this.identities.get(key(region, domain));
    if (existing) return existing;
    const identity: Identity = { identity: domain.toLowerCase(), type: "Domain", region, verificationToken: randomBytes(32).toString("base64") };
    this.identities.set(key(region, domain), identity);
    return identity;
  }

  identity(region: string, name: string): Identity | undefined {
    return this.identities.get(key(region, name));
  }

  listIdentities(region: string, type?: IdentityType): Identity[] {
    return [...this.identities.values()].filter((i) => i.region === region && (type === undefined || i.type === type));
  }

  deleteIdentity(region: string, name: string): void {
    this.identities.delete(key(region, name));
  }

  /** The sandbox rule: the address itself, its domain or a parent domain must be verified in the region. */
  isVerifiedSender(region: string, address: string): boolean {
    if (this.identities.has(key(region, address))) return true;
    const labels = domainOf(address).split(".");
    for (let i = 0; i < labels.length - 1; i++) {
      const d = this.identities.get(key(region, labels.slice(i).join(".")));
      if (d?.type === "Domain") return true;
    }
    return false;
  }

  createConfigurationSet(region: string, name: string): boolean {
    if (this.configurationSets.has(key(region, name))) return false;
    this.configurationSets.set(key(region, name), { name, region, createdAt: new Date().toISOString() });
    return true;
  }

  hasConfigurationSet(region: string, name: string): boolean {
    return this.configurationSets.has(key(region, name));
  }

  deleteConfigurationSet(region: string, name: string): boolean {
    return this.configurationSets.delete(key(region, name));
  }

  configurationSet(region: string, name: string): ConfigurationSet | undefined {
    return this.configurationSets.get(key(region, name));
  }

  listConfigurationSets(region: string): ConfigurationSet[] {
    return [...this.configurationSets.values()].filter((c) => c.region === region);
  }

  record(email: SentEmail): void {
    this.mailbox.push(email);
    if (this.mailbox.length > this.mailboxLimit) this.mailbox.splice(0, this.mailbox.length - this.mailboxLimit);
    const d = email.Destination;
    const recipients = d.ToAddresses.length + d.CcAddresses.length + d.BccAddresses.length;
    // One entry per region and minute, a day of them at most: the quota needs counts, not every send.
    const at = Math.floor(Date.parse(email.Timestamp) / MINUTE_MS) * MINUTE_MS;
    const last = this.sendLog[this.sendLog.length - 1];
    if (last && last.region === email.Region && last.at === at) last.recipients += recipients;
    else this.sendLog.push({ region: email.Region, at, recipients });
    let old = 0;
    while (old < this.sendLog.length && at - this.sendLog[old]!.at >= DAY_MS) old++;
    if (old > 0) this.sendLog.splice(0, old);
  }

  /** Sent mail, oldest first; `email` matches the Source address, as LocalStack's filter does. */
  messages(filter: { id?: string; email?: string } = {}): SentEmail[] {
    return this.mailbox.filter(
      (m) => (filter.id === undefined || m.Id === filter.id) && (filter.email === undefined || bareAddress(m.Source).toLowerCase() === filter.email.toLowerCase()),
    );
  }

  /** Removes one message by id, or all of them. */
  clear(id?: string): void {
    this.mailbox = id === undefined ? [] : this.mailbox.filter((m) => m.Id !== id);
  }

  /** Recipients (not messages) count against the sending quota, as on AWS; clearing the mailbox does not reset it. */
  sentLast24Hours(region: string, now = Date.now()): number {
    this.sendLog = this.sendLog.filter((e) => now - e.at < DAY_MS);
    return this.sendLog.reduce((sum, e) => (e.region === region ? sum + e.recipients : sum), 0);
  }

  snapshot(): SesSnapshot {
    return { identities: [...this.identities.values()], configurationSets: [...this.configurationSets.values()], mailbox: this.mailbox, sendLog: this.sendLog };
  }

  restore(state: SesSnapshot): void {
    checkSnapshot(state);
    this.identities.clear();
    this.configurationSets.clear();
    for (const i of state.identities ?? []) this.identities.set(key(i.region, i.identity), i);
    for (const c of state.configurationSets ?? []) this.configurationSets.set(key(c.region, c.name), c);
    this.mailbox = [...(state.mailbox ?? [])];
    this.sendLog = [...(state.sendLog ?? [])];
  }
}
