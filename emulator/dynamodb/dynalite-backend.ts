import { Agent, request, type IncomingMessage, type RequestListener, type Server } from "node:http";
import { createRequire } from "node:module";
import type dynaliteFactory from "dynalite";
import { closeDynaliteIterators } from "./close-level-iterators.js";
import { compactDynaliteBuffers } from "./compact-level-buffers.js";

export const DYNAMODB_TARGET_PREFIX = "DynamoDB_20120810.";

/** A reply from dynalite to an internal call. */
export interface DynaliteReply {
  status: number;
  body: Record<string, unknown>;
}

/**
 * dynalite in this process. `handle` is its request listener, which takes the
 * raw request stream. It also listens on an ephemeral loopback port: internal
 * calls (transactions, the TTL sweeper) go there, and dynalite's close() only
 * closes its LevelDB store when its server was listening.
 */
export interface DynaliteBackend {
  handle: RequestListener;
  url: string;
  call(operation: string, input: Record<string, unknown>): Promise<DynaliteReply>;
  close(): Promise<void>;
}

export async function startDynalite(opts: { path?: string; accountId: string; region: string }): Promise<DynaliteBackend> {
  closeDynaliteIterators();
  compactDynaliteBuffers();
  // Required here, not imported at the top: loading dynalite and LevelDB is the
  // largest part of the cloud's start, and a cloud without a state dir loads it
  // on its first DynamoDB request (see index.ts).
  const dynalite = createRequire(import.meta.url)("dynalite") as typeof dynaliteFactory;
  // Tables are usable at once: waiting 500 ms in CREATING helps nobody locally.
  const server: Server = withArnEnv(opts.accountId, opts.region, () => dynalite({ path: opts.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }));
  const handle = server.listeners("request")[0] as RequestListener;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("dynalite did not report its port");
  const port = address.port;
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });

  const call = (operation: string, input: Record<string, unknown>) =>
    new Promise<DynaliteReply>((resolve, reject) => {
      const text = JSON.stringify(input);
      const req = request(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/",
          agent,
          headers: {
            "content-type": "application/x-amz-json-1.0",
            "content-length": Buffer.byteLength(text),
            "x-amz-target": DYNAMODB_TARGET_PREFIX + operation,
            "x-amz-date": "20260101T000000Z",
            // dynalite checks that a signature is present, not that it is valid.
            authorization: "AWS4-HMAC-SHA256 Credential=internal/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
          },
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const raw = Buffer.concat(chunks).toString("utf8");
            let body: Record<string, unknown> = {};
            try {
              body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
            } catch {
              body = { __type: "com.amazon.coral.service#InternalFailure", message: raw };
            }
            resolve({ status: res.statusCode ?? 500, body });
          });
        },
      );
      req.on("error", reject);
      req.end(text);
    });

  return {
    handle,
    url: `http://127.0.0.1:${port}`,
    call,
    close: () =>
      new Promise<void>((resolve, reject) => {
        agent.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * dynalite takes the account and region of its table ARNs from the
 * environment when its store is created; set them for that synchronous call
 * only, so ARNs carry the cloud's account without touching the process's env.
 */
function withArnEnv<T>(accountId: string, region: string, create: () => T): T {
  const saved = { AWS_ACCOUNT_ID: process.env.AWS_ACCOUNT_ID, AWS_REGION: process.env.AWS_REGION };
  process.env.AWS_ACCOUNT_ID = accountId;
  process.env.AWS_REGION = region;
  try {
    return create();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
