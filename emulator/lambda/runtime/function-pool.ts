import { AwsError } from "../../core/aws-error.js";
import { endLine, initReportLine, reportLine, startLine } from "../logs/platform-lines.js";
import {
  ExecutionEnvironment,
  type EnvironmentHost,
  type EnvironmentLogLine,
  type EnvironmentSpec,
  type InvocationInput,
} from "./execution-environment.js";
import type { LambdaErrorPayload } from "./worker-protocol.js";

export interface PoolOptions {
  /** most environments of this function alive at once (its concurrency) */
  maxEnvironments: number;
  /** invocations waiting for an environment beyond which callers are throttled */
  maxQueued: number;
  /** every log line of every environment of the function */
  sink: (line: EnvironmentLogLine) => void;
  /** variables known only when an environment starts (the cloud's endpoint once it listens) */
  environmentExtras?: () => Record<string, string>;
  /** where environments are spawned: the sandbox and the spare processes shared by all functions */
  host: EnvironmentHost;
  /** per environment: variables (its temporary credentials) and what to do when it ends (revoke them) */
  environmentSession?: () => { variables: Record<string, string>; end(): void };
}

export interface PoolInvocationResult {
  /** JSON text returned by the handler */
  payload?: string;
  error?: LambdaErrorPayload;
  /** all lines logged for this invocation (init, START...REPORT), for the Tail log type */
  logLines: string[];
  durationMs: number;
  /** set on a cold start */
  initDurationMs?: number;
  logStreamName: string;
}

/** Told which environment runs an invocation, right before it starts: its access key (when it has credentials) and whether it just started. */
export type OnRun = (accessKeyId: string | undefined, cold: boolean) => void;

interface Waiter {
  input: InvocationInput;
  onRun?: OnRun;
  resolve: (r: PoolInvocationResult) => void;
  reject: (e: unknown) => void;
}

export interface PoolStats {
  environments: number;
  busy: number;
  idle: number;
  initializing: number;
  queued: number;
  /** environments ever started: cold starts */
  started: number;
}

/**
 * The execution environments of one function: reuses a warm idle one, starts
 * a new one while under the concurrency limit, queues beyond it. A new spec
 * (code or configuration change) drains the old environments: idle ones end
 * at once, busy ones when their invocation finishes.
 */
export class FunctionPool {
  private readonly environments = new Set<ExecutionEnvironment>();
  private readonly collectors = new WeakMap<ExecutionEnvironment, { lines?: string[] }>();
  /** each environment's access key: the tracer attributes the AWS calls made with it to the invocation it runs */
  private readonly keys = new WeakMap<ExecutionEnvironment, string>();
  private readonly queue: Waiter[] = [];
  /** environments started ahead of any invocation, still initializing */
  private readonly prewarming = new Set<ExecutionEnvironment>();
  private started = 0;
  private closed = false;
  /** when the first invocation of a revision was answered, for whoever waits on it (`movies dev`'s save-to-served time) */
  private answered?: { revision: number; at?: number; waiters: Array<(at: number) => void> };

  constructor(
    private spec: EnvironmentSpec,
    private readonly options: PoolOptions,
  ) {}

  get currentSpec(): EnvironmentSpec {
    return this.spec;
  }

  /** New code or configuration: later invocations get new environments. */
  setSpec(spec: EnvironmentSpec): void {
    this.spec = spec;
    for (const env of this.environments) if (env.state === "idle") void env.terminate();
    this.pump();
  }

  setMaxEnvironments(max: number): void {
    this.options.maxEnvironments = max;
    this.pump();
  }

  invoke(input: InvocationInput, onRun?: OnRun): Promise<PoolInvocationResult> {
    if (this.closed) return Promise.reject(new AwsError("ResourceNotFoundException", `Function not found: ${this.spec.functionName}`, 404));
    return new Promise<PoolInvocationResult>((resolve, reject) => {
      // Reserved concurrency 0 stops the function: every call is throttled, none waits.
      if (this.options.maxEnvironments === 0 || this.queue.length >= this.options.maxQueued) {
        reject(new AwsError("TooManyRequestsException", "Rate Exceeded.", 429));
        return;
      }
      this.queue.push({ input, resolve, reject, onRun });
      this.pump();
    });
  }

  /**
   * Starts one environment of the current code before any invocation needs
   * it, as provisioned concurrency does on AWS: its init runs off the request
   * path, and its first REPORT has no Init Duration. Resolves when it is ready
   * or failed (then the failure is logged like any init error).
   */
  async prewarm(initializationType: "provisioned-concurrency" | "on-demand" = "provisioned-concurrency"): Promise<void> {
    const current = [...this.environments].some((e) => e.spec.revision === this.spec.revision && e.state !== "dead");
    if (this.closed || current || this.environments.size >= this.options.maxEnvironments) return;
    const env = this.startEnvironment({ AWS_LAMBDA_INITIALIZATION_TYPE: initializationType });
    this.prewarming.add(env);
    const init = await env.ready;
    this.prewarming.delete(env);
    if (!init.ok) {
      env.log(initReportLine(init.initDurationMs, init.timedOut ? "timeout" : "error", init.timedOut ? undefined : (init.error.errorType ?? "Runtime.Unknown")));
    }
    this.pump();
  }

  /**
   * Epoch ms at which the first invocation of the current code was answered
   * (a function error counts: the new code answered). Ask right after the code
   * changes; a later change leaves the promise pending.
   */
  firstAnswer(): Promise<number> {
    const revision = this.spec.revision;
    if (this.answered?.revision !== revision) this.answered = { revision, waiters: [] };
    const a = this.answered;
    if (a.at !== undefined) return Promise.resolve(a.at);
    return new Promise((resolve) => a.waiters.push(resolve));
  }

  private markAnswered(revision: number): void {
    const a = this.answered;
    if (!a || a.revision !== revision || a.at !== undefined) return;
    a.at = Date.now();
    for (const w of a.waiters.splice(0)) w(a.at);
  }

  /** Ends environments idle since before `idleSince` (epoch ms). */
  reap(idleSince: number): void {
    for (const env of this.environments) {
      if (env.state === "idle" && env.lastUsedAt < idleSince) void env.terminate();
    }
  }

  stats(): PoolStats {
    const envs = [...this.environments];
    return {
      environments: envs.length,
      busy: envs.filter((e) => e.state === "busy").length,
      idle: envs.filter((e) => e.state === "idle").length,
      initializing: envs.filter((e) => e.state === "initializing").length,
      queued: this.queue.length,
      started: this.started,
    };
  }

  /** Ends every environment; queued invocations are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.queue.splice(0)) {
      waiter.reject(new AwsError("ResourceNotFoundException", `Function not found: ${this.spec.functionName}`, 404));
    }
    await Promise.all([...this.environments].map((env) => env.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const idle = [...this.environments].find((e) => e.state === "idle" && e.spec.revision === this.spec.revision);
      if (idle) {
        const waiter = this.queue.shift() as Waiter;
        void this.run(idle, false, waiter);
        continue;
      }
      // Invocations that arrive while a prewarmed environment initializes wait for it.
      if (this.queue.length <= this.prewarming.size) return;
      if (this.environments.size >= this.options.maxEnvironments) {
        // At the limit: an idle environment of old code is ended to make room for the new code.
        const stale = [...this.environments].find((e) => e.state === "idle" && e.spec.revision !== this.spec.revision);
        if (stale) void stale.terminate();
        return;
      }
      const waiter = this.queue.shift() as Waiter;
      void this.run(this.startEnvironment(), true, waiter);
    }
  }

  private startEnvironment(overrides: Record<string, string> = {}): ExecutionEnvironment {
    // Lines before the first invocation (INIT_START) belong to a cold start's tail.
    const holder: { lines?: string[] } = { lines: [] };
    const session = this.options.environmentSession?.();
    const extras = { ...(this.options.environmentExtras?.() ?? {}), ...session?.variables, ...overrides };
    const spec = { ...this.spec, env: { ...this.spec.env, ...extras } };
    const env = new ExecutionEnvironment(spec, (line) => {
      holder.lines?.push(line.message);
      this.options.sink(line);
    }, this.options.host);
    this.collectors.set(env, holder);
    const key = session?.variables.AWS_ACCESS_KEY_ID;
    if (key) this.keys.set(env, key);
    this.environments.add(env);
    this.started++;
    env.onDeath(() => {
      session?.end();
      this.environments.delete(env);
      this.pump();
    });
    return env;
  }

  private async run(env: ExecutionEnvironment, cold: boolean, waiter: Waiter): Promise<void> {
    const holder = this.collectors.get(env) ?? {};
    const lines: string[] = cold ? (holder.lines ?? []) : [];
    holder.lines = lines;
    const { requestId } = waiter.input;
    const spec = env.spec;
    try {
      let initDurationMs: number | undefined;
      if (cold) {
        // The environment's init logs belong to the first invocation's tail.
        const init = await env.ready;
        initDurationMs = init.initDurationMs;
        if (!init.ok) {
          const errorType = init.error.errorType ?? "Runtime.Unknown";
          env.log(initReportLine(init.initDurationMs, init.timedOut ? "timeout" : "error", init.timedOut ? undefined : errorType));
          env.log(startLine(requestId, spec.functionVersion), requestId);
          env.log(endLine(requestId), requestId);
          env.log(
            reportLine({
              requestId,
              durationMs: 0,
              memorySizeMb: spec.memorySizeMb,
              maxMemoryUsedMb: env.maxMemoryUsedMb,
              status: init.timedOut ? "timeout" : "error",
              errorType: init.timedOut ? undefined : errorType,
            }),
            requestId,
          );
          waiter.resolve({ error: init.error, logLines: lines, durationMs: 0, initDurationMs, logStreamName: env.logStreamName });
          this.markAnswered(spec.revision);
          return;
        }
      }
      env.log(startLine(requestId, spec.functionVersion), requestId);
      waiter.onRun?.(this.keys.get(env), cold);
      const outcome = await env.invoke(waiter.input);
      env.log(endLine(requestId), requestId);
      env.log(
        reportLine({
          requestId,
          durationMs: outcome.durationMs,
          memorySizeMb: spec.memorySizeMb,
          maxMemoryUsedMb: outcome.memoryUsedMb,
          initDurationMs,
          status: outcome.timedOut ? "timeout" : outcome.environmentEnded ? "error" : undefined,
          errorType: outcome.environmentEnded && !outcome.timedOut ? (outcome.error?.errorType ?? "Runtime.ExitError") : undefined,
        }),
        requestId,
      );
      waiter.resolve({
        payload: outcome.payload,
        error: outcome.error,
        logLines: lines,
        durationMs: outcome.durationMs,
        initDurationMs,
        logStreamName: env.logStreamName,
      });
      this.markAnswered(spec.revision);
    } catch (err) {
      waiter.reject(err);
    } finally {
      holder.lines = undefined;
      // Old code finishes its invocation, then makes room for environments of the new code.
      if (env.state === "idle" && env.spec.revision !== this.spec.revision) void env.terminate();
      this.pump();
    }
  }
}
