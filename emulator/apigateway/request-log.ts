/** What the dev dashboard and `/_movies/api-requests` show of each API request. */
export interface ApiRequestRecord {
  time: number;
  requestId: string;
  apiId: string;
  stage: string;
  method: string;
  path: string;
  status: number;
  ms: number;
}

/** The last requests, plus live subscribers for follow mode. */
export class RequestLog {
  private readonly items: ApiRequestRecord[] = [];
  private readonly listeners = new Set<(r: ApiRequestRecord) => void>();

  constructor(private readonly capacity = 1000) {}

  add(record: ApiRequestRecord): void {
    this.items.push(record);
    if (this.items.length > this.capacity) this.items.shift();
    for (const l of this.listeners) l(record);
  }

  since(time: number): ApiRequestRecord[] {
    return this.items.filter((r) => r.time >= time);
  }

  subscribe(listener: (r: ApiRequestRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
