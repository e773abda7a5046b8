import { LITERAL_QUESTION, LITERAL_STAR } from "./wildcard.js";

/** Request context with keys lower-cased, since condition keys are case-insensitive. */
export type RequestContext = ReadonlyMap<string, string[]>;

export function normaliseContext(context: Record<string, string | string[] | undefined>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of Object.entries(context)) {
    if (v === undefined) continue;
    out.set(k.toLowerCase(), Array.isArray(v) ? v : [v]);
  }
  return out;
}

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * Replace policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`,
 * and the escapes `${*}`, `${?}`, `${$}`) with request values. Substituted text
 * matches literally, never as a wildcard. Returns undefined when a variable
 * has no value and no default: IAM then treats the element as not matching.
 * Only policies of version 2012-10-17 have variables; older ones keep the text.
 */
export function substituteVariables(text: string, ctx: RequestContext, version: string): string | undefined {
  if (version !== "2012-10-17" || !text.includes("${")) return text;
  let missing = false;
  const out = text.replace(VARIABLE, (_m, inner: string) => {
    const body = inner.trim();
    if (body === "*") return LITERAL_STAR;
    if (body === "?") return LITERAL_QUESTION;
    if (body === "$") return "$";
    const m = /^([^,]+?)\s*(?:,\s*'([^']*)')?$/.exec(body);
    const key = (m?.[1] ?? body).trim().toLowerCase();
    const values = ctx.get(key);
    // A multivalued key cannot stand in for one string.
    const value = values && values.length === 1 ? values[0] : m?.[2];
    if (value === undefined) {
      missing = true;
      return "";
    }
    return value.replaceAll("*", LITERAL_STAR).replaceAll("?", LITERAL_QUESTION);
  });
  return missing ? undefined : out;
}
