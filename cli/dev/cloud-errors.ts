import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { recordsDir } from "../records.js";

/** One internal error of an in-process cloud, as the dashboard lists it. */
export interface CloudErrorRow {
  time: number;
  message: string;
}

/** The log an in-process cloud writes its internal errors to: the same file a background cloud logs to. */
export function cloudLogPath(root: string): string {
  return join(recordsDir(root), "cloud.log");
}

/**
 * The `onError` for a cloud run inside the CLI (`movies dev`, `movies up
 * --foreground`): each error goes, whole, to cloud.log and, as one line, to
 * `show` (the dashboard or the terminal). Nothing is swallowed; a failure to
 * write the log is shown instead of the error it could not keep.
 */
export function reportCloudErrors(root: string, show: (row: CloudErrorRow) => void): (err: unknown) => void {
  return (err) => {
    const path = cloudLogPath(root);
    const time = Date.now();
    const full = err instanceof Error ? (err.stack ?? err.message) : String(err);
    const message = (err instanceof Error ? err.message : String(err)).split("\n", 1)[0]!;
    try {
      mkdirSync(recordsDir(root), { recursive: true });
      appendFileSync(path, `${new Date(time).toISOString()} movies cloud: ${full}\n`);
      show({ time, message: `${message} (details in ${path})` });
    } catch (e) {
      show({ time, message: `${message} (and cloud.log could not be written: ${(e as Error).message})` });
    }
  };
}
