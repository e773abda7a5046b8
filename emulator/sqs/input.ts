import { AwsError } from "../core/aws-error.js";
import { invalidParameterValue, missingParameter } from "./errors.js";

/** Typed reads of an AWS JSON request body, failing with the error AWS gives for a wrong shape. */
export type Input = Record<string, unknown>;

export function requiredString(input: Input, name: string): string {
  const v = input[name];
  if (v === undefined || v === null || v === "") throw missingParameter(name);
  if (typeof v !== "string") throw invalidParameterValue(`Value for parameter ${name} must be a string.`);
  return v;
}

export function optionalString(input: Input, name: string): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalidParameterValue(`Value for parameter ${name} must be a string.`);
  return v;
}

export function optionalInt(input: Input, name: string, min: number, max: number, rule?: string): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw invalidParameterValue(
      `Value ${JSON.stringify(v)} for parameter ${name} is invalid. Reason: ${rule ?? `Must be an integer from ${min} to ${max}.`}`,
    );
  }
  return v;
}

export function requiredInt(input: Input, name: string, min: number, max: number): number {
  if (input[name] === undefined || input[name] === null) throw missingParameter(name);
  return optionalInt(input, name, min, max)!;
}

export function stringList(input: Input, name: string): string[] {
  const v = input[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    throw invalidParameterValue(`Value for parameter ${name} must be a list of strings.`);
  }
  return v as string[];
}

export function stringMap(input: Input, name: string): Record<string, string> {
  const v = input[name];
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v) || Object.values(v).some((x) => typeof x !== "string")) {
    throw invalidParameterValue(`Value for parameter ${name} must be a map of strings to strings.`);
  }
  return v as Record<string, string>;
}

export function objectList(input: Input, name: string): Input[] {
  const v = input[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => x === null || typeof x !== "object" || Array.isArray(x))) {
    throw invalidParameterValue(`Value for parameter ${name} must be a list of objects.`);
  }
  return v as Input[];
}

export function unsupported(action: string): AwsError {
  return new AwsError(
    "AWS.SimpleQueueService.UnsupportedOperation",
    `${action} is not supported by the movies embedded cloud.`,
  );
}
