/**
 * The catalogue of Lambda functions: one folder under handlers/ each, one zip
 * in dist/functions/<name>.zip. Stacks, build and emulator read this list so a
 * new function is added in one place.
 */
export const FUNCTION_NAMES = [
  "get-movie",
  "list-movies",
  "create-movie",
  "update-movie",
  "delete-movie",
  "email-notification",
] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** Where `npm run build` writes the zip of a function, relative to the repo root. */
export function zipPath(name: FunctionName): string {
  return `dist/functions/${name}.zip`;
}
