/**
 * Messages between the cloud and an execution environment's process
 * (bootstrap.mjs) over its IPC channel. Both sides must agree on these
 * shapes; bootstrap.mjs is plain JavaScript.
 */

/** The error shape Lambda returns in the payload of a failed invocation. */
export interface LambdaErrorPayload {
  errorType?: string;
  errorMessage: string;
  trace?: string[];
  [extra: string]: unknown;
}

/** Data the bootstrap needs to find the handler and build the context. */
export interface BootstrapData {
  handler: string;
  taskRoot: string;
  functionName: string;
  functionVersion: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
}

/** Turns a bare process (spare or just spawned) into an environment of one function. */
export interface AssignMessage {
  type: "assign";
  data: BootstrapData;
  env: Record<string, string>;
}

export interface InvokeMessage {
  type: "invoke";
  requestId: string;
  /** the event as JSON text */
  payload: string;
  /** epoch ms at which the invocation times out; drives getRemainingTimeInMillis() */
  deadlineMs: number;
  invokedFunctionArn: string;
  clientContext?: unknown;
  identity?: unknown;
}

export type WorkerMessage =
  | {
      type: "log";
      stream: "stdout" | "stderr";
      text: string;
      /** true for a console call (one event even if multi-line); false for raw writes, split on newlines */
      whole: boolean;
      requestId?: string;
      timestamp: number;
    }
  /** Node.js is up and the bootstrap listens: the init phase starts */
  | { type: "booted" }
  /** memoryUsedMb: the process's resident size */
  | { type: "ready"; memoryUsedMb: number }
  | { type: "init-error"; error: LambdaErrorPayload }
  | { type: "result"; requestId: string; payload?: string; error?: LambdaErrorPayload; memoryUsedMb: number }
  | { type: "crash"; requestId?: string; error: LambdaErrorPayload; exitCode: number };
