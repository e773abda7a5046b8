import { randomBytes } from "node:crypto";
import { Worker } from "node:worker_threads";
import { BOOTSTRAP_URL, workerOptions, type SpareWorkers } from "./spare-workers.js";
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
  /** process.env of the handler, without AWS_LAMBDA_LOG_STREAM_NAME which is per environment */
  env: Record<string, string>;
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

/**
 * One warm execution environment: a worker thread with its own process.env,
 * module cache and heap limit, running one invocation at a time. A timeout,
 * an uncaught exception or process.exit end the environment; the pool
 * replaces it.
 */
export class ExecutionEnvironment {
  readonly logStreamName: string;
  readonly ready: Promise<InitOutcome>;
  state: EnvironmentState = "initializing";
  lastUsedAt = Date.now();
  maxMemoryUsedMb = 0;

  private readonly worker: Worker;
  private readonly startedAt = performance.now();
  private readonly partial = { stdout: "", stderr: "" };
  private lastRequestId: string | undefined;
  private pending:
    | { requestId: string; resolve: (o: InvocationOutcome) => void; startedAt: number; timer: NodeJS.Timeout; crash?: LambdaErrorPayload }
    | undefined;
  private settleInit!: (o: InitOutcome) => void;
  private readonly deathListeners: Array<() => void> = [];

  constructor(
    readonly spec: EnvironmentSpec,
    private readonly sink: (line: EnvironmentLogLine) => void,
    spares?: SpareWorkers,
  ) {
    this.logStreamName = newLogStreamName(spec.functionVersion);
    this.ready = new Promise<InitOutcome>((resolve) => (this.settleInit = resolve));
    const workerData: BootstrapData = {
      handler: spec.handler,
      taskRoot: spec.taskRoot,
      functionName: spec.functionName,
      functionVersion: spec.functionVersion,
      memoryLimitInMB: String(spec.memorySizeMb),
      logGroupName: spec.logGroupName,
      logStreamName: this.logStreamName,
    };
    const env = { ...spec.env, AWS_LAMBDA_LOG_STREAM_NAME: this.logStreamName };
    const spare = spares?.take(spec.memorySizeMb);
    this.worker = spare ?? new Worker(BOOTSTRAP_URL, workerOptions(spec.memorySizeMb, env, workerData));
    if (spare) {
      const assign: AssignMessage = { type: "assign", data: workerData, env };
      spare.postMessage(assign);
    }
    this.worker.stdout.on("data", (chunk: Buffer) => this.raw("stdout", chunk.toString("utf8"), Date.now()));
    this.worker.stderr.on("data", (chunk: Buffer) => this.raw("stderr", chunk.toString("utf8"), Date.now()));
    this.worker.on("message", (msg: WorkerMessage) => this.onMessage(msg));
    this.worker.on("error", (err: Error & { code?: string }) => this.onWorkerError(err));
    this.worker.on("exit", (code) => this.onExit(code));
    const initTimer = setTimeout(() => {
      if (this.state !== "initializing") return;
      this.settleInit({
        ok: false,
        initDurationMs: this.elapsed(),
        timedOut: true,
        error: { errorMessage: `${new Date().toISOString()} Init timed out after ${(INIT_TIMEOUT_MS / 1000).toFixed(2)} seconds` },
      });
      this.kill();
    }, INIT_TIMEOUT_MS);
    void this.ready.then(() => {
      clearTimeout(initTimer);
      // The next cold start of this memory size finds a thread already booted.
      spares?.ensure(spec.memorySizeMb);
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
      this.worker.postMessage(msg);
    });
  }

  /** Ends the environment; a running invocation fails as an exit. */
  async terminate(): Promise<void> {
    if (this.state === "dead") return;
    this.kill();
    await this.worker.terminate();
  }

  onDeath(listener: () => void): void {
    if (this.state === "dead") listener();
    else this.deathListeners.push(listener);
  }

  /** A line written by the platform (START, END, REPORT...) into this environment's stream. */
  log(message: string, requestId?: string): void {
    this.sink({ timestamp: Date.now(), message, requestId, logStreamName: this.logStreamName });
  }

  private elapsed(): number {
    return performance.now() - this.startedAt;
  }

  private onMessage(msg: WorkerMessage): void {
    switch (msg.type) {
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
        if (this.pending?.requestId === msg.requestId) {
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
    void this.terminate();
  }

  private onWorkerError(err: Error & { code?: string }): void {
    const outOfMemory = err.code === "ERR_WORKER_OUT_OF_MEMORY";
    const requestId = this.pending?.requestId;
    const error: LambdaErrorPayload = outOfMemory
      ? { errorType: "Runtime.OutOfMemory", errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed` }
      : { errorType: err.name || "Error", errorMessage: err.message, trace: err.stack?.split("\n") ?? [] };
    if (outOfMemory) this.log(`${error.errorMessage}\nRuntime.OutOfMemory`, requestId);
    if (this.state === "initializing") {
      this.settleInit({ ok: false, initDurationMs: this.elapsed(), error, timedOut: false });
    } else if (this.pending) {
      this.pending.crash ??= error;
    }
  }

  private onExit(code: number): void {
    const pending = this.pending;
    if (this.state === "initializing") {
      const reason = code === 0 ? "Runtime exited without providing a reason" : `Runtime exited with error: exit status ${code}`;
      this.settleInit({
        ok: false,
        initDurationMs: this.elapsed(),
        timedOut: false,
        error: { errorType: "Runtime.ExitError", errorMessage: `RequestId: undefined Error: ${reason}` },
      });
    }
    if (pending) {
      const reason = code === 0 ? "Runtime exited without providing a reason" : `Runtime exited with error: exit status ${code}`;
      const exitMessage = `RequestId: ${pending.requestId} Error: ${reason}`;
      this.log(`${exitMessage}\nRuntime.ExitError`, pending.requestId);
      this.complete({
        error: pending.crash ?? { errorType: "Runtime.ExitError", errorMessage: exitMessage },
        timedOut: false,
        environmentEnded: true,
      });
    }
    this.markDead();
  }

  private kill(): void {
    this.markDead();
    void this.worker.terminate();
  }

  private markDead(): void {
    if (this.state === "dead") return;
    this.state = "dead";
    for (const listener of this.deathListeners.splice(0)) listener();
  }
}
