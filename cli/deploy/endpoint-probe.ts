import { request } from "node:http";
import { request as httpsRequest } from "node:https";

/** What answers at an endpoint: our embedded cloud, LocalStack, something else, or nothing. */
export type EndpointKind = "movies-cloud" | "localstack" | "other" | "unreachable";

export interface EndpointProbe {
  kind: EndpointKind;
  url: string;
  /** one line a person can read: "LocalStack 4.x", "connection refused", "HTTP 404 on /_localstack/health" */
  detail: string;
}

interface Reply {
  status: number;
  body: string;
}

/** One GET with a hard deadline; node:http so a refused connection is known in milliseconds. */
function get(url: string, timeoutMs: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = (u.protocol === "https:" ? httpsRequest : request)(u, { method: "GET", timeout: timeoutMs, headers: { accept: "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8").slice(0, 4096) }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end();
  });
}

const reason = (e: unknown) => {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ECONNREFUSED") return "connection refused: nothing listens there";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "the host name does not resolve";
  if (code === "ETIMEDOUT") return (e as Error).message;
  return code ?? (e as Error).message;
};

/**
 * Asks the endpoint who it is: our cloud answers `/_movies/health`, LocalStack
 * `/_localstack/health`. Ours is asked first, since a cloud may also answer
 * LocalStack's path for compatibility.
 */
export async function probeEndpoint(url: string, timeoutMs = 2000): Promise<EndpointProbe> {
  const base = url.replace(/\/+$/, "");
  let ours: Reply;
  try {
    ours = await get(`${base}/_movies/health`, timeoutMs);
  } catch (e) {
    return { kind: "unreachable", url: base, detail: reason(e) };
  }
  if (ours.status === 200 && /"status"|"services"|"ok"/.test(ours.body)) return { kind: "movies-cloud", url: base, detail: "the movies embedded cloud (answers /_movies/health)" };
  try {
    const ls = await get(`${base}/_localstack/health`, timeoutMs);
    if (ls.status === 200) {
      const version = /"version"\s*:\s*"([^"]+)"/.exec(ls.body)?.[1];
      return { kind: "localstack", url: base, detail: `LocalStack${version ? ` ${version}` : ""}` };
    }
    return { kind: "other", url: base, detail: `something that is not LocalStack (HTTP ${ls.status} on /_localstack/health)` };
  } catch (e) {
    return { kind: "other", url: base, detail: `something that is not LocalStack (${reason(e)} on /_localstack/health)` };
  }
}
