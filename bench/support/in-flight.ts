/**
 * Calls `one` `total` times, `inFlight` calls at a time (each of `inFlight`
 * workers takes the next call as soon as its last one answered), as every
 * load in these benches is driven. Returns each call's latency in ms, in the
 * order the calls finished; they are pushed into `latencies` as they come, so
 * a caller that passes its own array keeps them when a call throws.
 */
export async function runInFlight(total: number, inFlight: number, one: (i: number) => Promise<unknown>, latencies: number[] = []): Promise<number[]> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        const i = next++;
        const started = performance.now();
        await one(i);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}
