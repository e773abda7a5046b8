/**
 * Calls `stop` once on SIGINT, SIGTERM or SIGHUP (the terminal closed, e.g. the
 * shell around `npm start` died first), or when stdout's reader went away
 * (`movies logs --follow | head`); returns a function that removes the
 * listeners. Without a SIGHUP listener Node dies on the spot and leaves the
 * records and temporary queues behind. A second signal while stopping ends the
 * process at once, as a second Ctrl-C is meant to.
 */
const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
type StopSignal = keyof typeof SIGNALS;

const stoppers = new Set<() => void>();

export function onStopSignal(stop: () => void): () => void {
  let stopping = false;
  const handler = (signal: StopSignal) => {
    if (stopping) process.exit(128 + SIGNALS[signal]);
    stopping = true;
    // after SIGHUP the terminal is gone: writes fail with EIO, which must not end the clean-up
    if (signal === "SIGHUP") for (const s of [process.stdout, process.stderr]) s.on("error", () => undefined);
    stop();
  };
  const onClosed = () => {
    if (stopping) return;
    stopping = true;
    stop();
  };
  for (const s of Object.keys(SIGNALS) as StopSignal[]) process.on(s, handler);
  stoppers.add(onClosed);
  return () => {
    for (const s of Object.keys(SIGNALS) as StopSignal[]) process.off(s, handler);
    stoppers.delete(onClosed);
  };
}

/** The output's reader is gone: stop whatever is running as Ctrl-C would, clean-up included. */
export function stopForClosedOutput(): void {
  for (const stop of [...stoppers]) stop();
}
