import type { ServerResponse } from "node:http";

const JSON_TYPE = /"__type"\s*:\s*"(?:[^"#]*#)?([^"]+)"/;
const XML_CODE = /<Code>([^<]+)<\/Code>/;

function headerCode(res: ServerResponse): string | undefined {
  const query = res.getHeader("x-amzn-query-error");
  if (typeof query === "string") return query.split(";")[0];
  const type = res.getHeader("x-amzn-errortype");
  if (typeof type === "string") return type.split(":")[0];
  return undefined;
}

/**
 * Calls `done` once with the status and AWS error code of a reply, however
 * the service wrote it (our codecs, dynalite's raw handler). Only an error
 * reply's body is looked at: the small JSON or XML error document, for its
 * `__type` or `<Code>`. Success bodies are never read.
 */
export function watchReply(res: ServerResponse, done: (status: number, errorCode: string | undefined) => void): void {
  let code: string | undefined;
  let called = false;
  const end = res.end;
  res.end = function (this: ServerResponse, ...args: unknown[]) {
    res.end = end;
    if (res.statusCode >= 400) {
      code = headerCode(res);
      const chunk = args[0];
      if (code === undefined && (typeof chunk === "string" || Buffer.isBuffer(chunk)) && chunk.length < 8192) {
        const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
        code = (JSON_TYPE.exec(text) ?? XML_CODE.exec(text))?.[1];
      }
    }
    const out = (end as (...a: unknown[]) => ServerResponse).apply(this, args);
    finish();
    return out;
  } as ServerResponse["end"];
  const finish = () => {
    if (called) return;
    called = true;
    done(res.statusCode, res.statusCode >= 400 ? (code ?? headerCode(res)) : undefined);
  };
  // a reply that never reaches end() (the connection dropped) still ends its span
  res.once("close", finish);
}
