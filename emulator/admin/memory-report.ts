import { readFileSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";

/** Bytes as MB with one decimal, the unit the soak and a person read. */
const mb = (bytes: number) => Math.round(bytes / 104_857.6) / 10;

/** A `kB` field of /proc/self/status (Linux only; absent elsewhere). */
function statusKb(status: string, field: string): number | undefined {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return m ? Number(m[1]) : undefined;
}

/**
 * Where the cloud's memory is, for `GET /_movies/memory`: Node's own split
 * (V8 heap, memory outside it held by Buffers and ArrayBuffers), V8's heap
 * spaces, and from Linux the resident memory split into anonymous (heap,
 * malloc arenas) and file-backed (code, mapped libraries) pages. RSS minus
 * the V8 heap and external memory is what native code and the allocator hold:
 * the soak reads this to tell a leak of JavaScript objects from data that
 * lives outside the heap and from memory the allocator keeps after a free.
 */
export function memoryReport(): Record<string, unknown> {
  const usage = process.memoryUsage();
  let proc: Record<string, number | undefined> = {};
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const kb = (f: string) => {
      const v = statusKb(status, f);
      return v === undefined ? undefined : Math.round(v / 102.4) / 10;
    };
    proc = { rssAnonMb: kb("RssAnon"), rssFileMb: kb("RssFile"), threads: Number(/^Threads:\s+(\d+)/m.exec(status)?.[1]) || undefined };
  } catch {
    // not Linux: Node's figures alone
  }
  return {
    rssMb: mb(usage.rss),
    heapTotalMb: mb(usage.heapTotal),
    heapUsedMb: mb(usage.heapUsed),
    externalMb: mb(usage.external),
    arrayBuffersMb: mb(usage.arrayBuffers),
    ...proc,
    heapSpaces: Object.fromEntries(
      getHeapSpaceStatistics().map((s) => [s.space_name, { sizeMb: mb(s.space_size), usedMb: mb(s.space_used_size), committedMb: mb(s.physical_space_size) }]),
    ),
  };
}
