import { createRequire } from "node:module";
import type { Readable } from "node:stream";

interface SubDb {
  createValueStream(options: unknown): Readable;
}
interface Store {
  getItemDb(table: string): SubDb;
  getIndexDb(kind: string, table: string, index: string): SubDb;
}
type QueryTable = (store: Store, ...rest: unknown[]) => void;

const PATCHED = Symbol.for("movies.dynalite.closeQueryStreams");

/**
 * dynalite reads tables through LevelDB value and key streams that it builds
 * on abstract-level iterators. Two things kept those iterators open for the
 * life of the cloud, and abstract-level keeps every open iterator in the
 * database's resource set until the database closes (with the in-memory
 * store each one also pins the red-black tree as it was when the iterator
 * opened, with every item that was in it):
 *
 * - the streams close their iterator through `iterator.return()`, which
 *   abstract-level 3's iterators do not have (they have `close()`), so no
 *   stream ever closed its iterator, even one read to the end;
 * - Query and Scan stop taking items at `Limit` (or 1 MB) and never destroy
 *   their stream at all.
 *
 * In the soak this leaked about 1,300 iterators and 10 MB of item buffers in
 * two minutes (one per `GET /movies?limit=10`). `closeDynaliteIterators`
 * gives the iterators a `return()` that closes them, and wraps dynalite's
 * `queryTable` (the actions call it through the module object, so the
 * wrapper is what they call) to destroy the streams it opened once it has
 * answered. Answers are unchanged: a query's answer is complete before its
 * streams are destroyed.
 */
export function closeDynaliteIterators(): void {
  const require = createRequire(createRequire(import.meta.url).resolve("dynalite"));
  const { AbstractValueIterator } = require("abstract-level") as { AbstractValueIterator: { prototype: object } };
  const common = Object.getPrototypeOf(AbstractValueIterator.prototype) as { close?: () => Promise<void>; return?: unknown };
  if (typeof common.close === "function" && common.return === undefined) {
    Object.defineProperty(common, "return", {
      configurable: true,
      writable: true,
      value: async function (this: { close(): Promise<void> }) {
        await this.close();
        return { done: true, value: undefined };
      },
    });
  }
  const db = require("./db/index.js") as { queryTable: QueryTable & { [PATCHED]?: true } };
  if (db.queryTable[PATCHED]) return;
  const original = db.queryTable;
  const wrapped = function (this: unknown, store: Store, ...rest: unknown[]) {
    const streams: Readable[] = [];
    const track = (sub: SubDb): SubDb =>
      Object.assign(Object.create(sub) as SubDb, {
        createValueStream(options: unknown) {
          const stream = sub.createValueStream(options);
          streams.push(stream);
          return stream;
        },
      });
    const tracked: Store = Object.assign(Object.create(store) as Store, {
      getItemDb: (table: string) => track(store.getItemDb(table)),
      getIndexDb: (kind: string, table: string, index: string) => track(store.getIndexDb(kind, table, index)),
    });
    const cb = rest[rest.length - 1] as (...args: unknown[]) => void;
    rest[rest.length - 1] = (...args: unknown[]) => {
      for (const s of streams) if (!s.destroyed) s.destroy();
      cb(...args);
    };
    original.call(this, tracked, ...rest);
  } as QueryTable & { [PATCHED]?: true };
  wrapped[PATCHED] = true;
  db.queryTable = wrapped;
}
