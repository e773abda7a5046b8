import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ConsoleError } from "./http.js";

/** DynamoDB sets come back as JS Sets, which JSON would turn into {}: the page gets them as arrays. */
function plain(item: Record<string, unknown>): Record<string, unknown> {
  const conv = (v: unknown): unknown => {
    if (v instanceof Set) return [...(v as Set<unknown>)].map(conv);
    if (Array.isArray(v)) return v.map(conv);
    if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x)]));
    return v;
  };
  return conv(item) as Record<string, unknown>;
}

/**
 * Tables are read through DynamoDB's own API (a client with the root key, as
 * any tool would), so the console shows exactly what a Scan or GetItem does.
 */
export class Tables {
  private client?: Promise<{ client: DynamoDBClient; sdk: typeof import("@aws-sdk/client-dynamodb"); doc: DynamoDBDocumentClient; lib: typeof import("@aws-sdk/lib-dynamodb") }>;

  constructor(private readonly opts: { endpoint: () => string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } }) {}

  private sdk() {
    return (this.client ??= (async () => {
      const [sdk, lib] = await Promise.all([import("@aws-sdk/client-dynamodb"), import("@aws-sdk/lib-dynamodb")]);
      const client = new sdk.DynamoDBClient({ endpoint: this.opts.endpoint(), region: this.opts.region, credentials: this.opts.credentials });
      return { client, sdk, doc: lib.DynamoDBDocumentClient.from(client), lib };
    })());
  }

  async list(): Promise<{ name: string; items: number; keys: string[] }[]> {
    const { client, sdk } = await this.sdk();
    const names: string[] = [];
    let start: string | undefined;
    do {
      const page = await client.send(new sdk.ListTablesCommand({ ExclusiveStartTableName: start }));
      names.push(...(page.TableNames ?? []));
      start = page.LastEvaluatedTableName;
    } while (start);
    return Promise.all(names.map(async (name) => ({ name, items: await this.count(name), keys: await this.keys(name) })));
  }

  async keys(name: string): Promise<string[]> {
    const { client, sdk } = await this.sdk();
    const t = await this.call(() => client.send(new sdk.DescribeTableCommand({ TableName: name })));
    return (t.Table?.KeySchema ?? []).sort((a) => (a.KeyType === "HASH" ? -1 : 1)).map((k) => k.AttributeName!);
  }

  /** A Scan with Select COUNT: exact, unlike DescribeTable's ItemCount, which AWS updates every few hours. */
  async count(name: string): Promise<number> {
    const { doc, lib } = await this.sdk();
    let total = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.call(() => doc.send(new lib.ScanCommand({ TableName: name, Select: "COUNT", ExclusiveStartKey: start })));
      total += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return total;
  }

  /** One page of a Scan; `next` is the LastEvaluatedKey as an opaque token. */
  async page(name: string, limit: number, next?: string): Promise<{ keys: string[]; items: Record<string, unknown>[]; next?: string }> {
    const { doc, lib } = await this.sdk();
    let start: Record<string, unknown> | undefined;
    if (next) {
      try {
        start = JSON.parse(Buffer.from(next, "base64url").toString("utf8")) as Record<string, unknown>;
      } catch {
        throw new ConsoleError(400, "next is not a page token this console gave out");
      }
    }
    const page = await this.call(() => doc.send(new lib.ScanCommand({ TableName: name, Limit: limit, ExclusiveStartKey: start })));
    return {
      keys: await this.keys(name),
      items: (page.Items ?? []).map(plain),
      ...(page.LastEvaluatedKey && { next: Buffer.from(JSON.stringify(page.LastEvaluatedKey)).toString("base64url") }),
    };
  }

  async get(name: string, key: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const { doc, lib } = await this.sdk();
    const r = await this.call(() => doc.send(new lib.GetCommand({ TableName: name, Key: key })));
    return r.Item && plain(r.Item);
  }

  /** DynamoDB's own refusals (no such table, a wrong key) reach the page as 400s with its message. */
  private async call<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      if (e.$metadata?.httpStatusCode && e.$metadata.httpStatusCode < 500) throw new ConsoleError(e.name === "ResourceNotFoundException" ? 404 : 400, `${e.name}: ${e.message}`);
      throw err;
    }
  }

  close(): void {
    void this.client?.then((c) => c.client.destroy(), () => undefined);
  }
}
