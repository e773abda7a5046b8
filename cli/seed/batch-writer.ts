import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { SeedMovie } from "./movie-rows.js";

export interface WriteOptions {
  client: DynamoDBDocumentClient;
  table: string;
  movies: SeedMovie[];
  /** requests in flight at once */
  concurrency?: number;
  maxRetries?: number;
  onProgress?(written: number, total: number): void;
}

/** The stored item, as the handlers' repository writes it (partition key ID only). */
export function toItem(m: SeedMovie, now: string): Record<string, unknown> {
  return { ID: m.id, Title: m.title, Rating: m.rating, Genres: new Set(m.genres), CreatedAt: now, UpdatedAt: now };
}

/**
 * BatchWriteItem, 25 items a request, several requests in flight; UnprocessedItems
 * are sent again with exponential backoff until none remain or retries run out.
 */
export async function writeMovies(opts: WriteOptions): Promise<number> {
  const now = new Date().toISOString();
  type Put = { PutRequest: { Item: Record<string, unknown> } };
  const requests: Put[] = opts.movies.map((m) => ({ PutRequest: { Item: toItem(m, now) } }));
  const chunks: Put[][] = [];
  for (let i = 0; i < requests.length; i += 25) chunks.push(requests.slice(i, i + 25));
  let written = 0;
  let next = 0;
  const maxRetries = opts.maxRetries ?? 8;
  const worker = async () => {
    while (next < chunks.length) {
      let pending = chunks[next++]!;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > maxRetries) throw new Error(`DynamoDB kept ${pending.length} items unprocessed after ${maxRetries} retries`);
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2)));
        const res = await opts.client.send(new BatchWriteCommand({ RequestItems: { [opts.table]: pending } }));
        const left = (res.UnprocessedItems?.[opts.table] ?? []) as Put[];
        written += pending.length - left.length;
        opts.onProgress?.(written, requests.length);
        pending = left;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, chunks.length) }, worker));
  return written;
}
