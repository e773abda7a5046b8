/**
 * Reading a call's input without caring how the service decoded it: JSON
 * protocols hand over nested objects, awsQuery hands over flat form
 * parameters (`Destination.ToAddresses.member.1`). Both shapes work here.
 */
export type CallInput = Record<string, unknown>;

/** A string at a dotted path (`RawMessage.Data`), nested or flat. */
export function str(input: CallInput, path: string): string | undefined {
  const flat = input[path];
  if (typeof flat === "string") return flat;
  const nested = dig(input, path);
  return typeof nested === "string" ? nested : undefined;
}

/** A list of strings at a dotted path, nested (`["a"]`) or flat (`path.member.1`). */
export function strList(input: CallInput, path: string, element = "member"): string[] {
  const nested = dig(input, path);
  if (Array.isArray(nested)) return nested.filter((v): v is string => typeof v === "string");
  const out: string[] = [];
  for (let i = 1; typeof input[`${path}.${element}.${i}`] === "string"; i++) out.push(input[`${path}.${element}.${i}`] as string);
  return out;
}

export function obj(input: CallInput, path: string): CallInput | undefined {
  const v = dig(input, path);
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as CallInput) : undefined;
}

export function list(input: CallInput, path: string): CallInput[] {
  const v = dig(input, path);
  return Array.isArray(v) ? v.filter((x): x is CallInput => typeof x === "object" && x !== null) : [];
}

function dig(input: CallInput, path: string): unknown {
  let cur: unknown = input;
  for (const part of path.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as CallInput)[part];
  }
  return cur;
}
