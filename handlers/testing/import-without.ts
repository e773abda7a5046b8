import { vi } from "vitest";

/**
 * Imports a fresh copy of a handler module with one environment variable
 * unset, to observe its cold start. The variable is restored afterwards.
 */
export async function importWithout(variable: string, load: () => Promise<unknown>): Promise<unknown> {
  const saved = process.env[variable];
  delete process.env[variable];
  vi.resetModules();
  try {
    return await load();
  } finally {
    if (saved !== undefined) process.env[variable] = saved;
    vi.resetModules();
  }
}
