/**
 * State in the state dir that the cloud cannot use: damaged, of the wrong
 * shape, from an incompatible version, or locked by another cloud. The cloud
 * refuses to start with it rather than start empty or die later; `file` names
 * what is wrong and `fix` says what a person can do about it.
 */
export class StateError extends Error {
  readonly code = "StateUnusable";

  constructor(
    readonly file: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${file}: ${problem}. ${fix}`);
    this.name = "StateError";
  }
}

/** By shape, not class: the CLI and the cloud may come from different bundles. */
export function isStateError(err: unknown): err is StateError {
  return err instanceof Error && (err as Partial<StateError>).code === "StateUnusable" && typeof (err as Partial<StateError>).file === "string";
}

/** The usual way out: keep the old state for inspection, start empty. */
export function moveAwayFix(stateDir: string): string {
  return `Move the state dir away to start with an empty cloud (e.g. mv ${stateDir} ${stateDir}.broken), or start with another --state-dir.`;
}
