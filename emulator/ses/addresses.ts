/** Email address handling shared by SendEmail, SendRawEmail and identity checks. */

const ADDRESS = /^[^\s@<>()",;:]+@([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)$/;
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** The bare address of `Name <a@b.com>` or `a@b.com`. */
export function bareAddress(text: string): string {
  const angle = /<([^<>]*)>\s*$/.exec(text);
  return (angle ? angle[1]! : text).trim();
}

export function isEmailAddress(address: string): boolean {
  return ADDRESS.test(address);
}

export function isDomain(text: string): boolean {
  return DOMAIN.test(text);
}

/** The domain part of an address, lower-cased (domains are case-insensitive). */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

/** Splits an RFC 5322 address list on commas outside quotes and angle brackets. */
export function splitAddressList(text: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  let angle = 0;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === "<") angle++;
    else if (!quoted && ch === ">") angle = Math.max(0, angle - 1);
    if (ch === "," && !quoted && angle === 0) {
      if (current.trim() !== "") out.push(current.trim());
      current = "";
    } else {
      current += ch;
    }
  }
  if (current.trim() !== "") out.push(current.trim());
  return out;
}
