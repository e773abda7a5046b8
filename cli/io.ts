import { CliError, EXIT } from "./errors.js";
import { stopForClosedOutput } from "./signals.js";

const watched = new WeakSet<NodeJS.WritableStream>();
let closed = false;

/** True once stdout's reader went away (`movies status | head -1`): the rest is dropped and the command ends with 0. */
export const outputClosed = () => closed;

/**
 * A closed pipe (EPIPE) is the reader saying "enough", not a failure: drop the
 * rest of the output and stop the running command as Ctrl-C would, so its
 * clean-up (temporary queues, the cloud) still runs.
 */
export function watchPipe(stream: NodeJS.WritableStream): void {
  if (watched.has(stream)) return;
  watched.add(stream);
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") {
      if (!closed) {
        closed = true;
        stopForClosedOutput();
      }
      return;
    }
    // other listeners (the SIGHUP clean-up) may own this error; alone, keep Node's default of failing loudly
    if (stream.listenerCount("error") === 1) throw err;
  });
}
import { isStateError } from "../emulator/core/state-error.js";

/**
 * The one I/O host: every command writes through it, nothing else prints.
 * Plain output (no colour, no spinners) when not a TTY, when CI=true, with
 * --json, or when NO_COLOR is set.
 */
export interface IoOptions {
  json?: boolean;
  debug?: boolean;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;
export type Colour = keyof typeof CODES;

export class Io {
  readonly json: boolean;
  readonly debug: boolean;
  readonly interactive: boolean;
  readonly colour: boolean;
  private readonly stdout: NodeJS.WritableStream;
  private readonly stderr: NodeJS.WritableStream;

  constructor(opts: IoOptions = {}) {
    const env = opts.env ?? process.env;
    this.stdout = opts.stdout ?? process.stdout;
    this.stderr = opts.stderr ?? process.stderr;
    watchPipe(this.stdout);
    this.json = opts.json ?? false;
    this.debug = opts.debug ?? false;
    const tty = Boolean((opts.stdout ?? process.stdout).isTTY);
    const ci = env.CI === "true" || env.CI === "1";
    this.interactive = tty && !ci && !this.json;
    this.colour = this.interactive && env.NO_COLOR === undefined && env.TERM !== "dumb";
  }

  /** Where live views (ink) draw: stderr, so stdout stays clean for data. */
  get liveStream(): NodeJS.WriteStream {
    return this.stderr as NodeJS.WriteStream;
  }

  paint(colour: Colour, text: string): string {
    return this.colour ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
  }

  /** A line of human output on stdout (suppressed under --json, where data() speaks). */
  line(text = ""): void {
    if (!this.json && !closed) this.stdout.write(`${text}\n`);
  }

  /** Raw text on stdout, whatever the mode (bodies the user asked for). */
  write(text: string): void {
    if (!closed) this.stdout.write(text);
  }

  /** Machine-readable result: one JSON document (or one per line for streams). */
  data(value: unknown, compact = false): void {
    if (!closed) this.stdout.write(`${compact ? JSON.stringify(value) : JSON.stringify(value, null, 2)}\n`);
  }

  /** Progress and diagnostics go to stderr so stdout stays clean for data. */
  info(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  warn(text: string): void {
    this.stderr.write(`${this.paint("yellow", "warning:")} ${text}\n`);
  }

  /** Shows an error as one or two lines and returns the exit code for it. */
  fail(err: unknown): number {
    if (err instanceof CliError) {
      this.stderr.write(`${this.paint("red", "error:")} ${err.message}\n`);
      if (err.hint) this.stderr.write(`  ${err.hint}\n`);
      if (this.debug && err.stack) this.stderr.write(`${err.stack}\n`);
      return err.exitCode;
    }
    if (isStateError(err)) {
      this.stderr.write(`${this.paint("red", "error:")} ${err.file}: ${err.problem}\n  ${err.fix}\n`);
      return EXIT.refused;
    }
    const message = err instanceof Error ? err.message : String(err);
    this.stderr.write(`${this.paint("red", "error:")} ${message}\n`);
    if (this.debug && err instanceof Error && err.stack) this.stderr.write(`${err.stack}\n`);
    else this.stderr.write("  run again with --debug for details\n");
    return EXIT.refused;
  }
}
