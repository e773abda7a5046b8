import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "../wire/body.js";

/** A console API error: a status and a message a person can act on. */
export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}

/** Action bodies are small JSON objects (an invoke payload at most). */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = (await readBody(req, 6 * 1024 * 1024)).toString("utf8");
  if (raw.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new ConsoleError(400, "the body must be a JSON object");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ConsoleError(400, "the body must be a JSON object");
  return body as Record<string, unknown>;
}

/** A non-negative integer query parameter within [0, max], or the default. */
export function intParam(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new ConsoleError(400, `${name} must be a whole number of 0 or more, got ${JSON.stringify(raw)}`);
  return Math.min(n, max);
}
