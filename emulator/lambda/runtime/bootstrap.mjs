// @ts-check
/**
 * Entry point of one execution environment: a child process of the cloud,
 * spawned with nothing but this file, a heap limit and a bare environment.
 * It plays the part of the Node.js runtime interface client on AWS: learns
 * its function from an "assign" message, loads the handler from
 * LAMBDA_TASK_ROOT, patches console into Lambda's log format, runs one
 * invocation at a time and reports results, crashes and logs to the parent
 * over the IPC channel. Plain JavaScript: any Node.js (20, 22, 24) runs it
 * as it is, without the parent's TypeScript loader.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";

if (typeof process.send !== "function" || !process.channel) throw new Error("bootstrap.mjs runs only as a child process with an IPC channel");
const channel = process.channel;

/**
 * @param {unknown} message
 * @param {() => void} [then]
 */
function send(message, then) {
  if (!process.connected) return;
  /** @type {any} */ (process).send(message, undefined, undefined, then);
}

// The cloud went away (ended, or killed with -9): nothing is left to answer to.
process.on("disconnect", () => process.exit(0));

/** @typedef {{ handler: string, taskRoot: string, functionName: string, functionVersion: string, memoryLimitInMB: string, logGroupName: string, logStreamName: string }} Meta */

/**
 * Set by the "assign" message: every environment, spare or not, learns its function that way.
 * @type {Meta}
 */
let meta = /** @type {any} */ (undefined);

/** @type {string | undefined} request id that log lines are attributed to */
let currentRequestId;

/**
 * @param {"stdout" | "stderr"} stream
 * @param {string} text
 * @param {boolean} whole a console call: one log event even when it spans lines
 */
function postLog(stream, text, whole) {
  send({ type: "log", stream, text, whole, requestId: currentRequestId, timestamp: Date.now() });
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

// While an invocation runs the IPC channel is unref'd, so an empty event loop fires
// beforeExit: that is when callback-style handlers answer, and when a handler
// that never answers returns null, as the Lambda runtime does.
process.on("beforeExit", () => {
  const waiting = onEmptyLoop;
  if (waiting) waiting(null, null);
});

process.on("uncaughtException", (err) => {
  const payload = toErrorPayload(err);
  console.error("Uncaught Exception", JSON.stringify(payload));
  send({ type: "crash", requestId: currentRequestId, error: payload, exitCode: 129 }, () => process.exit(129));
});

process.on("unhandledRejection", (reason) => {
  const payload = {
    errorType: "Runtime.UnhandledPromiseRejection",
    errorMessage: `${reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)}`,
    trace: reason instanceof Error && reason.stack ? reason.stack.split("\n") : [],
  };
  console.error("Unhandled Promise Rejection", JSON.stringify(payload));
  send({ type: "crash", requestId: currentRequestId, error: payload, exitCode: 128 }, () => process.exit(128));
});

/** Lambda's Max Memory Used is the resident size of the environment. */
function memoryUsedMb() {
  return Math.ceil(process.memoryUsage.rss() / (1024 * 1024));
}

/**
 * @param {{ requestId: string, payload: string, deadlineMs: number, invokedFunctionArn: string, clientContext?: unknown, identity?: unknown }} msg
 */
function invoke(msg) {
  currentRequestId = msg.requestId;
  let finished = false;
  channel.unref();

  /** @param {unknown} err @param {unknown} result */
  const finish = (err, result) => {
    if (finished) return;
    finished = true;
    onEmptyLoop = undefined;
    channel.ref();
    if (err !== null && err !== undefined) {
      const error = toErrorPayload(err);
      console.error("Invoke Error", JSON.stringify(error));
      send({ type: "result", requestId: msg.requestId, error, memoryUsedMb: memoryUsedMb() });
      return;
    }
    let body;
    try {
      body = JSON.stringify(result === undefined ? null : result);
    } catch (stringifyError) {
      const error = toErrorPayload(new RuntimeError("Runtime.JSONStringifyError", "Unable to stringify response body"));
      console.error("Invoke Error", JSON.stringify(error), String(stringifyError));
      send({ type: "result", requestId: msg.requestId, error, memoryUsedMb: memoryUsedMb() });
      return;
    }
    send({ type: "result", requestId: msg.requestId, payload: body, memoryUsedMb: memoryUsedMb() });
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
    send({ type: "ready", memoryUsedMb: memoryUsedMb() });
  } catch (err) {
    const error = toErrorPayload(err);
    console.error("Init Error", JSON.stringify(error));
    send({ type: "init-error", error });
  }
}

/**
 * Gives the process its function's process.env, replacing the bare one it
 * was spawned with (a spare is spawned before its function is known).
 * @param {Record<string, string>} env
 */
function replaceEnvironment(env) {
  for (const key of Object.keys(process.env)) delete process.env[key];
  for (const [key, value] of Object.entries(env)) process.env[key] = value;
}

/**
 * An allocation larger than the function's whole memory is refused the way
 * a kernel refuses it inside a sandbox of that size: V8's RangeError. Smaller
 * allocations that add up are the parent's business: it watches the
 * process's resident size and ends it past the limit (Runtime.OutOfMemory).
 * @param {number} limitBytes
 */
function guardBufferAllocations(limitBytes) {
  for (const name of /** @type {const} */ (["alloc", "allocUnsafe", "allocUnsafeSlow"])) {
    const original = Buffer[name];
    /** @type {any} */ (Buffer)[name] = function (/** @type {number} */ size, /** @type {any[]} */ ...rest) {
      if (typeof size === "number" && size > limitBytes) throw new RangeError("Array buffer allocation failed");
      return /** @type {any} */ (original).call(Buffer, size, ...rest);
    };
  }
}

// Lambda's init phase (and its 10 s limit) begins once the sandbox is up: tell the cloud.
send({ type: "booted" });

process.on("message", (/** @type {any} */ msg) => {
  if (msg && msg.type === "invoke") invoke(msg);
  else if (msg && msg.type === "assign" && !meta) {
    meta = msg.data;
    replaceEnvironment(msg.env);
    guardBufferAllocations(Number(meta.memoryLimitInMB) * 1024 * 1024);
    // Lambda starts the function in its task root (/var/task).
    process.chdir(meta.taskRoot);
    void init();
  }
});
