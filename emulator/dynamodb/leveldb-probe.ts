import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { moveAwayFix, StateError } from "../core/state-error.js";

interface ProbeDb {
  open(): Promise<void>;
  close(): Promise<void>;
  iterator(opts: { keyEncoding: string; valueEncoding: string }): AsyncIterable<[Buffer, Buffer]> & { close(): Promise<void> };
}

/** The LevelDB binding dynalite itself uses (resolved from dynalite, so it is the very same version). */
function levelClass(): new (path: string, opts: Record<string, unknown>) => ProbeDb {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve("dynalite"));
  return (fromDynalite("level") as { Level: new (path: string, opts: Record<string, unknown>) => ProbeDb }).Level;
}

/**
 * Opens dynalite's LevelDB store and reads every entry before dynalite gets
 * it. LevelDB silently starts an empty store when CURRENT is gone, and
 * dynalite dies seconds after start on a damaged table file; both must stop
 * the start instead, naming the folder and the fix.
 */
export async function probeLevelDb(dir: string, stateDir: string): Promise<void> {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new StateError(dir, `cannot be read (${(err as Error).message})`, moveAwayFix(stateDir));
  }
  if (files.length === 0) return;
  if (!files.includes("CURRENT")) {
    throw new StateError(join(dir, "CURRENT"), "is missing, so the DynamoDB store there cannot be opened (LevelDB would start an empty one)", moveAwayFix(stateDir));
  }
  const Level = levelClass();
  const db = new Level(dir, { createIfMissing: false, keyEncoding: "buffer", valueEncoding: "buffer" });
  try {
    await db.open();
  } catch (err) {
    throw new StateError(dir, `is not a usable DynamoDB (LevelDB) store (${describe(err)})`, busy(err) ? "Stop the other cloud using it (movies down), or start with another --state-dir." : moveAwayFix(stateDir));
  }
  try {
    const it = db.iterator({ keyEncoding: "buffer", valueEncoding: "buffer" });
    try {
      for await (const _entry of it) {
        // reading every block is what finds a damaged table file
      }
    } finally {
      await it.close();
    }
  } catch (err) {
    throw new StateError(dir, `is a damaged DynamoDB (LevelDB) store (${describe(err)})`, moveAwayFix(stateDir));
  } finally {
    await db.close().catch(() => undefined);
  }
}

function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } };
  return [e.message, e.cause?.message].filter(Boolean).join(": ") || String(err);
}

function busy(err: unknown): boolean {
  return /lock/i.test(describe(err));
}
