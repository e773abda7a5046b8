import { Agent, request } from "node:http";

export interface Answer {
  status: number;
  body: string;
}

export interface Caller {
  /** one HTTP request on a kept-alive connection; a body is JSON unless the headers say otherwise */
  call(method: string, url: string, headers?: Record<string, string>, body?: string): Promise<Answer>;
  /** closes the kept-alive connections */
  close(): void;
}

/**
 * A bare HTTP client with keep-alive, as a load generator wants it: no SDK,
 * no retries, nothing that adds CPU to the process measuring.
 */
export function keepAliveCaller(maxSockets: number): Caller {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const call = (method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const h = body === undefined ? headers : { "content-type": "application/json", ...headers, "content-length": String(Buffer.byteLength(body)) };
      const req = request(url, { method, agent, headers: h }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  return { call, close: () => agent.destroy() };
}
