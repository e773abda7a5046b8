/** Reads and actions against the console's API and the cloud's admin API, same origin. */
export const BASE = "/_movies/console";

const meta = () => document.querySelector<HTMLMetaElement>('meta[name="movies-console-token"]');

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function answer<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text === "" ? {} : JSON.parse(text);
  } catch {
    body = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, (body as { message?: string }).message ?? `HTTP ${res.status}`);
  return body as T;
}

export async function get<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path.startsWith("/") ? path : `${BASE}/api/${path}`, { headers: { accept: "application/json" } }));
}

/** Actions carry the token the page was served with, in a header a cross-site form cannot set. */
export async function post<T>(path: string, body: unknown = {}): Promise<T> {
  const m = meta();
  return answer<T>(
    await fetch(`${BASE}/api/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", [m?.dataset.header ?? "x-movies-console-token"]: m?.content ?? "" },
      body: JSON.stringify(body),
    }),
  );
}

export const enc = encodeURIComponent;
