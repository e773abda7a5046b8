/** A value as Terraform's JSON syntax and cdktf can express it. */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
export type ValueObject = { [key: string]: Value };

export function isObject(v: unknown): v is ValueObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Structural equality, the way Terraform compares planned and prior values. */
export function valuesEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && valuesEqual(a[k], b[k]));
  }
  return false;
}

/** Terraform's names for value types, used in error messages. */
export function typeName(v: Value | undefined): string {
  if (v === undefined || v === null) return "null";
  if (Array.isArray(v)) return "list";
  if (typeof v === "object") return "object";
  if (typeof v === "boolean") return "bool";
  return typeof v;
}
