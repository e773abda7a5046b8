import { CliError, EXIT } from "../errors.js";
import type { Io } from "../io.js";

/**
 * Runs named steps, showing each with its duration; on failure says which step
 * stopped. An interrupt (Ctrl-C) lets the running step finish and stops before
 * the next one, so a deploy never ends in the middle of writing something.
 */
export class Steps {
  private readonly started = performance.now();
  private interrupted = false;
  current?: string;
  readonly done: string[] = [];

  constructor(private readonly io: Io) {}

  interrupt(): void {
    this.interrupted = true;
  }

  async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.interrupted) {
      throw new CliError(
        `interrupted before "${name}"${this.done.length ? ` (done: ${this.done.join(", ")})` : ""}`,
        EXIT.refused,
        "nothing is half-applied; run the same `movies deploy` again to finish",
      );
    }
    this.current = name;
    const t0 = performance.now();
    if (this.io.interactive) this.io.info(this.io.paint("gray", `… ${name}`));
    const result = await fn();
    this.io.info(`${this.io.paint("green", "✓")} ${name} ${this.io.paint("gray", `${Math.round(performance.now() - t0)} ms`)}`);
    this.current = undefined;
    this.done.push(name);
    return result;
  }

  totalMs(): number {
    return Math.round(performance.now() - this.started);
  }
}
