// @ts-check
/**
 * Entry point of one execution environment (a worker thread). It plays the
 * part of the Node.js runtime interface client on AWS: loads the handler from
 * LAMBDA_TASK_ROOT, patches console into Lambda's log format, runs one
 * invocation at a time and reports results, crashes and logs to the parent
 * over the worker port. Kept as plain JavaScript because worker threads load
 * it directly, without the TypeScript loader of the parent.
 */
import { parentPort, workerData } from "node:worker_threads";
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";

if (!parentPort) throw new Error("bootstrap.mjs runs only as a worker thread");
const port = parentPort;

/** @typedef {{ handler: string, taskRoot: string, functionName: string, functionVersion: string, memoryLimitInMB: string, logGroupName: string, logStreamName: string }} Meta */

/**
 * A spare worker boots before any function needs it and learns which
 * function it runs from an "assign" message; otherwise workerData says it.
 * @type {Meta}
 */
let meta = workerData?.spare ? /** @type {any} */ (undefined) : workerData;

/** @type {string | undefined} request id that log lines are attributed to */
let currentRequestId;

/**
 * @param {"stdout" | "stderr"} stream
 * @param {string} text
 * @param {boolean} whole a console call: one log event even when it spans lines
 */
function postLog(stream, text, whole) {
  port.postMessage({ type: "log", stream, text, whole, requestId: currentRequestId, timestamp: Date.now() });
}

// Lambda's Node.js runtime writes each console call as one event:
// "<ISO time>\t<request id>\t<LEVEL>\t<message>". During init the id is "undefined".
/** @type {Array<[keyof Console, string]>} */
const levels = [
  ["log", "INFO"],
  ["info", "INFO"],
  ["warn", "WARN"],
  ["error", "ERROR"],
  ["debug", "DEBUG"],
  ["trace", "TRACE"],
];
for (const [method, level] of levels) {
  /** @param {unknown[]} args */
  const patched = (...args) => {
    const stream = level === "ERROR" || level === "WARN" ? "stderr" : "stdout";
    postLog(stream, `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${format(...args)}\n`, true);
  };
  Object.defineProperty(console, method, { value: patched, configurable: true, writable: true });
}

// Raw writes (process.stdout.write, console.table, libraries writing directly)
// are captured as they are, as on Lambda.
for (const stream of /** @type {const} */ (["stdout", "stderr"])) {
  const target = process[stream];
  /** @type {any} */ (target).write = (/** @type {unknown} */ chunk, /** @type {unknown} */ encoding, /** @type {unknown} */ cb) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(/** @type {Uint8Array} */ (chunk)).toString("utf8");
    postLog(stream, text, false);
    const done = typeof encoding === "function" ? encoding : cb;
    if (typeof done === "function") queueMicrotask(() => done());
    return true;
  };
}

/**
 * The error shape Lambda returns: errorType, errorMessage, trace (stack lines).
 * @param {unknown} err
 */
function toErrorPayload(err) {
  if (err instanceof Error || (err && typeof err === "object" && "message" in err)) {
    const e = /** @type {Error} */ (err);
    const payload = {
      errorType: e.name || "Error",
      errorMessage: String(e.message ?? ""),
      trace: typeof e.stack === "string" ? e.stack.split("\n") : [],
    };
    // Own enumerable fields (e.g. a code) travel with the error as on Lambda.
    for (const key of Object.keys(e)) {
      if (!(key in payload)) {
        try {
          JSON.stringify(/** @type {any} */ (e)[key]);
          /** @type {any} */ (payload)[key] = /** @type {any} */ (e)[key];
        } catch {
          // not serialisable: left out
        }
      }
    }
    return payload;
  }
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

class RuntimeError extends Error {
  /** @param {string} type @param {string} message */
  constructor(type, message) {
    super(message);
    this.name = type;
  }
}

/** Mirrors the runtime's search: <root>/<dir>/<module>.js, .mjs, .cjs; then the export path. */
async function loadHandler() {
  const full = meta.handler;
  const handlerString = path.basename(full);
  const moduleRoot = full.substring(0, full.length - handlerString.length);
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!match) throw new RuntimeError("Runtime.MalformedHandlerName", `Bad handler ${full}`);
  const [, moduleName, exportPath] = match;
  const base = path.resolve(meta.taskRoot, moduleRoot, moduleName);
  const file = [".js", ".mjs", ".cjs"].map((ext) => base + ext).find((candidate) => existsSync(candidate));
  if (!file) {
    throw new RuntimeError(
      "Runtime.ImportModuleError",
      `Error: Cannot find module '${moduleName}'\nRequire stack:\n- ${path.join(meta.taskRoot, moduleRoot)} (looked for ${moduleName}.js, ${moduleName}.mjs, ${moduleName}.cjs)`,
    );
  }
  /** @type {any} */
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    if (err instanceof SyntaxError) throw new RuntimeError("Runtime.UserCodeSyntaxError", `SyntaxError: ${err.message}`);
    const code = /** @type {any} */ (err)?.code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new RuntimeError("Runtime.ImportModuleError", `Error: ${/** @type {Error} */ (err).message}`);
    }
    throw err;
  }
  const keys = exportPath.split(".");
  /** @param {any} root */
  const resolve = (root) => keys.reduce((node, key) => (node == null ? undefined : node[key]), root);
  const fn = resolve(mod) ?? resolve(mod.default);
  if (typeof fn !== "function") {
    throw new RuntimeError("Runtime.HandlerNotFound", `${full} is undefined or not exported`);
  }
  return fn;
}

/** @type {Function | undefined} */
let handler;
/** @type {((err: unknown, result: unknown) => void) | undefined} called when the event loop drains */
let onEmptyLoop;

// While an invocation runs the port is unref'd, so an empty event loop fires
// beforeExit: that is when callback-style handlers answer, and when a handler
// that never answers returns null, as the Lambda runtime does.
process.on("beforeExit", () => {
  const waiting = onEmptyLoop;
  if (waiting) waiting(null, null);
});

process.on("uncaughtException", (err) => {
  const payload = toErrorPayload(err);
  console.error("Uncaught Exception", JSON.stringify(payload));
  port.postMessage({ type: "crash", requestId: currentRequestId, error: payload, exitCode: 129 });
  process.exit(129);
});

process.on("unhandledRejection", (reason) => {
  const payload = {
    errorType: "Runtime.UnhandledPromiseRejection",
    errorMessage: `${reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)}`,
    trace: reason instanceof Error && reason.stack ? reason.stack.split("\n") : [],
  };
  console.error("Unhandled Promise Rejection", JSON.stringify(payload));
  port.postMessage({ type: "crash", requestId: currentRequestId, error: payload, exitCode: 128 });
  process.exit(128);
});

function memoryUsedMb() {
  const usage = process.memoryUsage();
  return Math.ceil((usage.heapTotal + usage.external) / (1024 * 1024));
}

/**
 * @param {{ requestId: string, payload: string, deadlineMs: number, invokedFunctionArn: string, clientContext?: unknown, identity?: unknown }} msg
 */
function invoke(msg) {
  currentRequestId = msg.requestId;
  let finished = false;
  port.unref();

  /** @param {unknown} err @param {unknown} result */
  const finish = (err, result) => {
    if (finished) return;
    finished = true;
    onEmptyLoop = undefined;
    port.ref();
    if (err !== null && err !== undefined) {
      const error = toErrorPayload(err);
      console.error("Invoke Error", JSON.stringify(error));
      port.postMessage({ type: "result", requestId: msg.requestId, error, memoryUsedMb: memoryUsedMb() });
      return;
    }
    let body;
    try {
      body = JSON.stringify(result === undefined ? null : result);
    } catch (stringifyError) {
      const error = toErrorPayload(new RuntimeError("Runtime.JSONStringifyError", "Unable to stringify response body"));
      console.error("Invoke Error", JSON.stringify(error), String(stringifyError));
      port.postMessage({ type: "result", requestId: msg.requestId, error, memoryUsedMb: memoryUsedMb() });
      return;
    }
    port.postMessage({ type: "result", requestId: msg.requestId, payload: body, memoryUsedMb: memoryUsedMb() });
  };

  const context = {
    awsRequestId: msg.requestId,
    functionName: meta.functionName,
    functionVersion: meta.functionVersion,
    invokedFunctionArn: msg.invokedFunctionArn,
    memoryLimitInMB: meta.memoryLimitInMB,
    logGroupName: meta.logGroupName,
    logStreamName: meta.logStreamName,
    clientContext: msg.clientContext,
    identity: msg.identity,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, msg.deadlineMs - Date.now()),
    // Legacy completions answer at once, without waiting for the event loop.
    done: (/** @type {unknown} */ err, /** @type {unknown} */ result) => finish(err, result),
    succeed: (/** @type {unknown} */ result) => finish(null, result),
    fail: (/** @type {unknown} */ err) => finish(err ?? new Error("handled"), undefined),
  };

  /** @param {unknown} err @param {unknown} result */
  const callback = (err, result) => {
    if (!context.callbackWaitsForEmptyEventLoop) finish(err, result);
    else onEmptyLoop = () => finish(err, result);
  };
  onEmptyLoop = (/** @type {unknown} */ err, /** @type {unknown} */ result) => finish(err, result);

  let event;
  try {
    event = JSON.parse(msg.payload);
  } catch {
    finish(new RuntimeError("Runtime.InvalidEvent", "Could not parse the event payload as JSON"), undefined);
    return;
  }
  try {
    const returned = /** @type {Function} */ (handler)(event, context, callback);
    if (returned && typeof returned.then === "function") {
      returned.then(
        (/** @type {unknown} */ value) => finish(null, value),
        (/** @type {unknown} */ err) => finish(err ?? new Error("Promise rejected without a reason"), undefined),
      );
    }
  } catch (err) {
    finish(err, undefined);
  }
}

async function init() {
  try {
    handler = await loadHandler();
    port.postMessage({ type: "ready", memoryUsedMb: memoryUsedMb() });
  } catch (err) {
    const error = toErrorPayload(err);
    console.error("Init Error", JSON.stringify(error));
    port.postMessage({ type: "init-error", error });
  }
}

/**
 * Gives a spare worker its function's process.env. TZ is left as the spare
 * was built with (":UTC"): assigning TZ resets the time zone of the whole
 * process, not just this thread.
 * @param {Record<string, string>} env
 */
function replaceEnvironment(env) {
  for (const key of Object.keys(process.env)) if (key !== "TZ") delete process.env[key];
  for (const [key, value] of Object.entries(env)) if (key !== "TZ") process.env[key] = value;
}

port.on("message", (msg) => {
  if (msg && msg.type === "invoke") invoke(msg);
  else if (msg && msg.type === "assign" && !meta) {
    meta = msg.data;
    replaceEnvironment(msg.env);
    void init();
  }
});

if (meta) await init();
