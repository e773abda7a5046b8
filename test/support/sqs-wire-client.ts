import { Agent, request } from "node:http";

/**
 * A lean SQS JSON-protocol client for load generation: the same bytes the SDK
 * v3 puts on the wire (target header, query mode, a SigV4-shaped scope), with
 * none of its per-call CPU, so the server, not the client, is what is measured.
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

  call<T = Record<string, unknown>>(action: string, input: Record<string, unknown>): Promise<T> {
    const body = JSON.stringify(input);
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
            authorization: "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20261129/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0",
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            if ((res.statusCode ?? 500) >= 300) reject(new Error(`${action} answered ${res.statusCode}: ${text}`));
            else resolve((text ? JSON.parse(text) : {}) as T);
          });
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
