/** One stored entity of a service. `parent` groups rows that go together (the messages of one queue). */
export interface StateRow {
  kind: string;
  parent: string;
  key: string;
  /** JSON text */
  value: string;
}

/** What changed in a service since the last commit, in the order it must be applied. */
export type StateChange =
  | { op: "put"; kind: string; parent: string; key: string; value: string }
  | { op: "delete"; kind: string; parent: string; key: string }
  /** every row of `kind` under `parent` (a deleted or purged queue) */
  | { op: "drop"; kind: string; parent: string };

/**
 * State a service keeps entity by entity, so a commit writes only what changed.
 * The service records what it changed; the state store drains it into one
 * transaction before a reply leaves, and on a short interval for changes made
 * outside requests.
 */
export interface RowState {
  /** Replaces the service's state with stored rows and starts recording changes; throws on rows of the wrong shape. */
  load(rows: readonly StateRow[]): void;
  /** Every row of the current state (an import from the old JSON snapshots). */
  all(): StateChange[];
  /** The changes since the last drain; the next drain starts empty. */
  drain(): StateChange[];
}
