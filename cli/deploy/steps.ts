import type { Io } from "../io.js";

/** Runs named steps, showing each with its duration; on failure says which step stopped. */
export class Steps {
  private readonly started = performance.now();
  current?: string;

  constructor(private readonly io: Io) {}

  async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.current = name;
    const t0 = performance.now();
    if (this.io.interactive) this.io.info(this.io.paint("gray", `… ${name}`));
    const result = await fn();
    this.io.info(`${this.io.paint("green", "✓")} ${name} ${this.io.paint("gray", `${Math.round(performance.now() - t0)} ms`)}`);
    this.current = undefined;
    return result;
  }

  totalMs(): number {
    return Math.round(performance.now() - this.started);
  }
}
