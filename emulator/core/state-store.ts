import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { PeriodicFsync } from "./periodic-fsync.js";
import { openSqlite } from "./sqlite-driver.js";
import type { StateChange, StateRow } from "./row-state.js";
import type { Service } from "./service.js";
import { moveAwayFix, StateError } from "./state-error.js";

/** The file under the state dir that holds every service's state except DynamoDB's (dynalite keeps its own LevelDB). */
export const STATE_DB_FILE = "state.sqlite";
/** Held (an exclusive SQLite lock) while a cloud uses the state dir, so a second cloud is refused. */
export const STATE_LOCK_FILE = "state.lock";

/**
 * Version of the layout below. A store of another version is refused, never
 * read as if it were this one; a change of layout raises it (and adds a
 * migration from the version before, when one is possible).
 */
export const STATE_SCHEMA_VERSION = 1;

/** Folder the old per-service JSON snapshots are moved to once imported. */
export const IMPORTED_JSON_DIR = "imported-json";

const DOCUMENT = "document";

/** How often changes made outside requests (SNS fan-out, pollers, timers) are committed. */
const FLUSH_MS = 100;
/** Every this many flushes, document services are compared with what is stored (they may change outside requests too). */
const DOCUMENT_CHECK_EVERY = 10;

export interface StateStoreOptions {
  /** services that change other services' state (the admin API applies stacks): a request to one re-checks every document */
  controlPlane?: readonly string[];
  /** errors of background commits; the cloud never prints */
  onError?: (err: unknown) => void;
}

/**
 * Every service's state in one SQLite file in WAL mode. Services with much
 * state keep one row per entity (`Service.rows`); the others are one JSON
 * document per service (`snapshot()`/`restore()`), written when it changed.
 *
 * Durability: `commit()` runs synchronously before a reply is written (see the
 * router's `beforeReply`), so a write that got its answer is in the WAL: it
 * survives `kill -9` of the cloud (the OS has the pages). With
 * `synchronous=NORMAL` a power cut may lose the last transactions, never
 * corrupt the file.
 */
export class StateStore {
  private readonly db: Database.Database;
  private readonly fsync: PeriodicFsync;
  private readonly lastText = new Map<string, string>();
  private readonly dirty = new Set<string>();
  /** changes drained from services but not yet committed (a failed commit retries them) */
  private pending: { service: string; change: StateChange }[] = [];
  private readonly pendingDocs = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private closed = false;
  private readonly counters = { commits: 0, rowsWritten: 0, maxCommitMs: 0, commitsOver20Ms: 0, commitsOver50Ms: 0 };
  private readonly statements: {
    put: Database.Statement;
    del: Database.Statement;
    drop: Database.Statement;
  };
  private readonly write: (changes: { service: string; change: StateChange }[], docs: Map<string, string>) => void;

  private constructor(
    readonly file: string,
    db: Database.Database,
    private readonly services: readonly Service[],
    private readonly opts: StateStoreOptions,
    private readonly lock: Database.Database,
  ) {
    this.db = db;
    this.fsync = new PeriodicFsync(file, opts.onError);
    this.statements = {
      put: db.prepare("INSERT OR REPLACE INTO rows (service, kind, parent, key, value) VALUES (?, ?, ?, ?, ?)"),
      del: db.prepare("DELETE FROM rows WHERE service = ? AND kind = ? AND parent = ? AND key = ?"),
      drop: db.prepare("DELETE FROM rows WHERE service = ? AND kind = ? AND parent = ?"),
    };
    this.write = db.transaction((changes: { service: string; change: StateChange }[], docs: Map<string, string>) => {
      const { put, del, drop } = this.statements;
      for (const { service, change: c } of changes) {
        if (c.op === "put") put.run(service, c.kind, c.parent, c.key, c.value);
        else if (c.op === "delete") del.run(service, c.kind, c.parent, c.key);
        else drop.run(service, c.kind, c.parent);
      }
      for (const [service, text] of docs) put.run(service, DOCUMENT, "", "", text);
    });
  }

  /**
   * Opens (or creates) `<stateDir>/state.sqlite` and restores every service
   * from it, in the order given. Throws a StateError, before anything listens,
   * when the file is damaged, of another version, in use, or holds state of
   * the wrong shape. Old `<service>.json` snapshots are imported once.
   */
  static open(stateDir: string, services: readonly Service[], opts: StateStoreOptions = {}): StateStore {
    mkdirSync(stateDir, { recursive: true });
    const file = join(stateDir, STATE_DB_FILE);
    const existed = existsSync(file);
    const legacy = services.filter((s) => existsSync(legacyFile(stateDir, s.name)));
    const lock = takeLock(stateDir, file);
    let db: Database.Database;
    try {
      db = openDatabase(file, stateDir, existed);
    } catch (err) {
      lock.close();
      throw err;
    }
    let store: StateStore | undefined;
    try {
      store = new StateStore(file, db, services, opts, lock);
      const imported = store.meta("imported_json");
      if (legacy.length > 0 && existed && imported === undefined) {
        const old = legacyFile(stateDir, legacy[0]!.name);
        throw new StateError(old, `is a snapshot of the old JSON format, and ${file} exists beside it`, `Move ${old} (and the other <service>.json files) away: ${STATE_DB_FILE} holds the state now.`);
      }
      store.restoreAll();
      if (legacy.length > 0 && imported === undefined) store.importLegacy(stateDir, legacy);
      else if (legacy.length > 0) moveLegacy(stateDir, legacy);
      return store;
    } catch (err) {
      store?.closeFiles();
      if (!store) {
        db.close();
        lock.close();
      }
      // A store this start created holds nothing yet (a failed import): leave the dir as it was found.
      if (!existed) for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      throw err;
    }
  }

  /** A request to `service` is about to be answered: store what it changed first. Throws when the store cannot be written. */
  beforeReply(service: Service): void {
    if (this.opts.controlPlane?.includes(service.name)) this.markDocuments();
    else if (!service.rows && service.snapshot) this.dirty.add(service.name);
    this.commit();
  }

  /** Commits changes made outside requests every 100 ms; documents are compared every second. */
  start(): void {
    this.timer = setInterval(() => {
      if (++this.ticks % DOCUMENT_CHECK_EVERY === 0) this.markDocuments();
      try {
        this.commit();
      } catch (err) {
        this.opts.onError?.(err);
      }
    }, FLUSH_MS);
    this.timer.unref();
    this.fsync.start();
  }

  /** Writes every change recorded so far in one transaction; synchronous, so nothing runs in between. */
  commit(): void {
    if (this.closed) return;
    const started = performance.now();
    for (const s of this.services) {
      if (!s.rows) continue;
      for (const change of s.rows.drain()) this.pending.push({ service: s.name, change });
    }
    for (const name of this.dirty) {
      const service = this.services.find((s) => s.name === name);
      let text: string | undefined;
      try {
        text = JSON.stringify(service?.snapshot?.());
      } catch (err) {
        this.opts.onError?.(err);
        continue;
      }
      if (text !== undefined && text !== this.lastText.get(name)) this.pendingDocs.set(name, text);
    }
    this.dirty.clear();
    if (this.pending.length === 0 && this.pendingDocs.size === 0) return;
    this.write(this.pending, this.pendingDocs);
    const ms = performance.now() - started;
    this.counters.commits++;
    this.counters.rowsWritten += this.pending.length + this.pendingDocs.size;
    if (ms > this.counters.maxCommitMs) this.counters.maxCommitMs = ms;
    if (ms > 20) this.counters.commitsOver20Ms++;
    if (ms > 50) this.counters.commitsOver50Ms++;
    for (const [name, text] of this.pendingDocs) this.lastText.set(name, text);
    this.pending = [];
    this.pendingDocs.clear();
  }

  /** Final commit of every service, then the file is closed (the WAL is checkpointed into it). */
  close(): void {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    try {
      this.markDocuments();
      this.commit();
    } finally {
      this.closeFiles();
    }
  }

  /** The fsync timer stops first; closing the connection checkpoints the WAL into the file. */
  private closeFiles(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.fsync.stop();
    this.db.close();
    this.lock.close();
  }

  /** For the health reply: commits so far, rows written, the longest commit (the longest the event loop waited on the store). */
  stats(): { file: string; commits: number; rowsWritten: number; maxCommitMs: number; commitsOver20Ms: number; commitsOver50Ms: number } {
    return { file: this.file, ...this.counters, maxCommitMs: Math.round(this.counters.maxCommitMs * 100) / 100 };
  }

  /** What the file holds for a service (diagnostics and tests; the file is locked against other readers). */
  storedRows(service: string): StateRow[] {
    return this.db.prepare("SELECT kind, parent, key, value FROM rows WHERE service = ? ORDER BY kind, parent, key").all(service) as StateRow[];
  }

  private markDocuments(): void {
    for (const s of this.services) if (!s.rows && s.snapshot) this.dirty.add(s.name);
  }

  private meta(key: string): string | undefined {
    return (this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined)?.value;
  }

  private restoreAll(): void {
    const rowsOf = this.db.prepare("SELECT kind, parent, key, value FROM rows WHERE service = ? ORDER BY kind, parent, key");
    for (const s of this.services) {
      try {
        if (s.rows) {
          s.rows.load(rowsOf.all(s.name) as StateRow[]);
        } else if (s.restore) {
          const row = (rowsOf.all(s.name) as StateRow[]).find((r) => r.kind === DOCUMENT);
          if (!row) continue;
          s.restore(JSON.parse(row.value));
          this.lastText.set(s.name, row.value);
        }
      } catch (err) {
        if (err instanceof StateError) throw err;
        throw new StateError(this.file, `holds ${s.name} state this cloud cannot use (${(err as Error).message})`, moveAwayFix(this.dirOf()));
      }
    }
  }

  /** Reads the old `<service>.json` snapshots into the services, commits them in one transaction, then moves the files aside. */
  private importLegacy(stateDir: string, legacy: readonly Service[]): void {
    for (const s of legacy) {
      const file = legacyFile(stateDir, s.name);
      let state: unknown;
      try {
        state = JSON.parse(readFileSync(file, "utf8"));
      } catch (err) {
        throw new StateError(file, `is not valid JSON (${(err as Error).message})`, moveAwayFix(stateDir));
      }
      try {
        s.restore?.(state);
      } catch (err) {
        throw new StateError(file, `holds ${s.name} state this cloud cannot use (${(err as Error).message})`, moveAwayFix(stateDir));
      }
      if (s.rows) for (const change of s.rows.all()) this.pending.push({ service: s.name, change });
      else this.dirty.add(s.name);
    }
    // The import and the note that it happened are one transaction: a crash in between imports again, never twice.
    this.db.transaction(() => {
      this.commit();
      this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('imported_json', ?)").run(new Date().toISOString());
    })();
    moveLegacy(stateDir, legacy);
  }

  private dirOf(): string {
    return this.file.slice(0, -(STATE_DB_FILE.length + 1));
  }
}

function legacyFile(stateDir: string, service: string): string {
  return join(stateDir, `${service}.json`);
}

function moveLegacy(stateDir: string, legacy: readonly Service[]): void {
  mkdirSync(join(stateDir, IMPORTED_JSON_DIR), { recursive: true });
  for (const s of legacy) renameSync(legacyFile(stateDir, s.name), join(stateDir, IMPORTED_JSON_DIR, `${s.name}.json`));
}

/** Takes the state dir for this process; the OS lets go of it when the process ends, kill -9 included. */
function takeLock(stateDir: string, file: string): Database.Database {
  let lock: Database.Database | undefined;
  try {
    lock = openSqlite(join(stateDir, STATE_LOCK_FILE), { timeout: 250 });
    lock.pragma("locking_mode = EXCLUSIVE");
    lock.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER); DELETE FROM holder;");
    lock.prepare("INSERT INTO holder (pid) VALUES (?)").run(process.pid);
    return lock;
  } catch (err) {
    lock?.close();
    if (err instanceof StateError) throw err;
    const e = err as { code?: string; message?: string };
    if (e.code === "SQLITE_BUSY" || e.code === "SQLITE_LOCKED") {
      throw new StateError(file, "is in use by another running cloud", "Stop the other cloud (movies down), or start this one with another --state-dir.");
    }
    throw new StateError(join(stateDir, STATE_LOCK_FILE), `cannot be used as the state dir's lock (${e.code ?? "error"}: ${e.message ?? String(err)})`, moveAwayFix(stateDir));
  }
}

/** Opens the file and checks that it is a sound store of our version. */
function openDatabase(file: string, stateDir: string, existed: boolean): Database.Database {
  let db: Database.Database | undefined;
  try {
    // A cloud that is still exiting may hold the lock for a moment; one that keeps running holds it for good.
    db = openSqlite(file, { timeout: 250 });
    db.pragma("journal_mode = WAL");
    // No fsync on the event loop: a commit is a write() into the WAL, which is all that kill -9 can
    // undo; the files are fsynced every second off the event loop (see PeriodicFsync).
    db.pragma("synchronous = OFF");
    // Small checkpoints: copying 256 pages of WAL into the file is a few milliseconds.
    db.pragma("wal_autocheckpoint = 256");
    if (!existed) {
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE rows (
          service TEXT NOT NULL, kind TEXT NOT NULL, parent TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
          PRIMARY KEY (service, kind, parent, key)
        ) WITHOUT ROWID;
      `);
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(STATE_SCHEMA_VERSION));
      return db;
    }
    const check = db.pragma("quick_check") as { quick_check: string }[];
    if (check.length !== 1 || check[0]!.quick_check !== "ok") {
      throw new StateError(file, `is damaged (SQLite integrity check: ${check.map((c) => c.quick_check).slice(0, 3).join("; ")})`, moveAwayFix(stateDir));
    }
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name));
    if (!tables.has("meta") || !tables.has("rows")) {
      throw new StateError(file, "is an SQLite database but not a movies state store (no meta and rows tables)", moveAwayFix(stateDir));
    }
    const version = (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined)?.value;
    if (version !== String(STATE_SCHEMA_VERSION)) {
      throw new StateError(
        file,
        version === undefined ? "has no schema version" : `was written in state format ${version}; this movies reads format ${STATE_SCHEMA_VERSION}`,
        `Start it with the movies version that wrote it, or ${moveAwayFix(stateDir).charAt(0).toLowerCase()}${moveAwayFix(stateDir).slice(1)}`,
      );
    }
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('opened_at', ?)").run(new Date().toISOString());
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof StateError) throw err;
    const e = err as { code?: string; message?: string };
    if (e.code === "SQLITE_BUSY" || e.code === "SQLITE_LOCKED") {
      throw new StateError(file, "is in use by another running cloud", "Stop the other cloud (movies down), or start this one with another --state-dir.");
    }
    throw new StateError(file, `is not a usable SQLite database (${e.code ?? "error"}: ${e.message ?? String(err)})`, moveAwayFix(stateDir));
  }
}
