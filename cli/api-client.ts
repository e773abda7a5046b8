import { unavailable } from "./errors.js";

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** parsed JSON body, or the raw text when it is not JSON, or undefined when empty */
  body: unknown;
  ms: number;
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
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
      throw unavailable(`cannot reach the API at ${url.origin} (${cause})`, this.unreachableHint);
    }
    const text = await res.text();
    const ms = performance.now() - started;
    let parsed: unknown = undefined;
    if (text !== "") {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, headers: Object.fromEntries(res.headers), body: parsed, ms };
  }
}
