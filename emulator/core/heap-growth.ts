import { setFlagsFromString } from "node:v8";

/**
 * How far V8 lets the old generation grow past what survived the last full
 * collection before it collects again: a factor of 1.5.
 *
 * Why: the cloud's live heap is small and flat under load (33-50 MB after a
 * full collection in the soak, bench/soak.ts), but it allocates fast, and
 * on a machine with 16 GB or more V8's heap limit is 4 GB, which lets it pick
 * growing factors of up to 4 and raise its next-collection limit a little at
 * most full collections. The soak saw the committed heap climb from 83 to
 * 159 MB in under four minutes while the heap in use after each collection
 * stayed at 33-50 MB and everything outside the V8 heap stayed level (RSS
 * minus the committed heap 78 MB throughout, Buffers 8-11 MB): RSS that
 * "climbed" only because V8 chose to collect later, and that would have
 * settled near four times the live heap. With a fixed factor the committed
 * heap stays near 1.5 times what is live; the price is more frequent full
 * collections (marking runs concurrently, off the event loop). Stored data
 * still has all the room it needs: the limit follows what is live, and the
 * maximum heap size is unchanged.
 *
 * Set from code, not the command line, so the cloud of `npm run cloud`
 * (bin/cloud.mjs) and the in-process clouds of `movies dev` and
 * `movies up --foreground` get the same setting from `startCloud`. V8 reads
 * the flag at every full collection, so setting it after start takes effect.
 * A value the user chose (`--heap-growing-percent` in NODE_OPTIONS or on
 * node's command line) is left alone.
 */
export const HEAP_GROWING_PERCENT = 50;

export function limitHeapGrowth(): void {
  const chosen = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].some((arg) => /--heap[-_]growing[-_]percent/.test(arg));
  if (!chosen) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
