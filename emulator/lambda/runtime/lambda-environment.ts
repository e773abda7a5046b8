/** Credentials the handler's SDK picks up from its environment; they identify the function to the cloud. */
export interface FunctionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Variables Lambda sets itself; CreateFunction and UpdateFunctionConfiguration
 * refuse them in Environment.Variables, as AWS does.
 */
export const RESERVED_ENVIRONMENT_KEYS = [
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
] as const;

export interface LambdaEnvironmentInput {
  functionName: string;
  functionVersion: string;
  memorySizeMb: number;
  handler: string;
  runtime: string;
  region: string;
  logGroupName: string;
  taskRoot: string;
  runtimeDir: string;
  /** Environment.Variables of the function */
  variables: Record<string, string>;
  credentials: FunctionCredentials;
}

/**
 * process.env of a handler, built from nothing: the function's variables,
 * then what Lambda sets, which wins. Nothing else of the cloud's own
 * environment reaches the function except PATH, so child processes still
 * work. AWS_LAMBDA_LOG_STREAM_NAME, TMPDIR and AWS_ENDPOINT_URL are added per
 * execution environment.
 */
export function lambdaEnvironment(input: LambdaEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    LANG: "en_US.UTF-8",
    ...input.variables,
    _HANDLER: input.handler,
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${input.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: input.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: input.functionVersion,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(input.memorySizeMb),
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: input.logGroupName,
    LAMBDA_TASK_ROOT: input.taskRoot,
    LAMBDA_RUNTIME_DIR: input.runtimeDir,
    TZ: ":UTC",
    AWS_ACCESS_KEY_ID: input.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: input.credentials.secretAccessKey,
  };
  if (input.credentials.sessionToken) env.AWS_SESSION_TOKEN = input.credentials.sessionToken;
  return env;
}
