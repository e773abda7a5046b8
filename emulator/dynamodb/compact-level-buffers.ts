import { createRequire } from "node:module";

type Method = (this: unknown, ...args: unknown[]) => Promise<unknown>;
interface Operation {
  type: string;
  key: unknown;
  value?: unknown;
}

const PATCHED = Symbol.for("movies.dynalite.compactLevelBuffers");

/** A Buffer that is a slice of a larger one (Node's 8 KB allocation pool) as a copy of its own size; anything else as is. */
function own(b: unknown): unknown {
  if (!Buffer.isBuffer(b) || b.byteLength === b.buffer.byteLength) return b;
  const copy = Buffer.allocUnsafeSlow(b.byteLength);
  b.copy(copy);
  return copy;
}

/**
 * dynalite's in-memory store (memory-level) keeps keys and values as the
 * Buffers abstract-level encoded them into. Node allocates small Buffers as
 * slices of a shared 8 KB pool, and a slice keeps its whole pool alive: in
 * the soak each stored item pinned about 12 KB (4,400 ArrayBuffers, 35 MB
 * for 2,800 stored records), so stored data cost some 80 times its size.
 * This stores a right-sized copy instead. Only the in-memory store is
 * affected (a LevelDB on disk copies into its own memory anyway); what is
 * stored and read back is unchanged.
 */
export function compactDynaliteBuffers(): void {
  const require = createRequire(createRequire(import.meta.url).resolve("dynalite"));
  const { MemoryLevel } = require("memory-level") as { MemoryLevel: { prototype: Record<string | symbol, unknown> } };
  const proto = MemoryLevel.prototype;
  if (proto[PATCHED]) return;
  const put = proto._put as Method;
  const batch = proto._batch as Method;
  proto._put = function (this: unknown, key: unknown, value: unknown, options: unknown) {
    return put.call(this, own(key), own(value), options);
  };
  proto._batch = function (this: unknown, operations: Operation[], options: unknown) {
    return batch.call(this, operations.map((op) => ({ ...op, key: own(op.key), value: own(op.value) })), options);
  };
  proto[PATCHED] = true;
}
