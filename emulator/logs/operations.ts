import { AwsError } from "../core/aws-error.js";
import type { CallContext } from "../core/service.js";
import { compileFilterPattern } from "./filter-pattern.js";
import type { LogGroup, LogsModel, LogStream, StoredEvent } from "./model.js";

/** One function per CloudWatch Logs action: JSON input in, JSON output out, AwsErrors with AWS's codes. */
export type Input = Record<string, unknown>;
export type LogsOperation = (model: LogsModel, input: Input, ctx: CallContext) => unknown;

/** The values PutRetentionPolicy accepts, as AWS lists them. */
const RETENTION_DAYS = new Set([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]);
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const MAX_BATCH_EVENTS = 10_000;
const MAX_BATCH_BYTES = 1_048_576;
const EVENT_OVERHEAD_BYTES = 26;
const DAY_MS = 86_400_000;

const invalid = (message: string) => new AwsError("InvalidParameterException", message);
const groupMissing = () => new AwsError("ResourceNotFoundException", "The specified log group does not exist.");
const streamMissing = () => new AwsError("ResourceNotFoundException", "The specified log stream does not exist.");

function str(input: Input, name: string, required: true): string;
function str(input: Input, name: string, required?: false): string | undefined;
function str(input: Input, name: string, required = false): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) {
    if (required) throw invalid(`1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
    return undefined;
  }
  if (typeof v !== "string") throw invalid(`${name} must be a string`);
  return v;
}

function int(input: Input, name: string, min: number, max: number): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw invalid(`1 validation error detected: Value '${String(v)}' at '${name}' failed to satisfy constraint: Member must have value between ${min} and ${max}`);
  }
  return v;
}

function tagMap(value: unknown, name: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw invalid(`${name} must be a map of tag keys to values`);
  const tags = value as Record<string, unknown>;
  if (Object.keys(tags).length > 50) throw invalid(`${name} may hold at most 50 tags`);
  for (const [k, v] of Object.entries(tags)) {
    if (k.length < 1 || k.length > 128 || typeof v !== "string" || v.length > 256) throw invalid(`Tag ${k} is not valid: keys have 1-128 characters, values at most 256`);
  }
  return tags as Record<string, string>;
}

function stringList(value: unknown, name: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw invalid(`${name} must be a list of strings`);
  return value as string[];
}

/** `logGroupName`, or `logGroupIdentifier` (a name or an ARN), as the newer read APIs accept. */
function groupOf(model: LogsModel, input: Input, ctx: CallContext): LogGroup {
  const identifier = str(input, "logGroupIdentifier");
  const name = str(input, "logGroupName") ?? (identifier ? nameFromIdentifier(identifier) : undefined);
  if (name === undefined) throw invalid("Either logGroupName or logGroupIdentifier must be given");
  const group = model.group(ctx.region, name);
  if (!group) throw groupMissing();
  return group;
}

function nameFromIdentifier(identifier: string): string {
  const m = /^arn:aws[\w-]*:logs:[^:]*:\d{12}:log-group:([^:]+)(?::\*)?$/.exec(identifier);
  return m ? m[1]! : identifier;
}

function streamOf(group: LogGroup, input: Input): LogStream {
  const stream = group.streams.get(str(input, "logStreamName", true));
  if (!stream) throw streamMissing();
  return stream;
}

export function groupArn(model: LogsModel, group: LogGroup): string {
  return `arn:aws:logs:${group.region}:${model.accountId}:log-group:${group.name}`;
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>[:*]`: the group TagResource & co. act on. */
function groupByArn(model: LogsModel, input: Input, ctx: CallContext): LogGroup {
  const arn = str(input, "resourceArn", true);
  // An empty account is the caller's, as in ARNs Terraform builds with skip_requesting_account_id.
  const m = /^arn:aws[\w-]*:logs:([^:]+):(\d{12}|):log-group:([^:]+)(?::\*)?$/.exec(arn);
  if (!m) throw invalid(`${arn} is not a log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>)`);
  const group = m[2] === ctx.accountId || m[2] === "" ? model.group(m[1]!, m[3]!) : undefined;
  if (!group) throw new AwsError("ResourceNotFoundException", `The specified resource does not exist: ${arn}`);
  return group;
}

/** Opaque page tokens: the offset into the ordered result. */
function page<T>(items: T[], limit: number, token: string | undefined): { items: T[]; next?: string } {
  let start = 0;
  if (token !== undefined) {
    start = Number(Buffer.from(token, "base64url").toString("utf8"));
    if (!Number.isInteger(start) || start < 0) throw invalid("The nextToken is not valid: pass the token from the previous reply");
  }
  const end = start + limit;
  return { items: items.slice(start, end), next: end < items.length ? Buffer.from(String(end)).toString("base64url") : undefined };
}

function describeGroup(model: LogsModel, g: LogGroup): Record<string, unknown> {
  const arn = groupArn(model, g);
  let storedBytes = 0;
  for (const s of g.streams.values()) storedBytes += s.storedBytes;
  return {
    logGroupName: g.name,
    creationTime: g.createdAt,
    ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
    metricFilterCount: 0,
    arn: `${arn}:*`,
    storedBytes,
    logGroupClass: "STANDARD",
    logGroupArn: arn,
  };
}

// ---- log groups ----

const createLogGroup: LogsOperation = (model, input, ctx) => {
  const name = str(input, "logGroupName", true);
  if (!GROUP_NAME.test(name)) throw invalid(`Log group name ${name} is not valid: use 1-512 characters from a-z, A-Z, 0-9, '_', '-', '/', '.' and '#'`);
  const logGroupClass = str(input, "logGroupClass");
  if (logGroupClass !== undefined && logGroupClass !== "STANDARD") {
    throw invalid(`logGroupClass ${logGroupClass} is not supported by the embedded cloud: it keeps STANDARD log groups`);
  }
  if (!model.createGroup(ctx.region, name, tagMap(input.tags, "tags"))) {
    throw new AwsError("ResourceAlreadyExistsException", "The specified log group already exists");
  }
  return {};
};

const deleteLogGroup: LogsOperation = (model, input, ctx) => {
  if (!model.deleteGroup(ctx.region, str(input, "logGroupName", true))) throw groupMissing();
  return {};
};

const describeLogGroups: LogsOperation = (model, input, ctx) => {
  const prefix = str(input, "logGroupNamePrefix");
  const pattern = str(input, "logGroupNamePattern");
  if (prefix !== undefined && pattern !== undefined) throw invalid("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
  const limit = int(input, "limit", 1, 50) ?? 50;
  const groups = model
    .listGroups(ctx.region)
    .filter((g) => (prefix === undefined || g.name.startsWith(prefix)) && (pattern === undefined || g.name.includes(pattern)));
  const { items, next } = page(groups, limit, str(input, "nextToken"));
  return { logGroups: items.map((g) => describeGroup(model, g)), ...(next ? { nextToken: next } : {}) };
};

const putRetentionPolicy: LogsOperation = (model, input, ctx) => {
  const days = input.retentionInDays;
  if (typeof days !== "number" || !RETENTION_DAYS.has(days)) {
    throw invalid(`1 validation error detected: Value '${String(days)}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${[...RETENTION_DAYS].join(", ")}]`);
  }
  groupOf(model, input, ctx).retentionInDays = days;
  return {};
};

const deleteRetentionPolicy: LogsOperation = (model, input, ctx) => {
  groupOf(model, input, ctx).retentionInDays = undefined;
  return {};
};

// ---- tags (the old group-name API and the ARN one Terraform now uses) ----

const tagLogGroup: LogsOperation = (model, input, ctx) => {
  const group = groupOf(model, input, ctx);
  group.tags = { ...group.tags, ...tagMap(input.tags, "tags") };
  return {};
};

const untagLogGroup: LogsOperation = (model, input, ctx) => {
  const group = groupOf(model, input, ctx);
  for (const k of stringList(input.tags, "tags")) delete group.tags[k];
  return {};
};

const listTagsLogGroup: LogsOperation = (model, input, ctx) => ({ tags: { ...groupOf(model, input, ctx).tags } });

const tagResource: LogsOperation = (model, input, ctx) => {
  const group = groupByArn(model, input, ctx);
  group.tags = { ...group.tags, ...tagMap(input.tags, "tags") };
  return {};
};

const untagResource: LogsOperation = (model, input, ctx) => {
  const group = groupByArn(model, input, ctx);
  for (const k of stringList(input.tagKeys, "tagKeys")) delete group.tags[k];
  return {};
};

const listTagsForResource: LogsOperation = (model, input, ctx) => ({ tags: { ...groupByArn(model, input, ctx).tags } });

// ---- streams and events ----

const createLogStream: LogsOperation = (model, input, ctx) => {
  const group = groupOf(model, input, ctx);
  const name = str(input, "logStreamName", true);
  if (name.length < 1 || name.length > 512 || /[:*]/.test(name)) throw invalid(`Log stream name ${name} is not valid: 1-512 characters, no ':' or '*'`);
  if (!model.createStream(group, name)) throw new AwsError("ResourceAlreadyExistsException", "The specified log stream already exists");
  return {};
};

const deleteLogStream: LogsOperation = (model, input, ctx) => {
  const group = groupOf(model, input, ctx);
  if (!group.streams.delete(str(input, "logStreamName", true))) throw streamMissing();
  return {};
};

const describeLogStreams: LogsOperation = (model, input, ctx) => {
  const group = groupOf(model, input, ctx);
  const prefix = str(input, "logStreamNamePrefix");
  const orderBy = str(input, "orderBy") ?? "LogStreamName";
  if (orderBy !== "LogStreamName" && orderBy !== "LastEventTime") throw invalid(`orderBy must be LogStreamName or LastEventTime, got ${orderBy}`);
  if (orderBy === "LastEventTime" && prefix !== undefined) throw invalid("Cannot order by LastEventTime with a logStreamNamePrefix.");
  const descending = input.descending === true;
  const limit = int(input, "limit", 1, 50) ?? 50;
  const streams = [...group.streams.values()].filter((s) => prefix === undefined || s.name.startsWith(prefix));
  streams.sort((a, b) =>
    orderBy === "LastEventTime" ? (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  if (descending) streams.reverse();
  const { items, next } = page(streams, limit, str(input, "nextToken"));
  const arn = groupArn(model, group);
  return {
    logStreams: items.map((s) => ({
      logStreamName: s.name,
      creationTime: s.createdAt,
      ...(s.firstEventTimestamp !== undefined ? { firstEventTimestamp: s.firstEventTimestamp, lastEventTimestamp: s.lastEventTimestamp } : {}),
      ...(s.lastIngestionTime !== undefined ? { lastIngestionTime: s.lastIngestionTime } : {}),
      arn: `${arn}:log-stream:${s.name}`,
      storedBytes: 0,
    })),
    ...(next ? { nextToken: next } : {}),
  };
};

const putLogEvents: LogsOperation = (model, input, ctx) => {
  const group = groupOf(model, input, ctx);
  const stream = streamOf(group, input);
  const raw = input.logEvents;
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > MAX_BATCH_EVENTS) throw invalid(`logEvents must hold 1 to ${MAX_BATCH_EVENTS} events`);
  let bytes = 0;
  let previous = -Infinity;
  const events = raw.map((e: unknown, i) => {
    const ev = e as { timestamp?: unknown; message?: unknown };
    if (typeof ev?.timestamp !== "number" || typeof ev.message !== "string" || ev.message.length < 1) {
      throw invalid(`logEvents[${i}] needs a numeric timestamp and a non-empty message`);
    }
    if (ev.timestamp < previous) throw invalid("Log events in a single PutLogEvents request must be in chronological order.");
    previous = ev.timestamp;
    bytes += Buffer.byteLength(ev.message) + EVENT_OVERHEAD_BYTES;
    return { timestamp: ev.timestamp, message: ev.message };
  });
  if (bytes > MAX_BATCH_BYTES) throw invalid(`Upload too large: ${bytes} bytes exceeds the limit of ${MAX_BATCH_BYTES} bytes (messages plus 26 bytes per event)`);
  if (events[events.length - 1]!.timestamp - events[0]!.timestamp > DAY_MS) throw invalid("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
  // Events too old or too far ahead are rejected one by one, as AWS reports them, not the whole batch.
  const now = Date.now();
  const tooOld = events.findLastIndex((e) => e.timestamp < now - 14 * DAY_MS);
  const tooNew = events.findIndex((e) => e.timestamp > now + 2 * 3_600_000);
  const expired = group.retentionInDays === undefined ? -1 : events.findLastIndex((e) => e.timestamp < now - group.retentionInDays! * DAY_MS);
  const accepted = events.filter((_, i) => i > tooOld && i > expired && (tooNew === -1 || i < tooNew));
  if (accepted.length > 0) model.append(group, stream, accepted, now);
  const rejected = {
    ...(tooNew !== -1 ? { tooNewLogEventStartIndex: tooNew } : {}),
    ...(tooOld !== -1 ? { tooOldLogEventEndIndex: tooOld } : {}),
    ...(expired !== -1 ? { expiredLogEventEndIndex: expired } : {}),
  };
  return Object.keys(rejected).length > 0 ? { rejectedLogEventsInfo: rejected } : {};
};

const getLogEvents: LogsOperation = (model, input, ctx) => {
  const group = groupOf(model, input, ctx);
  const stream = streamOf(group, input);
  const startTime = int(input, "startTime", 0, Number.MAX_SAFE_INTEGER);
  const endTime = int(input, "endTime", 0, Number.MAX_SAFE_INTEGER);
  const limit = int(input, "limit", 1, 10_000) ?? 10_000;
  const all = model.events(group, stream).filter((e) => (startTime === undefined || e.timestamp >= startTime) && (endTime === undefined || e.timestamp < endTime));
  // Tokens are positions in the filtered list: "f/<end>" reads forward from there, "b/<start>" backward.
  const token = str(input, "nextToken");
  let from: number;
  let to: number;
  const m = token === undefined ? undefined : /^([fb])\/(\d+)$/.exec(token);
  if (token !== undefined && !m) throw invalid("The specified nextToken is not valid: pass nextForwardToken or nextBackwardToken from a previous reply");
  if (m?.[1] === "f" || (!m && input.startFromHead === true)) {
    from = m ? Math.min(Number(m[2]), all.length) : 0;
    to = Math.min(all.length, from + limit);
  } else {
    to = m ? Math.min(Number(m[2]), all.length) : all.length;
    from = Math.max(0, to - limit);
  }
  const events = all.slice(from, to).map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime }));
  return { events, nextForwardToken: `f/${to}`, nextBackwardToken: `b/${from}` };
};

const filterLogEvents: LogsOperation = (model, input, ctx) => {
  const group = groupOf(model, input, ctx);
  const names = stringList(input.logStreamNames, "logStreamNames");
  const prefix = str(input, "logStreamNamePrefix");
  if (names.length > 0 && prefix !== undefined) throw invalid("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
  const startTime = int(input, "startTime", 0, Number.MAX_SAFE_INTEGER);
  const endTime = int(input, "endTime", 0, Number.MAX_SAFE_INTEGER);
  const limit = int(input, "limit", 1, 10_000) ?? 10_000;
  const matches = compileFilterPattern(str(input, "filterPattern"));
  const streams = [...group.streams.values()].filter((s) => (names.length === 0 || names.includes(s.name)) && (prefix === undefined || s.name.startsWith(prefix)));
  const found: (StoredEvent & { logStreamName: string })[] = [];
  for (const s of streams) {
    for (const e of model.events(group, s)) {
      if ((startTime === undefined || e.timestamp >= startTime) && (endTime === undefined || e.timestamp <= endTime) && matches(e.message)) {
        found.push({ ...e, logStreamName: s.name });
      }
    }
  }
  found.sort((a, b) => a.timestamp - b.timestamp || (a.eventId < b.eventId ? -1 : 1));
  const { items, next } = page(found, limit, str(input, "nextToken"));
  return {
    events: items.map((e) => ({ logStreamName: e.logStreamName, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: e.eventId })),
    searchedLogStreams: [],
    ...(next ? { nextToken: next } : {}),
  };
};

export const LOGS_OPERATIONS: Record<string, LogsOperation> = {
  CreateLogGroup: createLogGroup,
  DeleteLogGroup: deleteLogGroup,
  DescribeLogGroups: describeLogGroups,
  PutRetentionPolicy: putRetentionPolicy,
  DeleteRetentionPolicy: deleteRetentionPolicy,
  TagLogGroup: tagLogGroup,
  UntagLogGroup: untagLogGroup,
  ListTagsLogGroup: listTagsLogGroup,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  CreateLogStream: createLogStream,
  DeleteLogStream: deleteLogStream,
  DescribeLogStreams: describeLogStreams,
  PutLogEvents: putLogEvents,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
};
