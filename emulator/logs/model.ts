import { DEFAULT_EVENTS_PER_FUNCTION } from "../lambda/logs/log-store.js";
import { RingBuffer } from "../lambda/logs/ring-buffer.js";

/**
 * CloudWatch Logs state: log groups, their streams and events, no HTTP.
 * Memory is bounded: a group keeps its newest `eventsPerGroup` events across
 * all its streams (the cloud passes the runtime's documented bound,
 * `MOVIES_CLOUD_LOG_EVENTS_PER_FUNCTION`, so a function's group holds what
 * its `movies logs` buffer holds), and its STREAMS_PER_GROUP most recently
 * written streams (Lambda starts a stream per execution environment, so
 * streams accumulate over a day).
 */
export const STREAMS_PER_GROUP = 50;

export interface StoredEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

/** An event in its group's buffer, with the stream it was written to (by identity: a deleted and recreated stream starts empty). */
interface GroupEvent extends StoredEvent {
  stream: LogStream;
}

export interface LogStream {
  name: string;
  createdAt: number;
  /** epoch ms of the last write, for eviction and DescribeLogStreams */
  lastIngestionTime?: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  storedBytes: number;
}

export interface LogGroup {
  name: string;
  region: string;
  createdAt: number;
  retentionInDays?: number;
  tags: Record<string, string>;
  streams: Map<string, LogStream>;
  /** the group's newest events, all streams together, oldest first */
  events: RingBuffer<GroupEvent>;
}

interface SavedGroup {
  name: string;
  region: string;
  createdAt: number;
  retentionInDays?: number;
  tags: Record<string, string>;
}

/**
 * Log groups with their retention and tags survive a restart (Terraform's
 * state depends on them); streams and events, like the Lambda runtime's own
 * log buffer, live in memory only: re-serialising up to half a million
 * events on every state save would cost more than they are worth.
 */
export interface LogsSnapshot {
  groups: SavedGroup[];
}

const key = (region: string, name: string) => `${region}\u0000${name}`;

export class LogsModel {
  private readonly groups = new Map<string, LogGroup>();
  private nextEventId = 1;

  constructor(
    readonly accountId: string,
    /** events kept per group; the oldest go first */
    readonly eventsPerGroup = DEFAULT_EVENTS_PER_FUNCTION,
  ) {}

  get groupCount(): number {
    return this.groups.size;
  }

  group(region: string, name: string): LogGroup | undefined {
    return this.groups.get(key(region, name));
  }

  /** undefined when the group exists already */
  createGroup(region: string, name: string, tags: Record<string, string> = {}, now = Date.now()): LogGroup | undefined {
    if (this.groups.has(key(region, name))) return undefined;
    const group: LogGroup = { name, region, createdAt: now, tags: { ...tags }, streams: new Map(), events: new RingBuffer<GroupEvent>(this.eventsPerGroup) };
    this.groups.set(key(region, name), group);
    return group;
  }

  deleteGroup(region: string, name: string): boolean {
    return this.groups.delete(key(region, name));
  }

  listGroups(region: string): LogGroup[] {
    return [...this.groups.values()].filter((g) => g.region === region).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** undefined when the stream exists already */
  createStream(group: LogGroup, name: string, now = Date.now()): LogStream | undefined {
    if (group.streams.has(name)) return undefined;
    const stream: LogStream = { name, createdAt: now, storedBytes: 0 };
    group.streams.set(name, stream);
    this.evictStreams(group);
    return stream;
  }

  append(group: LogGroup, stream: LogStream, events: { timestamp: number; message: string }[], now = Date.now()): void {
    for (const e of events) {
      group.events.push({ timestamp: e.timestamp, message: e.message, ingestionTime: now, eventId: this.eventId(e.timestamp), stream });
      stream.storedBytes += Buffer.byteLength(e.message) + 26;
      stream.firstEventTimestamp = Math.min(stream.firstEventTimestamp ?? e.timestamp, e.timestamp);
      stream.lastEventTimestamp = Math.max(stream.lastEventTimestamp ?? e.timestamp, e.timestamp);
    }
    stream.lastIngestionTime = now;
  }

  /**
   * Lambda's writes: the group is created on first use, as the Lambda service
   * does when the function may write logs, and so is the environment's stream.
   */
  appendFromLambda(region: string, groupName: string, streamName: string, event: { timestamp: number; message: string }): void {
    const group = this.group(region, groupName) ?? this.createGroup(region, groupName)!;
    const stream = group.streams.get(streamName) ?? this.createStream(group, streamName)!;
    this.append(group, stream, [event]);
  }

  /** Events still inside the group's retention period, oldest first. */
  events(group: LogGroup, stream: LogStream, now = Date.now()): StoredEvent[] {
    const oldest = group.retentionInDays === undefined ? -Infinity : now - group.retentionInDays * 86_400_000;
    const out: StoredEvent[] = [];
    for (const e of group.events.toArray()) {
      if (e.stream === stream && e.timestamp >= oldest) out.push({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: e.eventId });
    }
    return out;
  }

  private eventId(timestamp: number): string {
    // AWS event ids are opaque digit strings, unique within a group; ours are unique within the cloud.
    return `${String(timestamp).padStart(15, "0")}${String(this.nextEventId++).padStart(20, "0")}`;
  }

  private evictStreams(group: LogGroup): void {
    while (group.streams.size > STREAMS_PER_GROUP) {
      let oldest: LogStream | undefined;
      for (const s of group.streams.values()) {
        if (!oldest || (s.lastIngestionTime ?? s.createdAt) < (oldest.lastIngestionTime ?? oldest.createdAt)) oldest = s;
      }
      group.streams.delete(oldest!.name);
    }
  }

  snapshot(): LogsSnapshot {
    return {
      groups: [...this.groups.values()].map((g) => ({ name: g.name, region: g.region, createdAt: g.createdAt, retentionInDays: g.retentionInDays, tags: g.tags })),
    };
  }

  restore(state: LogsSnapshot | undefined): void {
    this.groups.clear();
    for (const g of state?.groups ?? []) {
      this.groups.set(key(g.region, g.name), { name: g.name, region: g.region, createdAt: g.createdAt, retentionInDays: g.retentionInDays, tags: { ...g.tags }, streams: new Map(), events: new RingBuffer<GroupEvent>(this.eventsPerGroup) });
    }
  }
}
