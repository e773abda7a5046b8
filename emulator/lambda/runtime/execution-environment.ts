import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { initStartLine } from "../logs/platform-lines.js";
import { spawnEnvironmentProcess, type EnvironmentProcess } from "./environment-process.js";
import type { NodeBinary } from "./node-runtimes.js";
import type { Sandbox } from "./sandbox.js";
import { endProcess, type SpareProcesses } from "./spare-processes.js";
import type { AssignMessage, BootstrapData, InvokeMessage, LambdaErrorPayload, WorkerMessage } from "./worker-protocol.js";

/** Lambda gives the init phase of an on-demand environment 10 seconds. */
export const INIT_TIMEOUT_MS = 10_000;

/** Everything an environment is built from; a new spec (new code or configuration) means new environments. */
export interface EnvironmentSpec {
  /** bumps on every code or configuration change of the function */
  revision: number;
  functionName: string;
  functionVersion: string;
  handler: string;
  /** the unzipped code (LAMBDA_TASK_ROOT) */
  taskRoot: string;
  memorySizeMb: number;
  timeoutSeconds: number;
  logGroupName: string;
  /** process.env of the handler, without AWS_LAMBDA_LOG_STREAM_NAME and TMPDIR which are per environment */
  env: Record<string, string>;
  /** the Lambda runtime identifier (nodejs22.x) and the Node.js that runs it */
  runtime: string;
  node: NodeBinary;
}

/** Where environments are spawned: the sandbox, and the spare processes when kept. */
export interface EnvironmentHost {
  sandbox: Sandbox;
  spares?: SpareProcesses;
}

/** One line of function output, as the log store keeps it. */
export interface EnvironmentLogLine {
  timestamp: number;
  message: string;
  requestId?: string;
  logStreamName: string;
}

export type InitOutcome =
  | { ok: true; initDurationMs: number }
  | { ok: false; initDurationMs: number; error: LambdaErrorPayload; timedOut: boolean };

export interface InvocationOutcome {
  /** the JSON text the handler returned, when it succeeded */
  payload?: string;
  error?: LambdaErrorPayload;
  durationMs: number;
  memoryUsedMb: number;
  timedOut: boolean;
  /** the environment is gone (timeout, crash, exit) and must be replaced */
  environmentEnded: boolean;
}

export interface InvocationInput {
  requestId: string;
  payload: string;
  invokedFunctionArn: string;
  clientContext?: unknown;
  identity?: unknown;
}

type EnvironmentState = "initializing" | "idle" | "busy" | "dead";

/** Lambda's log stream name: date, version in brackets, 32 hex characters per environment. */
function newLogStreamName(version: string): string {
  const d = new Date();
  const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${String(d.getUTCDate()).padStart(2, "0")}`;
  return `${day}/[${version}]${randomBytes(16).toString("hex")}`;
}

export function timeoutMessage(requestId: string, timeoutSeconds: number): string {
  return `${new Date().toISOString()} ${requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
}

/** How long a spawned Node.js may take to start before the environment is given up. */
export const BOOT_TIMEOUT_MS = 30_000;

/** How often the resident size of a running environment is checked against its memory size. */
export const MEMORY_WATCH_INTERVAL_MS = 20;

/** Go's names for signals, which Lambda's "Runtime exited with error: signal: ..." uses. */
const SIGNAL_NAMES: Record<string, string> = {
  SIGKILL: "killed",
  SIGABRT: "aborted",
  SIGSEGV: "segmentation fault",
  SIGTERM: "terminated",
  SIGBUS: "bus error",
  SIGILL: "illegal instruction",
  SIGFPE: "floating point exception",
  SIGTRAP: "trace/breakpoint trap",
  SIGINT: "interrupt",
  SIGHUP: "hangup",
  SIGQUIT: "quit",
  SIGPIPE: "broken pipe",
};

/** Lambda's reason for a runtime process that ended: exit status or signal. */
export function exitReason(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `Runtime exited with error: signal: ${SIGNAL_NAMES[signal] ?? signal}`;
  if (code === 0) return "Runtime exited without providing a reason";
  return `Runtime exited with error: exit status ${code}`;
}

/**
 * Linux's page size, which /proc/<pid>/statm counts in: 4 KB on x86-64, 16 or
 * 64 KB on some arm64 kernels. Node has no API for it, so it is read once from
 * this process's own VmRSS (kB) beside its statm resident pages.
 */
let pageBytes: number | undefined;
function pageSize(): number {
  if (pageBytes !== undefined) return pageBytes;
  pageBytes = 4096;
  try {
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1]);
    const pages = Number(readFileSync("/proc/self/statm", "latin1").split(" ")[1]);
    const ratio = (kb * 1024) / pages;
    // the two reads are a moment apart: take the nearest size a kernel uses
    if (ratio > 0) pageBytes = [4096, 16384, 65536].reduce((a, b) => (Math.abs(b - ratio) < Math.abs(a - ratio) ? b : a));
  } catch {
    // no /proc: residentBytes answers undefined anyway
  }
  return pageBytes;
}

/**
 * Resident size of a process in bytes, from /proc; undefined where there is
 * no /proc or the process is gone. `statm`'s second field is the same count
 * as `status`'s VmRSS (anonymous + file + shared resident pages), but the
 * kernel writes it as a handful of numbers instead of ~55 formatted lines,
 * and this runs every 20 ms for every busy environment.
 */
function residentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const text = readFileSync(`/proc/${pid}/statm`, "latin1");
    const start = text.indexOf(" ") + 1;
    const pages = Number.parseInt(text.slice(start, text.indexOf(" ", start)), 10);
    return Number.isNaN(pages) ? undefined : pages * pageSize();
  } catch {
    return undefined;
  }
}

/**
 * One warm execution environment: a child process with its own process.env,
 * heap limit, uid (when the cloud is root) and TMPDIR, running one
 * invocation at a time. The parent watches its resident size and ends it
 * past its memory size. A timeout, a crash, an exit, a signal or running out
 * of memory end the environment; the pool replaces it.
 */
export class ExecutionEnvironment {
  readonly logStreamName: string;
  readonly ready: Promise<InitOutcome>;
  state: EnvironmentState = "initializing";
  lastUsedAt = Date.now();
  maxMemoryUsedMb = 0;

  private readonly proc: EnvironmentProcess;
  private startedAt = performance.now();
  private readonly partial = { stdout: "", stderr: "" };
  private lastRequestId: string | undefined;
  private pending:
    | { requestId: string; resolve: (o: InvocationOutcome) => void; startedAt: number; timer: NodeJS.Timeout; crash?: LambdaErrorPayload }
    | undefined;
  private settleInit!: (o: InitOutcome) => void;
  private readonly deathListeners: Array<() => void> = [];
  private memoryWatch: NodeJS.Timeout | undefined;
  /** set when the process was ended for exceeding its memory size, or V8 ran out of heap */
  private outOfMemory = false;
  private readonly exited: Promise<void>;

  constructor(
    readonly spec: EnvironmentSpec,
    private readonly sink: (line: EnvironmentLogLine) => void,
    host: EnvironmentHost,
  ) {
    this.logStreamName = newLogStreamName(spec.functionVersion);
    this.ready = new Promise<InitOutcome>((resolve) => (this.settleInit = resolve));
    const data: BootstrapData = {
      handler: spec.handler,
      taskRoot: spec.taskRoot,
      functionName: spec.functionName,
      functionVersion: spec.functionVersion,
      memoryLimitInMB: String(spec.memorySizeMb),
      logGroupName: spec.logGroupName,
      logStreamName: this.logStreamName,
    };
    this.proc = host.spares?.take(spec.node, spec.memorySizeMb) ?? spawnEnvironmentProcess(host.sandbox, spec.node, spec.memorySizeMb);
    // HOME: the uid of the environment has no passwd entry, and the SDK asks os.homedir() for ~/.aws.
    const env: Record<string, string> = { TMPDIR: this.proc.tmpDir, HOME: this.proc.tmpDir, ...spec.env, AWS_LAMBDA_LOG_STREAM_NAME: this.logStreamName };
    // The SDK warns about Node < 22 on every client; AWS would never show that warning in a function's log.
    if (spec.node.major < 22) env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    const { child } = this.proc;
    this.exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    this.log(initStartLine(spec.runtime, spec.node.version, spec.node.path, spec.node.note));
    child.stdout?.on("data", (chunk: Buffer) => this.raw("stdout", chunk.toString("utf8"), Date.now()));
    child.stderr?.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      if (text.includes("JavaScript heap out of memory")) this.outOfMemory = true;
      this.raw("stderr", text, Date.now());
    });
    child.on("message", (msg: WorkerMessage) => this.onMessage(msg));
    // 'close' comes once stdout, stderr and the channel are drained (a crash report, V8's
    // out-of-memory line); a grandchild holding stdout open must not delay it for long.
    let ended = false;
    const end = (code: number | null, signal: NodeJS.Signals | null) => {
      if (ended) return;
      ended = true;
      this.onExit(code, signal);
    };
    child.once("close", end);
    child.once("exit", (code, signal) => setTimeout(() => end(code, signal), 100).unref());
    const assign: AssignMessage = { type: "assign", data, env };
    this.send(assign);
    this.watchMemory(true);
    // Init Duration and its limit count from a started Node.js, as Lambda's exclude creating the sandbox.
    let initTimer: NodeJS.Timeout | undefined;
    // A Node.js that never starts (a wrong MOVIES_NODE_<major>) must not hold invocations forever.
    const bootTimer = setTimeout(() => {
      if (this.state !== "initializing") return;
      const error = { errorType: "Runtime.ExitError", errorMessage: `RequestId: undefined Error: Runtime did not start within ${BOOT_TIMEOUT_MS / 1000} seconds (${spec.node.path})` };
      this.log(`${error.errorMessage}\nRuntime.ExitError`);
      this.settleInit({ ok: false, initDurationMs: this.elapsed(), timedOut: false, error });
      this.kill();
    }, BOOT_TIMEOUT_MS);
    bootTimer.unref();
    void this.proc.booted.then(() => {
      clearTimeout(bootTimer);
      this.startedAt = performance.now();
      if (this.state !== "initializing") return;
      initTimer = setTimeout(() => {
        if (this.state !== "initializing") return;
        this.settleInit({
          ok: false,
          initDurationMs: this.elapsed(),
          timedOut: true,
          error: { errorMessage: `${new Date().toISOString()} Init timed out after ${(INIT_TIMEOUT_MS / 1000).toFixed(2)} seconds` },
        });
        this.kill();
      }, INIT_TIMEOUT_MS);
    });
    void this.ready.then(() => {
      clearTimeout(initTimer);
      // The next cold start of this Node.js and memory size finds a process already started.
      host.spares?.ensure(spec.node, spec.memorySizeMb);
    });
  }

  /** Runs one invocation; the environment must be idle. */
  invoke(input: InvocationInput): Promise<InvocationOutcome> {
    if (this.state !== "idle") throw new Error(`execution environment is ${this.state}, not idle`);
    this.state = "busy";
    this.lastRequestId = input.requestId;
    const startedAt = performance.now();
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    return new Promise<InvocationOutcome>((resolve) => {
      const timer = setTimeout(() => this.onTimeout(), timeoutMs);
      this.pending = { requestId: input.requestId, resolve, startedAt, timer };
      const msg: InvokeMessage = {
        type: "invoke",
        requestId: input.requestId,
        payload: input.payload,
        deadlineMs: Date.now() + timeoutMs,
        invokedFunctionArn: input.invokedFunctionArn,
        clientContext: input.clientContext,
        identity: input.identity,
      };
      this.watchMemory(true);
      this.send(msg);
    });
  }

  /** Ends the environment; a running invocation fails as an exit. */
  async terminate(): Promise<void> {
    if (this.state !== "dead") this.kill();
    await this.exited;
  }

  onDeath(listener: () => void): void {
    if (this.state === "dead") listener();
    else this.deathListeners.push(listener);
  }

  /** A line written by the platform (START, END, REPORT...) into this environment's stream. */
  log(message: string, requestId?: string): void {
    this.sink({ timestamp: Date.now(), message, requestId, logStreamName: this.logStreamName });
  }

  /** The process id of the environment (for tests and diagnostics). */
  get pid(): number | undefined {
    return this.proc.child.pid;
  }

  private send(msg: AssignMessage | InvokeMessage): void {
    const { child } = this.proc;
    if (!child.connected) return;
    // A process that died between the check and the write is reported by 'exit'.
    child.send(msg, (err) => void err);
  }

  private elapsed(): number {
    return performance.now() - this.startedAt;
  }

  /**
   * Watches the resident size while the function runs (init or invocation),
   * as Lambda's sandbox limit counts every byte, not just V8's heap: past
   * the memory size the process is killed and reported as Runtime.OutOfMemory.
   */
  private watchMemory(on: boolean): void {
    if (!on) {
      clearInterval(this.memoryWatch);
      this.memoryWatch = undefined;
      return;
    }
    if (this.memoryWatch) return;
    const limit = this.spec.memorySizeMb * 1024 * 1024;
    this.memoryWatch = setInterval(() => {
      const rss = residentBytes(this.proc.child.pid);
      if (rss === undefined) return;
      this.maxMemoryUsedMb = Math.max(this.maxMemoryUsedMb, Math.ceil(rss / (1024 * 1024)));
      if (rss > limit && this.state !== "dead") {
        this.outOfMemory = true;
        this.proc.child.kill("SIGKILL");
      }
    }, MEMORY_WATCH_INTERVAL_MS);
    this.memoryWatch.unref();
  }

  private onMessage(msg: WorkerMessage): void {
    switch (msg.type) {
      case "booted":
        return;
      case "log":
        if (msg.whole) {
          this.flushPartial(msg.stream, msg.timestamp, msg.requestId);
          this.sink({ timestamp: msg.timestamp, message: msg.text.replace(/\n$/, ""), requestId: msg.requestId, logStreamName: this.logStreamName });
        } else {
          this.raw(msg.stream, msg.text, msg.timestamp, msg.requestId);
        }
        return;
      case "ready":
        this.maxMemoryUsedMb = Math.max(this.maxMemoryUsedMb, msg.memoryUsedMb);
        if (this.state === "initializing") {
          this.watchMemory(false);
          this.state = "idle";
          this.settleInit({ ok: true, initDurationMs: this.elapsed() });
        }
        return;
      case "init-error":
        if (this.state === "initializing") {
          this.settleInit({ ok: false, initDurationMs: this.elapsed(), error: msg.error, timedOut: false });
          this.kill();
        }
        return;
      case "result":
        this.maxMemoryUsedMb = Math.max(this.maxMemoryUsedMb, msg.memoryUsedMb);
        if (this.pending?.requestId === msg.requestId && this.state === "busy") {
          this.watchMemory(false);
          const { payload, error } = msg;
          this.complete({ payload, error, timedOut: false, environmentEnded: false });
          this.state = "idle";
          this.lastUsedAt = Date.now();
        }
        return;
      case "crash":
        if (this.pending) this.pending.crash = msg.error;
        return;
    }
  }

  private raw(stream: "stdout" | "stderr", text: string, timestamp: number, requestId = this.lastRequestId): void {
    const lines = (this.partial[stream] + text).split("\n");
    this.partial[stream] = lines.pop() ?? "";
    for (const line of lines) this.sink({ timestamp, message: line, requestId, logStreamName: this.logStreamName });
  }

  private flushPartial(stream: "stdout" | "stderr", timestamp: number, requestId = this.lastRequestId): void {
    if (!this.partial[stream]) return;
    this.sink({ timestamp, message: this.partial[stream], requestId, logStreamName: this.logStreamName });
    this.partial[stream] = "";
  }

  private complete(o: Omit<InvocationOutcome, "durationMs" | "memoryUsedMb">): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    this.flushPartial("stdout", Date.now());
    this.flushPartial("stderr", Date.now());
    pending.resolve({ ...o, durationMs: performance.now() - pending.startedAt, memoryUsedMb: this.maxMemoryUsedMb });
  }

  private onTimeout(): void {
    const pending = this.pending;
    if (!pending) return;
    const message = timeoutMessage(pending.requestId, this.spec.timeoutSeconds);
    this.log(message, pending.requestId);
    this.complete({ error: { errorMessage: message }, timedOut: true, environmentEnded: true });
    this.kill();
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.watchMemory(false);
    const pending = this.pending;
    const errorType = this.outOfMemory ? "Runtime.OutOfMemory" : "Runtime.ExitError";
    const reason = exitReason(code, signal);
    if (this.state === "initializing") {
      const error = { errorType, errorMessage: `RequestId: undefined Error: ${reason}` };
      this.log(`${error.errorMessage}\n${errorType}`);
      this.settleInit({ ok: false, initDurationMs: this.elapsed(), timedOut: false, error });
    }
    if (pending) {
      const exitMessage = `RequestId: ${pending.requestId} Error: ${reason}`;
      this.log(`${exitMessage}\n${errorType}`, pending.requestId);
      // An uncaught exception reports itself before the exit; running out of memory wins over it.
      const error = this.outOfMemory || !pending.crash ? { errorType, errorMessage: exitMessage } : pending.crash;
      this.complete({ error, timedOut: false, environmentEnded: true });
    }
    this.markDead();
  }

  private kill(): void {
    this.markDead();
    void endProcess(this.proc);
  }

  private markDead(): void {
    if (this.state === "dead") return;
    this.state = "dead";
    this.watchMemory(false);
    for (const listener of this.deathListeners.splice(0)) listener();
  }
}
