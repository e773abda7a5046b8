import { AwsError } from "../core/aws-error.js";
import { RESERVED_ENVIRONMENT_KEYS } from "./runtime/lambda-environment.js";

/**
 * The Lambda API's own shapes (PascalCase as on the wire), so the REST API,
 * the stack loader and Terraform-facing code pass them through unchanged.
 */
export interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Runtime: string;
  Role: string;
  Handler: string;
  CodeSize: number;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  CodeSha256: string;
  Version: string;
  Environment?: { Variables: Record<string, string> };
  DeadLetterConfig?: { TargetArn: string };
  TracingConfig: { Mode: "PassThrough" | "Active" };
  RevisionId: string;
  State: "Pending" | "Active" | "Inactive" | "Failed";
  LastUpdateStatus: "Successful" | "Failed" | "InProgress";
  PackageType: "Zip";
  Architectures: string[];
  EphemeralStorage: { Size: number };
  LoggingConfig: { LogFormat: "Text" | "JSON"; LogGroup: string };
}

/** Settings that CreateFunction and UpdateFunctionConfiguration share. */
export interface FunctionSettings {
  Role?: string;
  Handler?: string;
  Runtime?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Environment?: { Variables?: Record<string, string> };
  DeadLetterConfig?: { TargetArn?: string };
  TracingConfig?: { Mode?: "PassThrough" | "Active" };
  Architectures?: string[];
  EphemeralStorage?: { Size?: number };
  LoggingConfig?: { LogFormat?: "Text" | "JSON"; LogGroup?: string };
}

export interface CreateFunctionInput extends FunctionSettings {
  FunctionName: string;
  Role: string;
  Handler: string;
  Runtime: string;
  Code: { ZipFile?: Uint8Array };
  PackageType?: string;
  Tags?: Record<string, string>;
}

export const DEFAULT_TIMEOUT_SECONDS = 3;
export const DEFAULT_MEMORY_MB = 128;
/** Lambda's limit on the total size of a function's environment variables. */
export const MAX_ENVIRONMENT_BYTES = 4096;

const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const ROLE_PATTERN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const HANDLER_PATTERN = /^[^\s]{1,128}$/;
const ENV_KEY_PATTERN = /^[a-zA-Z]([a-zA-Z0-9_])+$/;

function validation(field: string, value: unknown, constraint: string): AwsError {
  return new AwsError(
    "ValidationException",
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

export function validateFunctionName(name: unknown): string {
  if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
    throw validation("functionName", name, "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]{1,64}");
  }
  return name;
}

/** Checks every field that is present; throws the error AWS gives for the first bad one. */
export function validateSettings(s: FunctionSettings): void {
  if (s.Role !== undefined && (typeof s.Role !== "string" || !ROLE_PATTERN.test(s.Role))) {
    throw validation("role", s.Role, "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
  }
  if (s.Handler !== undefined && (typeof s.Handler !== "string" || !HANDLER_PATTERN.test(s.Handler))) {
    throw validation("handler", s.Handler, "Member must satisfy regular expression pattern: [^\\s]+ and have length less than or equal to 128");
  }
  if (s.Runtime !== undefined && !/^nodejs\d+\.x$/.test(s.Runtime)) {
    throw new AwsError(
      "InvalidParameterValueException",
      `Runtime '${s.Runtime}' cannot run in the embedded cloud: only Node.js runtimes (for example nodejs22.x) run here. Use a nodejs runtime or deploy this function to AWS.`,
    );
  }
  if (s.Timeout !== undefined && (!Number.isInteger(s.Timeout) || s.Timeout < 1 || s.Timeout > 900)) {
    throw validation("timeout", s.Timeout, "Member must be an integer between 1 and 900");
  }
  if (s.MemorySize !== undefined && (!Number.isInteger(s.MemorySize) || s.MemorySize < 128 || s.MemorySize > 10240)) {
    throw validation("memorySize", s.MemorySize, "Member must be an integer between 128 and 10240");
  }
  const vars = s.Environment?.Variables;
  if (vars !== undefined) {
    if (vars === null || typeof vars !== "object") throw validation("environment.variables", vars, "Member must be a map of strings");
    const reserved = Object.keys(vars).filter((k) => (RESERVED_ENVIRONMENT_KEYS as readonly string[]).includes(k));
    if (reserved.length > 0) {
      throw new AwsError(
        "InvalidParameterValueException",
        `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(",")}`,
      );
    }
    for (const [key, value] of Object.entries(vars)) {
      if (!ENV_KEY_PATTERN.test(key)) throw validation("environment.variables", key, "Keys must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+");
      if (typeof value !== "string") throw validation(`environment.variables.${key}`, value, "Member must be a string");
    }
    const size = Buffer.byteLength(JSON.stringify(vars));
    if (size > MAX_ENVIRONMENT_BYTES) {
      throw new AwsError(
        "InvalidParameterValueException",
        `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${size} bytes`,
      );
    }
  }
  if (s.Architectures !== undefined && (!Array.isArray(s.Architectures) || s.Architectures.some((a) => a !== "x86_64" && a !== "arm64"))) {
    throw validation("architectures", s.Architectures, "Member must satisfy enum value set: [x86_64, arm64]");
  }
}

/** Lambda's timestamp format, e.g. 2026-11-29T20:30:08.000+0000 */
export function lambdaTimestamp(d = new Date()): string {
  return d.toISOString().replace("Z", "+0000");
}
