/** Minimal XML writing for awsQuery replies. */
export function escapeXml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\r/g, "&#xD;");
}

export type XmlValue = string | number | boolean | undefined | null | XmlValue[] | { [key: string]: XmlValue };

/**
 * Serialises a value the way awsQuery replies nest it: objects become child
 * elements, arrays become repeated `<member>` elements (override with `member`),
 * undefined/null are left out.
 */
export function toXml(value: XmlValue, member = "member"): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((v) => `<${member}>${toXml(v, member)}</${member}>`).join("");
  if (typeof value === "object") {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v, member)}</${k}>`)
      .join("");
  }
  return escapeXml(String(value));
}
