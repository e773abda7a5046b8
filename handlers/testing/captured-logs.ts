import { vi } from "vitest";

/**
 * Captures the Powertools logger's JSON lines. Needs POWERTOOLS_DEV=true set
 * before the logger is created, so it writes through the global console.
 */
export function captureLogs(): { entries: () => Array<Record<string, unknown>> } {
  const spies = (["debug", "info", "warn", "error", "log"] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation(() => undefined),
  );
  return {
    entries: () =>
      spies.flatMap((spy) =>
        spy.mock.calls.flatMap((args) => {
          try {
            return [JSON.parse(String(args[0])) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
      ),
  };
}
