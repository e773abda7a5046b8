/**
 * Checks for state read back from disk: restore() must refuse a value of the
 * wrong shape (naming what is wrong) rather than start a silently empty service.
 */
export function expectObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${what} is not an object`);
  return value as Record<string, unknown>;
}

export function expectArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${what} is not a list`);
  return value;
}

export function expectString(value: unknown, what: string): string {
  if (typeof value !== "string") throw new Error(`${what} is not a string`);
  return value;
}

export function expectNumber(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`${what} is not a number`);
  return value;
}

/** A map of strings (attributes, tags). */
export function expectStringMap(value: unknown, what: string): Record<string, string> {
  const obj = expectObject(value, what);
  for (const [k, v] of Object.entries(obj)) expectString(v, `${what}.${k}`);
  return obj as Record<string, string>;
}
