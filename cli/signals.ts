/** Calls `stop` once on SIGINT or SIGTERM; returns a function that removes the listeners. */
export function onStopSignal(stop: () => void): () => void {
  const handler = () => stop();
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
