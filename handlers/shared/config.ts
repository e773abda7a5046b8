/**
 * Function configuration comes only from environment variables set by the
 * stack. A missing variable fails the cold start with a message naming it,
 * instead of limping on with a placeholder that fails later and obscurely.
 */
export const CONFIG_VARIABLES = [
  "TABLE_NAME",
  "TOPIC_ARN",
  "SOURCE_EMAIL",
  "DESTINATION_EMAIL",
  "IDEMPOTENCY_TABLE_NAME",
] as const;

export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];

export class ConfigurationError extends Error {
  constructor(readonly missing: readonly ConfigVariable[]) {
    super(
      `Missing configuration: environment variable${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ` +
        `not set. Set ${missing.length > 1 ? "them" : "it"} in the function's environment (the movies stack does this on deploy).`,
    );
    this.name = "ConfigurationError";
  }
}

/** Reads the named variables; throws one error listing every missing or blank one. */
export function loadConfig<const K extends ConfigVariable>(
  names: readonly K[],
  env: NodeJS.ProcessEnv = process.env,
): Record<K, string> {
  const missing = names.filter((name) => !env[name]?.trim());
  if (missing.length > 0) throw new ConfigurationError(missing);
  return Object.fromEntries(names.map((name) => [name, env[name]!.trim()])) as Record<K, string>;
}
