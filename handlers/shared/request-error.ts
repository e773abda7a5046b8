import type { z } from "zod";

export interface FieldError {
  field: string;
  message: string;
}

/**
 * A problem with the caller's request: always a 400 whose body says what to
 * fix. Thrown by parsing and validation, turned into a response in one place.
 */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly errors: FieldError[],
  ) {
    super(message);
    this.name = "RequestError";
  }
}

export function fieldError(field: string, message: string, summary = message): RequestError {
  return new RequestError(summary, [{ field, message }]);
}

/** Maps zod issues to `{field, message}` with dotted paths (`genres.2`). */
export function fromZodError(error: z.ZodError, allowedFields: readonly string[]): RequestError {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        errors.push({
          field: base ? `${base}.${key}` : key,
          message: `unknown field; allowed fields are ${allowedFields.join(", ")}`,
        });
      }
      continue;
    }
    errors.push({ field: base || "body", message: issue.message });
  }
  return new RequestError("The request body is not a valid movie", errors);
}
