import { createRequire } from "node:module";
import { isDeepStrictEqual } from "node:util";

/**
 * Checks an OTLP/JSON trace export against the OpenTelemetry protobuf
 * definitions (opentelemetry-proto, as compiled into
 * @opentelemetry/otlp-transformer): ids are hex of the right length, times
 * and 64-bit integers decimal strings, and the document must survive
 * protobuf encode -> decode unchanged, so a misspelt field, a value of the
 * wrong type or an enum given by name is reported, not silently dropped.
 * Returns the problems found; an empty list means the document is valid.
 */
const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const root = require("@opentelemetry/otlp-transformer/build/src/generated/root.js");
const Request = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Long = require("protobufjs/minimal").util.Long;

const ID_FIELDS: Record<string, number> = { traceId: 32, spanId: 16, parentSpanId: 16 };
const LONG_FIELDS = new Set(["startTimeUnixNano", "endTimeUnixNano", "timeUnixNano", "intValue"]);

/** OTLP/JSON -> the protobuf JSON protobufjs takes (bytes as Buffers, int64 as Long). */
function toProto(v: unknown, path: string, problems: string[]): unknown {
  if (Array.isArray(v)) return v.map((x, i) => toProto(x, `${path}[${i}]`, problems));
  if (!v || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const here = `${path}.${k}`;
    if (k in ID_FIELDS && typeof x === "string") {
      if (x === "" && k === "parentSpanId") continue;
      if (!new RegExp(`^[0-9a-f]{${ID_FIELDS[k]}}$`).test(x)) problems.push(`${here}: ${JSON.stringify(x)} is not ${ID_FIELDS[k]} lowercase hex digits`);
      out[k] = Buffer.from(x, "hex");
    } else if (LONG_FIELDS.has(k)) {
      if (typeof x === "string" && /^-?\d+$/.test(x)) out[k] = Long.fromString(x, k !== "intValue");
      else if (typeof x === "number" && Number.isSafeInteger(x)) out[k] = Long.fromNumber(x, k !== "intValue");
      else {
        problems.push(`${here}: ${JSON.stringify(x)} is not a 64-bit integer (a decimal string)`);
        out[k] = x;
      }
    } else out[k] = toProto(x, here, problems);
  }
  return out;
}

/** Back from protobufjs's toObject (bytes base64, longs strings) to OTLP/JSON. */
function fromProto(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromProto);
  if (!v || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = k in ID_FIELDS && typeof x === "string" ? Buffer.from(x, "base64").toString("hex") : fromProto(x);
  return out;
}

/** Proto3 leaves out default values and empty lists; the comparison does too. */
function withoutDefaults(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutDefaults);
  if (!v || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (Array.isArray(x) && x.length === 0) continue;
    if ((x === 0 || x === "" || x === "0") && !["stringValue", "intValue", "doubleValue", "boolValue"].includes(k)) continue;
    if (x === false && k !== "boolValue") continue;
    out[k] = withoutDefaults(x);
  }
  return out;
}

export function otlpProblems(doc: unknown): string[] {
  const problems: string[] = [];
  if (!doc || typeof doc !== "object" || !Array.isArray((doc as { resourceSpans?: unknown }).resourceSpans)) return ["the document has no resourceSpans list"];
  const proto = toProto(doc, "$", problems);
  const invalid = Request.verify(proto);
  if (invalid) problems.push(`protobuf: ${invalid}`);
  if (problems.length > 0) return problems;
  const bytes = Request.encode(Request.fromObject(proto)).finish();
  const back = fromProto(Request.toObject(Request.decode(bytes), { longs: String, enums: Number, bytes: String, defaults: false, oneofs: false }));
  const want = withoutDefaults(JSON.parse(JSON.stringify(doc)));
  if (!isDeepStrictEqual(withoutDefaults(back), want)) {
    problems.push(`the document does not survive a protobuf round trip (unknown or mistyped fields): got back ${JSON.stringify(back).slice(0, 2000)}`);
  }
  return problems;
}
