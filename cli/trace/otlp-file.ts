import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { DEFAULT_RESOURCE, toOtlpJson } from "../../emulator/trace/otlp.js";
import { CliError, EXIT } from "../errors.js";
import type { Trace } from "./span.js";

/**
 * Writes a trace as one OTLP/JSON export request, the file Jaeger, Grafana
 * Tempo and other OpenTelemetry tools load. Written beside the target and
 * renamed over it, so a file that was there is never left half-written.
 */
export async function writeOtlpFile(file: string, trace: Trace, target: string): Promise<void> {
  const resource = target === "aws" ? { "service.name": "movies", "cloud.provider": "aws" } : DEFAULT_RESOURCE;
  const text = `${JSON.stringify(toOtlpJson(trace.spans, resource), null, 2)}\n`;
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    const err = e as NodeJS.ErrnoException;
    throw new CliError(`could not write ${file}: ${err.code === "ENOENT" ? "its folder does not exist" : err.message}`, EXIT.refused, "give --otlp a path in a folder you can write to");
  }
}
