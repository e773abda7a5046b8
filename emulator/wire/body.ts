import type { IncomingMessage } from "node:http";
import { AwsError } from "../core/aws-error.js";

/** Largest request body any service accepts; larger bodies are refused before buffering more. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AwsError("RequestEntityTooLarge", `Request body exceeds ${limit} bytes`, 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
