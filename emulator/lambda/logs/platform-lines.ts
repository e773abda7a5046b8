/** The lines the Lambda platform writes around each invocation, in its format (tab separated). */

export function startLine(requestId: string, version: string): string {
  return `START RequestId: ${requestId} Version: ${version}`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

export interface ReportFields {
  requestId: string;
  durationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  /** only on the first invocation of an environment */
  initDurationMs?: number;
  /** "timeout" or "error" when the environment ended badly */
  status?: "timeout" | "error";
  errorType?: string;
}

export function reportLine(f: ReportFields): string {
  const parts = [
    `REPORT RequestId: ${f.requestId}`,
    `Duration: ${f.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.max(1, Math.ceil(f.durationMs))} ms`,
    `Memory Size: ${f.memorySizeMb} MB`,
    `Max Memory Used: ${f.maxMemoryUsedMb} MB`,
  ];
  if (f.initDurationMs !== undefined) parts.push(`Init Duration: ${f.initDurationMs.toFixed(2)} ms`);
  if (f.status) parts.push(`Status: ${f.status}`);
  if (f.errorType) parts.push(`Error Type: ${f.errorType}`);
  return `${parts.join("\t")}\t`;
}

export function initReportLine(initDurationMs: number, status: "error" | "timeout", errorType?: string): string {
  const parts = [`INIT_REPORT Init Duration: ${initDurationMs.toFixed(2)} ms`, "Phase: init", `Status: ${status}`];
  if (errorType) parts.push(`Error Type: ${errorType}`);
  return parts.join("\t");
}

/**
 * The first line of an execution environment: which runtime, and here also
 * which Node.js binary runs it, with a note when it is not of the runtime's major.
 */
export function initStartLine(runtime: string, nodeVersion: string, nodePath: string, note?: string): string {
  const line = `INIT_START Runtime Version: ${runtime.replace(/^nodejs(\d+)\.x$/, "nodejs:$1")}\tNode.js: ${nodeVersion}\tBinary: ${nodePath}`;
  return note ? `${line}\tNote: ${note}` : line;
}
