/**
 * Go's encoding/json escapes `<`, `>`, `&`, U+2028 and U+2029 for HTML safety.
 * Terraform (jsonencode) and the AWS provider (policy documents) are Go, so
 * JSON they produce carries these escapes; ours must match byte for byte.
 * Safe on whole JSON texts: these characters only occur inside strings.
 */
export function goJsonEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
