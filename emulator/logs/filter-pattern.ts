import { AwsError } from "../core/aws-error.js";

/**
 * CloudWatch Logs term filter patterns for unstructured log events:
 * `ERROR` (contains), `ERROR timeout` (all terms), `"Task timed out"` (a
 * phrase), `?ERROR ?WARN` (any of them), `ERROR -retry` (without a term).
 * Matching is case-sensitive, as on AWS. JSON (`{ $.x = 1 }`) and
 * space-delimited (`[ip, user, ...]`) patterns are refused with a clear error.
 */
export function compileFilterPattern(pattern: string | undefined): (message: string) => boolean {
  const text = pattern?.trim() ?? "";
  if (text === "") return () => true;
  if (text.startsWith("{") || text.startsWith("[")) {
    throw new AwsError(
      "InvalidParameterException",
      `The embedded cloud matches term filter patterns (words, "phrases", ?any, -not); JSON and space-delimited patterns such as ${text} are not supported`,
    );
  }
  const all: string[] = [];
  const any: string[] = [];
  const none: string[] = [];
  for (const m of text.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)) {
    const term = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3]!;
    if (m[1] === "?") any.push(term);
    else if (m[1] === "-") none.push(term);
    else all.push(term);
  }
  return (message) =>
    all.every((t) => message.includes(t)) && (any.length === 0 || any.some((t) => message.includes(t))) && !none.some((t) => message.includes(t));
}
