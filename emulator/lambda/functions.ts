import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AwsError } from "../core/aws-error.js";
import { issueSessionCredentials } from "../iam/function-credentials.js";
import { AsyncInvoker, AWS_RETRY_DELAYS_MS, DEFAULT_EVENT_INVOKE_SETTINGS, type AsyncFailure, type EventInvokeSettings } from "./async-invoker.js";
import { functionArn, parseFunctionReference } from "./function-arn.js";
import {
  DEFAULT_MEMORY_MB,
  DEFAULT_TIMEOUT_SECONDS,
  lambdaTimestamp,
  validateFunctionName,
  validateSettings,
  type CreateFunctionInput,
  type FunctionConfiguration,
  type FunctionSettings,
} from "./function-config.js";
import { permissionStatement, policyAllowsInvoke, type AddPermissionInput, type InvokeCaller, type PolicyStatement } from "./function-policy.js";
import { LogStore, tailOf } from "./logs/log-store.js";
import { CodeStore, installedSdkDir, type StoredCode } from "./runtime/code-store.js";
import type { EnvironmentSpec } from "./runtime/execution-environment.js";
import { FunctionPool, type PoolStats } from "./runtime/function-pool.js";
import { NodeRuntimes } from "./runtime/node-runtimes.js";
import { othersCan, Sandbox } from "./runtime/sandbox.js";
import { SpareProcesses } from "./runtime/spare-processes.js";
import { lambdaEnvironment, type FunctionCredentials } from "./runtime/lambda-environment.js";
import type { LambdaErrorPayload } from "./runtime/worker-protocol.js";
import { idleTimeoutMs } from "./runtime/idle-timeout.js";
import type { InvocationInput } from "./runtime/execution-environment.js";
import type { PoolInvocationResult } from "./runtime/function-pool.js";
import type { SpanContext } from "../trace/span.js";
import type { Tracer } from "../trace/tracer.js";

export type InvocationType = "RequestResponse" | "Event" | "DryRun";

export interface InvokeOptions {
  invocationType?: InvocationType;
  /** "Tail" returns the last 4 KB of the invocation's log, base64, in logResult */
  logType?: "None" | "Tail";
  /** only $LATEST exists here (no published versions) */
  qualifier?: string;
  /** base64 JSON, as X-Amz-Client-Context carries it */
  clientContext?: string;
  /** the span that caused this invocation (an API request, a batch of SQS messages): the invocation's span is its child */
  trace?: SpanContext;
  /** other spans that caused it (the rest of an SQS batch) */
  traceLinks?: SpanContext[];
  /** the trace to join when no parent span is known (a caller's traceparent) */
  traceId?: string;
  /**
   * The payload is JSON the cloud itself just wrote with JSON.stringify (API
   * Gateway's proxy event, an event source mapping's batch): it is not parsed
   * again to be validated. Its size is still checked.
   */
  payloadIsJson?: boolean;
}

export interface InvokeResult {
  /** 200 RequestResponse (also on function error), 202 Event, 204 DryRun */
  statusCode: number;
  /** the handler's result or error payload as JSON text; "" for Event and DryRun */
  payload: string;
  /** "Unhandled" when the function failed: X-Amz-Function-Error */
  functionError?: "Unhandled";
  /** X-Amz-Log-Result */
  logResult?: string;
  executedVersion?: string;
  requestId: string;
}

export interface FunctionRegistryOptions {
  /** where code is unpacked; a fresh temp directory (removed on close) when not given */
  stateDir?: string;
  region?: string;
  accountId?: string;
  /** AWS_ENDPOINT_URL for handlers: the cloud's URL, read at each environment start (the port may be known late) */
  endpointUrl?: string | (() => string | undefined);
  /** who a function is to the IAM evaluator, and the credentials of its environments; random keys nobody knows when absent */
  identity?: FunctionIdentity;
  /** concurrent environments per function (default 10) */
  maxEnvironmentsPerFunction?: number;
  /** waiting invocations per function beyond which Invoke is throttled (default 1000) */
  maxQueuedPerFunction?: number;
  /** idle environments end after this long (default 5 minutes) */
  idleTimeoutMs?: number;
  /** waits between attempts of an Event invocation (default Lambda's 1 and 2 minutes) */
  eventRetryDelaysMs?: readonly number[];
  logs?: LogStore;
  /** an Event invocation failed for good: deliver to its DLQ / on-failure destination */
  onAsyncFailure?: (failure: AsyncFailure) => void;
  /** the `@aws-sdk` directory handlers may import from, as the Node.js runtime provides it; null for none */
  sdkDir?: string | null;
  /** keep an execution environment process started ahead of need per Node.js and memory size in use (default true) */
  spareWorkers?: boolean;
  /** folder of Node.js installs per major (node-22/, node-24/); default <MOVIES_HOME or ./.movies>/runtimes */
  runtimesDir?: string;
  /** records a span per invocation and binds the environment's credentials to it while it runs */
  tracer?: Tracer;
}

/**
 * The IAM side of a function (iam/principals.ts): its execution role, and
 * temporary credentials per execution environment, revoked when it ends.
 */
export interface FunctionIdentity {
  /** on create, role change and restore; throws when Lambda could not assume the role */
  assign(functionName: string, roleArn: string): void;
  /** the function is deleted: every session it holds is revoked */
  forget(functionName: string): void;
  issue(functionName: string): Required<FunctionCredentials>;
  end(accessKeyId: string): void;
}

/** Without IAM (a registry on its own): random keys nobody knows, never checked. */
const ANONYMOUS: FunctionIdentity = { assign: () => undefined, forget: () => undefined, issue: () => issueSessionCredentials(), end: () => undefined };

/** What the spec of every environment carries until the environment's own session replaces it: no usable key. */
const NO_CREDENTIALS: FunctionCredentials = { accessKeyId: "", secretAccessKey: "" };

interface FunctionRecord {
  config: FunctionConfiguration;
  code: StoredCode;
  pool: FunctionPool;
  revision: number;
  policy: PolicyStatement[];
  tags: Record<string, string>;
  eventInvoke: EventInvokeSettings;
  /** ReservedConcurrentExecutions, when set: the function's environments never exceed it */
  reservedConcurrency?: number;
}

export interface RegistrySnapshot {
  functions: Array<{
    config: FunctionConfiguration;
    codeSha256Hex: string;
    policy: PolicyStatement[];
    tags: Record<string, string>;
    eventInvoke: EventInvokeSettings;
    reservedConcurrency?: number;
  }>;
}

/** Lambda's payload limits: 6 MB synchronous (request and response), 1 MB asynchronous. */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
export const MAX_SYNC_RESPONSE_BYTES = 6_291_556;
export const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;

/**
 * The Lambda functions of the cloud: their configuration, code and resource
 * policy, and invocation through warm execution environments. The REST API,
 * event source mappings and API Gateway call this; it knows nothing of HTTP.
 */
export class FunctionRegistry {
  readonly logs: LogStore;
  readonly region: string;
  readonly accountId: string;
  private readonly functions = new Map<string, FunctionRecord>();
  private readonly byAccessKey = new Map<string, string>();
  private readonly code: CodeStore;
  private readonly ownsStateDir: boolean;
  private readonly stateDir: string;
  private readonly asyncInvoker: AsyncInvoker;
  private readonly reaper: NodeJS.Timeout;
  private readonly idleTimeoutMs: number;
  private readonly spares?: SpareProcesses;
  private readonly sandbox: Sandbox;
  private readonly nodes: NodeRuntimes;
  private readonly identity: FunctionIdentity;

  constructor(private readonly options: FunctionRegistryOptions = {}) {
    this.identity = options.identity ?? ANONYMOUS;
    this.region = options.region ?? "us-east-1";
    this.accountId = options.accountId ?? "000000000000";
    this.logs = options.logs ?? new LogStore();
    this.ownsStateDir = options.stateDir === undefined;
    this.stateDir = options.stateDir ?? mkdtempSync(path.join(tmpdir(), "lambda-"));
    const sdkDir = options.sdkDir === null ? undefined : (options.sdkDir ?? installedSdkDir());
    this.code = new CodeStore(path.join(this.stateDir, "lambda"), sdkDir);
    this.sandbox = new Sandbox(sdkDir);
    const sandbox = this.sandbox;
    // As another uid, an environment can only run a node binary that others may read and run.
    this.nodes = new NodeRuntimes({ cacheDir: options.runtimesDir, usable: sandbox.dropsPrivileges ? (p) => othersCan(p, 0o005) : undefined });
    this.asyncInvoker = new AsyncInvoker(options.eventRetryDelaysMs ?? AWS_RETRY_DELAYS_MS, (failure) => options.onAsyncFailure?.(failure));
    this.idleTimeoutMs = idleTimeoutMs(options.idleTimeoutMs);
    if (options.spareWorkers !== false) this.spares = new SpareProcesses(this.sandbox);
    this.reaper = setInterval(() => {
      const idleSince = Date.now() - this.idleTimeoutMs;
      for (const record of this.functions.values()) record.pool.reap(idleSince);
    }, Math.max(50, Math.min(30_000, this.idleTimeoutMs / 2)));
    this.reaper.unref();
  }

  create(input: CreateFunctionInput): FunctionConfiguration {
    const name = validateFunctionName(input.FunctionName);
    for (const field of ["Role", "Handler", "Runtime"] as const) {
      if (!input[field]) throw new AwsError("InvalidParameterValueException", `${field} is required to create function ${name}.`);
    }
    if (input.PackageType && input.PackageType !== "Zip") {
      throw new AwsError("InvalidParameterValueException", `PackageType ${input.PackageType} cannot run in the embedded cloud: only Zip packages run here.`);
    }
    validateSettings(input);
    if (this.functions.has(name)) {
      throw new AwsError("ResourceConflictException", `Function already exist: ${name}`, 409);
    }
    if (!input.Code?.ZipFile) {
      throw new AwsError("InvalidParameterValueException", "Code.ZipFile is required: the embedded cloud takes function code as a zip in the request (S3 locations are not read).");
    }
    const code = this.code.put(input.Code.ZipFile);
    const arn = functionArn(this.region, this.accountId, name);
    const config: FunctionConfiguration = {
      FunctionName: name,
      FunctionArn: arn,
      Runtime: input.Runtime,
      Role: input.Role,
      Handler: input.Handler,
      CodeSize: code.codeSize,
      Description: input.Description ?? "",
      Timeout: input.Timeout ?? DEFAULT_TIMEOUT_SECONDS,
      MemorySize: input.MemorySize ?? DEFAULT_MEMORY_MB,
      LastModified: lambdaTimestamp(),
      CodeSha256: code.codeSha256,
      Version: "$LATEST",
      Environment: input.Environment?.Variables ? { Variables: { ...input.Environment.Variables } } : undefined,
      DeadLetterConfig: input.DeadLetterConfig?.TargetArn ? { TargetArn: input.DeadLetterConfig.TargetArn } : undefined,
      TracingConfig: { Mode: input.TracingConfig?.Mode ?? "PassThrough" },
      RevisionId: randomUUID(),
      State: "Active",
      LastUpdateStatus: "Successful",
      PackageType: "Zip",
      Architectures: input.Architectures ?? ["x86_64"],
      EphemeralStorage: { Size: input.EphemeralStorage?.Size ?? 512 },
      LoggingConfig: { LogFormat: input.LoggingConfig?.LogFormat ?? "Text", LogGroup: input.LoggingConfig?.LogGroup ?? `/aws/lambda/${name}` },
    };
    return this.snapshotConfig(this.register(config, code, { policy: [], tags: { ...(input.Tags ?? {}) }, eventInvoke: { ...DEFAULT_EVENT_INVOKE_SETTINGS } }));
  }

  /** Functions with their code reference, policy and settings, for the state directory. */
  snapshot(): RegistrySnapshot {
    return {
      functions: [...this.functions.values()].map((r) => ({
        config: structuredClone(r.config),
        codeSha256Hex: r.code.sha256Hex,
        policy: structuredClone(r.policy),
        tags: { ...r.tags },
        eventInvoke: { ...r.eventInvoke },
        reservedConcurrency: r.reservedConcurrency,
      })),
    };
  }

  /** Brings back functions from snapshot(); their zips must still lie in the same state directory. */
  restore(state: unknown): void {
    const functions = (state as Partial<RegistrySnapshot> | undefined)?.functions;
    if (!Array.isArray(functions)) throw new Error("Lambda state is not a snapshot of the function registry (no functions list); remove the state file to start empty.");
    for (const saved of functions) {
      const code = this.code.get(saved.codeSha256Hex);
      if (!code) {
        throw new Error(`The code of function ${saved.config.FunctionName} (${saved.codeSha256Hex}.zip) is missing from the state directory; redeploy the stack to restore it.`);
      }
      if (this.functions.has(saved.config.FunctionName)) continue;
      this.register(structuredClone(saved.config), code, { policy: structuredClone(saved.policy), tags: { ...saved.tags }, eventInvoke: { ...saved.eventInvoke } });
      if (saved.reservedConcurrency !== undefined) this.putFunctionConcurrency(saved.config.FunctionName, saved.reservedConcurrency);
    }
  }

  private register(config: FunctionConfiguration, code: StoredCode, extras: Pick<FunctionRecord, "policy" | "tags" | "eventInvoke">): FunctionRecord {
    const name = config.FunctionName;
    this.identity.assign(name, config.Role);
    const record: FunctionRecord = {
      config,
      code,
      revision: 1,
      ...extras,
      pool: undefined as unknown as FunctionPool,
    };
    record.pool = new FunctionPool(this.specOf(record), {
      maxEnvironments: this.options.maxEnvironmentsPerFunction ?? 10,
      maxQueued: this.options.maxQueuedPerFunction ?? 1000,
      environmentExtras: () => this.endpointVariables(),
      host: { sandbox: this.sandbox, spares: this.spares },
      environmentSession: () => {
        const creds = this.issueSession(name);
        return {
          variables: { AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, AWS_SESSION_TOKEN: creds.sessionToken },
          end: () => this.endSession(creds.accessKeyId),
        };
      },
      sink: (line) =>
        this.logs.append({
          functionName: name,
          logGroupName: record.config.LoggingConfig.LogGroup,
          logStreamName: line.logStreamName,
          timestamp: line.timestamp,
          message: line.message,
          requestId: line.requestId,
        }),
    });
    this.functions.set(name, record);
    return record;
  }

  get(ref: string): FunctionConfiguration {
    return this.snapshotConfig(this.lookup(ref).record);
  }

  /** GetFunction's parts: configuration, where the zip lies, tags. */
  getFunction(ref: string): { configuration: FunctionConfiguration; zipPath: string; tags: Record<string, string> } {
    const { record } = this.lookup(ref);
    return { configuration: this.snapshotConfig(record), zipPath: this.code.zipPath(record.code.sha256Hex), tags: { ...record.tags } };
  }

  /** the function's own tag map, changed in place by TagResource / UntagResource */
  tagsOf(ref: string): Record<string, string> {
    return this.lookup(ref).record.tags;
  }

  has(ref: string): boolean {
    try {
      this.lookup(ref);
      return true;
    } catch {
      return false;
    }
  }

  list(): FunctionConfiguration[] {
    return [...this.functions.values()].map((r) => this.snapshotConfig(r)).sort((a, b) => a.FunctionName.localeCompare(b.FunctionName));
  }

  /** Checks and unpacks a zip without blocking the event loop; create/updateCode of the same zip then find it unpacked. */
  prepareCode(zip: Uint8Array): Promise<void> {
    return this.code.prepare(zip);
  }

  /** New code: later invocations start environments of the new code; the old ones drain. */
  updateCode(ref: string, zip: Uint8Array, expectedRevisionId?: string): FunctionConfiguration {
    const { record } = this.lookup(ref);
    this.checkRevision(record, expectedRevisionId);
    const code = this.code.put(zip);
    record.code = code;
    record.config.CodeSha256 = code.codeSha256;
    record.config.CodeSize = code.codeSize;
    this.bump(record);
    return this.snapshotConfig(record);
  }

  updateConfiguration(ref: string, patch: FunctionSettings, expectedRevisionId?: string): FunctionConfiguration {
    const { record } = this.lookup(ref);
    this.checkRevision(record, expectedRevisionId);
    validateSettings(patch);
    // A role Lambda cannot assume is refused before anything changes.
    if (patch.Role !== undefined && patch.Role !== record.config.Role) this.identity.assign(record.config.FunctionName, patch.Role);
    const c = record.config;
    if (patch.Role !== undefined) c.Role = patch.Role;
    if (patch.Handler !== undefined) c.Handler = patch.Handler;
    if (patch.Runtime !== undefined) c.Runtime = patch.Runtime;
    if (patch.Description !== undefined) c.Description = patch.Description;
    if (patch.Timeout !== undefined) c.Timeout = patch.Timeout;
    if (patch.MemorySize !== undefined) {
      c.MemorySize = patch.MemorySize;
    }
    if (patch.Environment !== undefined) {
      c.Environment = patch.Environment.Variables ? { Variables: { ...patch.Environment.Variables } } : undefined;
    }
    if (patch.DeadLetterConfig !== undefined) {
      c.DeadLetterConfig = patch.DeadLetterConfig.TargetArn ? { TargetArn: patch.DeadLetterConfig.TargetArn } : undefined;
    }
    if (patch.TracingConfig?.Mode) c.TracingConfig = { Mode: patch.TracingConfig.Mode };
    if (patch.EphemeralStorage?.Size) c.EphemeralStorage = { Size: patch.EphemeralStorage.Size };
    if (patch.LoggingConfig) {
      c.LoggingConfig = { LogFormat: patch.LoggingConfig.LogFormat ?? c.LoggingConfig.LogFormat, LogGroup: patch.LoggingConfig.LogGroup ?? c.LoggingConfig.LogGroup };
    }
    this.bump(record);
    return this.snapshotConfig(record);
  }

  async delete(ref: string): Promise<void> {
    const { record, qualifier } = this.lookup(ref);
    if (qualifier) throw new AwsError("InvalidParameterValueException", `Deleting version ${qualifier} is not possible: only $LATEST exists here; delete the function by name.`);
    this.functions.delete(record.config.FunctionName);
    this.identity.forget(record.config.FunctionName);
    for (const [key, fn] of this.byAccessKey) if (fn === record.config.FunctionName) this.byAccessKey.delete(key);
    await record.pool.close();
  }

  /** Which function's credentials these are: how the IAM evaluator finds the role of a caller. */
  functionForAccessKey(accessKeyId: string): FunctionConfiguration | undefined {
    const name = this.byAccessKey.get(accessKeyId);
    const record = name ? this.functions.get(name) : undefined;
    return record ? this.snapshotConfig(record) : undefined;
  }

  /**
   * A session of the function's role, as each of its execution environments
   * gets one: for diagnostics and tests that act as the function. It lasts
   * until the function is deleted.
   */
  credentialsOf(ref: string): Required<FunctionCredentials> {
    return this.issueSession(this.lookup(ref).record.config.FunctionName);
  }

  private issueSession(name: string): Required<FunctionCredentials> {
    const creds = this.identity.issue(name);
    this.byAccessKey.set(creds.accessKeyId, name);
    return creds;
  }

  private endSession(accessKeyId: string): void {
    this.byAccessKey.delete(accessKeyId);
    this.identity.end(accessKeyId);
  }

  async invoke(ref: string, payload: string | Uint8Array | undefined, options: InvokeOptions = {}): Promise<InvokeResult> {
    const invocationType = options.invocationType ?? "RequestResponse";
    if (!["RequestResponse", "Event", "DryRun"].includes(invocationType)) {
      throw new AwsError("InvalidParameterValueException", `InvocationType must be RequestResponse, Event or DryRun, not ${invocationType}.`);
    }
    const { record, qualifier } = this.lookup(options.qualifier ? `${parseFunctionReference(ref).name}:${options.qualifier}` : ref);
    const text = payload === undefined ? "" : typeof payload === "string" ? payload : Buffer.from(payload).toString("utf8");
    const trusted = options.payloadIsJson === true && typeof payload === "string";
    const event = !trusted && text.trim() === "" ? "{}" : text;
    const size = Buffer.byteLength(event);
    if (invocationType === "Event" && size > MAX_ASYNC_PAYLOAD_BYTES) {
      throw new AwsError("RequestTooLargeException", `Request must be smaller than ${MAX_ASYNC_PAYLOAD_BYTES} bytes for the InvokeAsync operation`, 413);
    }
    if (size > MAX_SYNC_PAYLOAD_BYTES) {
      throw new AwsError("RequestTooLargeException", `Request must be smaller than ${MAX_SYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`, 413);
    }
    if (!trusted) {
      try {
        JSON.parse(event);
      } catch (err) {
        throw new AwsError("InvalidRequestContentException", `Could not parse request body into json: ${(err as Error).message}`);
      }
    }
    let clientContext: unknown;
    if (options.clientContext) {
      try {
        clientContext = JSON.parse(Buffer.from(options.clientContext, "base64").toString("utf8"));
      } catch {
        throw new AwsError("InvalidRequestContentException", "Client context must be base64-encoded JSON.");
      }
    }
    const requestId = randomUUID();
    const name = record.config.FunctionName;
    const invokedFunctionArn = functionArn(this.region, this.accountId, name, qualifier);
    if (invocationType === "DryRun") return { statusCode: 204, payload: "", requestId };
    if (invocationType === "Event") {
      let attempts = 0;
      this.asyncInvoker.enqueue(name, requestId, event, {
        run: async (id, body) => {
          const current = this.functions.get(name);
          if (!current) throw new AwsError("ResourceNotFoundException", `Function not found: ${invokedFunctionArn}`, 404);
          const result = await this.runTraced(current, { requestId: id, payload: body, invokedFunctionArn, clientContext }, options, "Event", ++attempts);
          return { error: result.error };
        },
        settings: () => {
          const current = this.functions.get(name);
          if (!current) return undefined;
          return { ...current.eventInvoke, functionArn: current.config.FunctionArn, deadLetterTargetArn: current.config.DeadLetterConfig?.TargetArn };
        },
      });
      return { statusCode: 202, payload: "", requestId };
    }
    const result = await this.runTraced(record, { requestId, payload: event, invokedFunctionArn, clientContext }, options, "RequestResponse", 1);
    let responsePayload: string;
    let error: LambdaErrorPayload | undefined = result.error;
    if (error) {
      responsePayload = JSON.stringify(error);
    } else {
      responsePayload = result.payload ?? "null";
      if (Buffer.byteLength(responsePayload) > MAX_SYNC_RESPONSE_BYTES) {
        error = {
          errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_SYNC_RESPONSE_BYTES} bytes).`,
          errorType: "Function.ResponseSizeTooLarge",
        };
        responsePayload = JSON.stringify(error);
      }
    }
    return {
      statusCode: 200,
      payload: responsePayload,
      functionError: error ? "Unhandled" : undefined,
      logResult: options.logType === "Tail" ? tailOf(result.logLines) : undefined,
      executedVersion: "$LATEST",
      requestId,
    };
  }

  /**
   * Runs an invocation in the function's pool; with a tracer, as a span
   * (cold or warm, init and run time, error) that the calls made with the
   * environment's credentials join while it runs.
   */
  private async runTraced(record: FunctionRecord, input: InvocationInput, cause: Pick<InvokeOptions, "trace" | "traceLinks" | "traceId">, invocationType: InvocationType, attempt: number): Promise<PoolInvocationResult> {
    const tracer = this.options.tracer;
    if (!tracer) return record.pool.invoke(input);
    const name = record.config.FunctionName;
    const span = tracer.begin({
      parent: cause.trace,
      traceId: cause.traceId,
      links: cause.traceLinks,
      name,
      service: "lambda",
      operation: "Invoke",
      kind: "server",
      attributes: { "movies.function": name, "faas.name": name, "faas.invocation_id": input.requestId, "faas.invoke_type": invocationType, "cloud.resource_id": record.config.FunctionArn },
    });
    if (attempt > 1) {
      span.name = `${name} (retry ${attempt - 1})`;
      span.attributes["movies.attempt"] = attempt;
    }
    let key: string | undefined;
    try {
      const result = await record.pool.invoke(input, (accessKeyId, cold) => {
        span.attributes["faas.coldstart"] = cold;
        key = accessKeyId;
        if (key) tracer.bind(key, span);
      });
      if (result.initDurationMs !== undefined) span.attributes["movies.init_ms"] = round3(result.initDurationMs);
      span.attributes["movies.run_ms"] = round3(result.durationMs);
      if (result.error) {
        span.attributes["movies.error_type"] = result.error.errorType ?? "Error";
        span.attributes["movies.error_message"] = String(result.error.errorMessage ?? "").slice(0, 300);
      }
      tracer.end(span, result.error ? "error" : "ok");
      return result;
    } catch (err) {
      span.attributes["aws.error.code"] = err instanceof AwsError ? err.code : "ServiceException";
      tracer.end(span, "error");
      throw err;
    } finally {
      if (key) tracer.unbind(key, span);
    }
  }

  /** Starts one environment of the function ahead of need (provisioned-concurrency style); resolves when it is ready. */
  prewarm(ref: string, initializationType?: "provisioned-concurrency" | "on-demand"): Promise<void> {
    return this.lookup(ref).record.pool.prewarm(initializationType);
  }

  /** Epoch ms at which the first invocation of the function's current code was answered. */
  firstAnswer(ref: string): Promise<number> {
    return this.lookup(ref).record.pool.firstAnswer();
  }

  /** Resolves once no Event invocation is waiting or running (tests, shutdown). */
  asyncIdle(): Promise<void> {
    return this.asyncInvoker.idle();
  }

  putEventInvokeConfig(ref: string, settings: Partial<EventInvokeSettings>): EventInvokeSettings {
    const { record } = this.lookup(ref);
    const next = { ...record.eventInvoke, ...settings };
    if (!Number.isInteger(next.maximumRetryAttempts) || next.maximumRetryAttempts < 0 || next.maximumRetryAttempts > 2) {
      throw new AwsError("ValidationException", `1 validation error detected: Value '${next.maximumRetryAttempts}' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value between 0 and 2`);
    }
    if (!Number.isInteger(next.maximumEventAgeInSeconds) || next.maximumEventAgeInSeconds < 60 || next.maximumEventAgeInSeconds > 21_600) {
      throw new AwsError("ValidationException", `1 validation error detected: Value '${next.maximumEventAgeInSeconds}' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value between 60 and 21600`);
    }
    record.eventInvoke = next;
    return { ...next };
  }

  /** PutFunctionConcurrency; undefined removes the reservation (DeleteFunctionConcurrency). 0 throttles every call. */
  putFunctionConcurrency(ref: string, reserved: number | undefined): number | undefined {
    const { record } = this.lookup(ref);
    if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 0)) {
      throw new AwsError("ValidationException", `1 validation error detected: Value '${reserved}' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0`);
    }
    record.reservedConcurrency = reserved;
    const limit = this.options.maxEnvironmentsPerFunction ?? 10;
    record.pool.setMaxEnvironments(reserved === undefined ? limit : Math.min(reserved, limit));
    return reserved;
  }

  functionConcurrency(ref: string): number | undefined {
    return this.lookup(ref).record.reservedConcurrency;
  }

  addPermission(ref: string, input: AddPermissionInput): PolicyStatement {
    const { record } = this.lookup(ref);
    if (record.policy.some((s) => s.Sid === input.StatementId)) {
      throw new AwsError(
        "ResourceConflictException",
        `The statement id (${input.StatementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
        409,
      );
    }
    const statement = permissionStatement(input, record.config.FunctionArn);
    record.policy.push(statement);
    return statement;
  }

  removePermission(ref: string, statementId: string): void {
    const { record } = this.lookup(ref);
    const index = record.policy.findIndex((s) => s.Sid === statementId);
    if (index < 0) throw new AwsError("ResourceNotFoundException", `Statement ${statementId} is not found in resource policy.`, 404);
    record.policy.splice(index, 1);
  }

  /** GetPolicy's document, or undefined when the function has no statements. */
  policy(ref: string): { Version: "2012-10-17"; Id: "default"; Statement: PolicyStatement[] } | undefined {
    const { record } = this.lookup(ref);
    if (record.policy.length === 0) return undefined;
    return { Version: "2012-10-17", Id: "default", Statement: record.policy.map((s) => structuredClone(s)) };
  }

  /** Whether a service (API Gateway, SNS...) may invoke the function under its resource policy. */
  allowsInvoke(ref: string, caller: InvokeCaller): boolean {
    return policyAllowsInvoke(this.lookup(ref).record.policy, caller);
  }

  stats(ref: string): PoolStats {
    return this.lookup(ref).record.pool.stats();
  }

  async close(): Promise<void> {
    clearInterval(this.reaper);
    this.asyncInvoker.close();
    await Promise.all([...this.functions.values()].map((r) => r.pool.close()));
    await this.spares?.close();
    this.sandbox.close();
    this.functions.clear();
    if (this.ownsStateDir) rmSync(this.stateDir, { recursive: true, force: true });
  }

  private lookup(ref: string): { record: FunctionRecord; qualifier?: string } {
    const { name, qualifier } = parseFunctionReference(ref);
    const record = this.functions.get(name);
    const arn = functionArn(this.region, this.accountId, name, qualifier);
    if (!record) throw new AwsError("ResourceNotFoundException", `Function not found: ${arn}`, 404);
    if (qualifier !== undefined && qualifier !== "$LATEST") {
      throw new AwsError("ResourceNotFoundException", `Function not found: ${arn} (only $LATEST exists: versions are not published in the embedded cloud)`, 404);
    }
    return { record, qualifier };
  }

  private checkRevision(record: FunctionRecord, expected: string | undefined): void {
    if (expected !== undefined && expected !== record.config.RevisionId) {
      throw new AwsError("PreconditionFailedException", "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id", 412);
    }
  }

  private bump(record: FunctionRecord): void {
    record.revision++;
    record.config.LastModified = lambdaTimestamp();
    record.config.RevisionId = randomUUID();
    record.pool.setSpec(this.specOf(record));
  }

  /** The cloud's address wins over a value in the function's variables: the handler must reach the cloud that runs it. */
  private endpointVariables(): Record<string, string> {
    const url = typeof this.options.endpointUrl === "function" ? this.options.endpointUrl() : this.options.endpointUrl;
    return url ? { AWS_ENDPOINT_URL: url } : {};
  }

  private specOf(record: FunctionRecord): EnvironmentSpec {
    const c = record.config;
    const taskRoot = this.sandbox.stageCode(record.code.dir, record.code.sha256Hex);
    const node = this.nodes.forRuntime(c.Runtime);
    this.spares?.ensure(node, c.MemorySize);
    return {
      runtime: c.Runtime,
      node,
      revision: record.revision,
      functionName: c.FunctionName,
      functionVersion: "$LATEST",
      handler: c.Handler,
      taskRoot,
      memorySizeMb: c.MemorySize,
      timeoutSeconds: c.Timeout,
      logGroupName: c.LoggingConfig.LogGroup,
      env: lambdaEnvironment({
        functionName: c.FunctionName,
        functionVersion: "$LATEST",
        memorySizeMb: c.MemorySize,
        handler: c.Handler,
        runtime: c.Runtime,
        region: this.region,
        logGroupName: c.LoggingConfig.LogGroup,
        taskRoot,
        runtimeDir: this.sandbox.runtimeDir,
        variables: c.Environment?.Variables ?? {},
        credentials: NO_CREDENTIALS,
      }),
    };
  }

  private snapshotConfig(record: FunctionRecord): FunctionConfiguration {
    return structuredClone(record.config);
  }
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
