import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { unavailable } from "./errors.js";

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** parsed JSON body, or the raw text when it is not JSON, or undefined when empty */
  body: unknown;
  ms: number;
  /** how many times the API said 429 before this answer */
  retries: number;
}

/** The stage throttles (10 requests/s, burst 20): paging through thousands of movies meets 429s. */
const MAX_THROTTLE_RETRIES = 6;

/** Retry-After when the API gives one, else exponential backoff with jitter, at most 5 s. */
export function throttleDelayMs(attempt: number, retryAfter: string | null): number {
  const seconds = retryAfter === null ? NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(5000, seconds * 1000);
  return Math.min(5000, 200 * 2 ** attempt) * (0.5 + Math.random() / 2);
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

function flatHeaders(h: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v)]));
}

/**
 * One request with node:http(s). `fetch` would do, but loading undici costs a
 * CLI start ~50 ms, a tenth of the budget of `movies call get 1`.
 */
function send(url: URL, method: string, headers: Record<string, string>, payload?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, { method, headers: payload === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(payload)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: flatHeaders(res.headers), text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}

/** Calls the deployed movies API. Writes carry the API key. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey?: string,
    /** what to do when nothing answers, shown under the error */
    private readonly unreachableHint = "is it deployed and running? try `movies status`",
  ) {}

  async request(method: string, path: string, body?: unknown, query?: Record<string, string | undefined>): Promise<ApiResponse> {
    const url = new URL(this.baseUrl.replace(/\/$/, "") + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (method !== "GET" && this.apiKey) headers["x-api-key"] = this.apiKey;
    const started = performance.now();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let res: RawResponse;
    let retries = 0;
    for (;;) {
      try {
        // a 429 is refused at the stage before any function runs, so even a POST is safe to send again
        res = await send(url, method, headers, payload);
      } catch (e) {
        const cause = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        throw unavailable(`cannot reach the API at ${url.origin} (${cause})`, this.unreachableHint);
      }
      if (res.status !== 429 || retries >= MAX_THROTTLE_RETRIES) break;
      await new Promise((r) => setTimeout(r, throttleDelayMs(retries, res.headers["retry-after"] ?? null)));
      retries++;
    }
    const text = res.text;
    const ms = performance.now() - started;
    let parsed: unknown = undefined;
    if (text !== "") {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, headers: res.headers, body: parsed, ms, retries };
  }
}
