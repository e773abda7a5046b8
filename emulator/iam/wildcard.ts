/**
 * IAM's two wildcards: `*` (any run of characters, including none) and `?`
 * (exactly one character). Compiled patterns are cached because the same few
 * policy strings are matched on every call a function makes.
 */
const cache = new Map<string, RegExp>();

/**
 * A `*` or `?` that came from a policy variable (`${*}`, `${?}`, or a
 * substituted value) matches itself only; policy-variables.ts writes them as
 * these private-use characters so they survive into the pattern as literals.
 */
export const LITERAL_STAR = "\uE000";
export const LITERAL_QUESTION = "\uE001";

export function globToRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? "i" : "s"}${pattern}`;
  let re = cache.get(key);
  if (!re) {
    let src = "";
    for (const ch of pattern) {
      if (ch === "*") src += "[\\s\\S]*";
      else if (ch === "?") src += "[\\s\\S]";
      else if (ch === LITERAL_STAR) src += "\\*";
      else if (ch === LITERAL_QUESTION) src += "\\?";
      else src += ch.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
    }
    re = new RegExp(`^${src}$`, ignoreCase ? "i" : "");
    if (cache.size > 10_000) cache.clear();
    cache.set(key, re);
  }
  return re;
}

export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === "*") return true;
  if (!/[*?\uE000\uE001]/.test(pattern)) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return globToRegExp(pattern, ignoreCase).test(value);
}

/** Action names are case-insensitive on AWS: `DynamoDB:getitem` grants `dynamodb:GetItem`. */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatch(pattern, action, true);
}

/**
 * ARN matching as IAM does it: the first five colon-separated segments
 * (arn, partition, service, region, account) are matched one by one, so a
 * wildcard there stays inside its segment; in the resource part a `*` may
 * span `:` and `/` (`arn:aws:logs:*:*:*` covers every log stream). A bare
 * `*` matches any resource. Matching is case-sensitive, as ARNs are.
 */
export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const p = splitArn(pattern);
  const a = splitArn(arn);
  if (!p || !a) return globMatch(pattern, arn);
  for (let i = 0; i < 6; i++) {
    if (!globMatch(p[i]!, a[i]!)) return false;
  }
  return true;
}

/** `arn:partition:service:region:account:resource`, the resource keeping its own colons. */
export function splitArn(arn: string): string[] | undefined {
  const parts: string[] = [];
  let rest = arn;
  for (let i = 0; i < 5; i++) {
    const at = rest.indexOf(":");
    if (at < 0) return undefined;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts[0] === "arn" ? parts : undefined;
}
