/** The parts of esbuild's BuildFailure message we show (esbuild's `Message`). */
interface EsbuildMessage {
  text: string;
  location?: { file: string; line: number; column: number; lineText?: string } | null;
}

/**
 * A failed build as a person reads it: `file:line:column: message`, the
 * offending line and a caret under the column, for every error esbuild
 * reported. Anything that is not an esbuild failure is its message, whole.
 */
export function buildErrorLines(err: unknown): string[] {
  const errors = (err as { errors?: EsbuildMessage[] } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return String((err as Error)?.message ?? err).split("\n").filter(Boolean);
  const lines: string[] = [];
  for (const e of errors) {
    const at = e.location;
    if (!at) {
      lines.push(e.text);
      continue;
    }
    // esbuild's line is 1-based, its column 0-based: editors count columns from 1
    lines.push(`${at.file}:${at.line}:${at.column + 1}: ${e.text}`);
    if (at.lineText !== undefined) {
      lines.push(`    ${at.lineText}`);
      lines.push(`    ${" ".repeat(at.column)}^`);
    }
  }
  return lines;
}
