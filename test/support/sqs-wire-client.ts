import { Agent, request, type IncomingHttpHeaders } from "node:http";

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * A lean SQS JSON-protocol client: the same bytes the SDK v3 puts on the wire
 * (target header, query mode, a SigV4-shaped scope) with none of its per-call
 * CPU, for load generation and for sending requests the SDK would refuse to.
 */
export class SqsWireClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(url: string, maxSockets = 32) {
    const u = new URL(url);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** Calls an action and returns its output; rejects on any non-2xx reply. */
  async call<T = Record<string, unknown>>(action: string, input: Record<string, unknown>): Promise<T> {
    const reply = await this.raw(action, JSON.stringify(input));
    if (reply.status >= 300) throw new Error(`${action} answered ${reply.status}: ${reply.text}`);
    return (reply.text ? JSON.parse(reply.text) : {}) as T;
  }

  /** Posts `body` as-is to `AmazonSQS.<action>` and returns whatever came back. */
  raw(action: string, body: string): Promise<RawReply> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.host,
          port: this.port,
          method: "POST",
          path: "/",
          agent: this.agent,
          headers: {
            "content-type": "application/x-amz-json-1.0",
            "content-length": Buffer.byteLength(body),
            "x-amz-target": `AmazonSQS.${action}`,
            "x-amzn-query-mode": "true",
            "x-amz-date": "20261129T000000Z",
            authorization: "AWS4-HMAC-SHA256 Credential=AKIDWIRE/20261129/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0",
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
