import { copyFileSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { moveAwayFix, StateError } from "../core/state-error.js";
import { damagedLogRecord } from "./leveldb-log.js";

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
 * it. LevelDB silently starts an empty store when CURRENT is gone, skips (and
 * then deletes) damaged records of its write-ahead log, and dynalite dies
 * seconds after start on a damaged table file; each must stop the start
 * instead, naming the folder and the fix.
 *
 * The probe opens a copy made of hard links: opening recovers the log into a
 * new table and deletes it, which must not happen to the real store before we
 * know it is sound. LevelDB never rewrites an existing file in place, so the
 * links are safe; its info log in the copy tells what recovery dropped.
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
  for (const f of files) {
    if (!/^\d+\.log$/.test(f)) continue;
    const damage = damagedLogRecord(readFileSync(join(dir, f)));
    if (damage) throw new StateError(join(dir, f), `is a damaged DynamoDB (LevelDB) log: ${damage}; opening it would drop the writes it holds`, moveAwayFix(stateDir));
  }
  const copy = join(stateDir, `.dynamodb-probe-${process.pid}`);
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(copy);
  try {
    for (const f of files) {
      if (f === "LOCK" || f.startsWith("LOG")) continue;
      try {
        linkSync(join(dir, f), join(copy, f));
      } catch {
        copyFileSync(join(dir, f), join(copy, f));
      }
    }
    await probeCopy(copy, dir, stateDir);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

async function probeCopy(copy: string, dir: string, stateDir: string): Promise<void> {
  const Level = levelClass();
  const db = new Level(copy, { createIfMissing: false, keyEncoding: "buffer", valueEncoding: "buffer" });
  try {
    await db.open();
  } catch (err) {
    throw new StateError(dir, `is not a usable DynamoDB (LevelDB) store (${describe(err).replaceAll(copy, dir)})`, moveAwayFix(stateDir));
  }
  const dropped = readFileSync(join(copy, "LOG"), "utf8")
    .split("\n")
    .find((line) => /corruption/i.test(line));
  if (dropped) {
    await db.close().catch(() => undefined);
    const what = dropped.replace(/^\S+ \S+ /, "").replaceAll(copy, dir);
    throw new StateError(dir, `is a damaged DynamoDB (LevelDB) store: opening it would drop data (${what})`, moveAwayFix(stateDir));
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
    throw new StateError(dir, `is a damaged DynamoDB (LevelDB) store (${describe(err).replaceAll(copy, dir)})`, moveAwayFix(stateDir));
  } finally {
    await db.close().catch(() => undefined);
  }
}

function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } };
  return [e.message, e.cause?.message].filter(Boolean).join(": ") || String(err);
}
