import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { FUNCTION_NAMES, zipPath, type FunctionName } from "../../handlers/functions.js";
import {
  AssetType,
  CloudwatchLogGroup,
  Construct,
  IamRole,
  IamRolePolicy,
  LambdaEventSourceMapping,
  LambdaFunction,
  TerraformAsset,
} from "../cdktf.js";
import { physicalName, xrayTracing, type StackConfig } from "../config.js";
import type { AccountContext } from "./account.js";
import type { DataTables } from "./data.js";
import type { Email } from "./email.js";
import type { Messaging } from "./messaging.js";
import { policyDocument, type PolicyStatement } from "./policy-document.js";

export const LAMBDA_RUNTIME = "nodejs22.x";
export const LAMBDA_HANDLER = "index.handler";
export const LOG_RETENTION_DAYS = 14;
/**
 * What Lambda active tracing needs from the function's role. X-Ray's write
 * actions take no resource ARNs (Service Authorization Reference), so "*" is
 * the only resource they accept; the two actions are narrower than the
 * AWSXRayDaemonWriteAccess managed policy, which adds the sampling-rule reads
 * only the X-Ray SDK uses, and keep the same resources on every target.
 */
export const XRAY_WRITE: PolicyStatement = { sid: "WriteTraces", actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] };

export interface FunctionDependencies {
  tables: DataTables;
  messaging: Messaging;
  email: Email;
  account: AccountContext;
}

export class FunctionsZipMissingError extends Error {
  readonly code = "FunctionsZipMissing";
  constructor(readonly missing: string[], functionsDir: string) {
    super(
      `missing function bundles in ${functionsDir}: ${missing.join(", ")}. Run \`npm run build\` first, or pass the folder that holds them.`,
    );
    this.name = "FunctionsZipMissingError";
  }
}

/** Terraform logical id for a function-related resource, e.g. get_movie_role. */
export function functionLogicalId(name: FunctionName, kind: string): string {
  return `${name.replaceAll("-", "_")}_${kind}`;
}

/**
 * Exactly what each function calls, on exactly which resource. Least
 * privilege is the point: a list handler that can write, or a handler that
 * can publish to any topic, would be a defect.
 */
function accessFor(name: FunctionName, deps: FunctionDependencies): PolicyStatement[] {
  const movies = deps.tables.movies.arn;
  const topic = deps.messaging.topic.arn;
  switch (name) {
    case "get-movie":
      return [{ sid: "ReadMovie", actions: ["dynamodb:GetItem"], resources: [movies] }];
    case "list-movies":
      return [{ sid: "ListMovies", actions: ["dynamodb:Scan"], resources: [movies] }];
    case "create-movie":
      return [
        { sid: "PutMovie", actions: ["dynamodb:PutItem"], resources: [movies] },
        { sid: "PublishMovieEvent", actions: ["sns:Publish"], resources: [topic] },
      ];
    case "update-movie":
      return [
        { sid: "UpdateMovie", actions: ["dynamodb:UpdateItem"], resources: [movies] },
        { sid: "PublishMovieEvent", actions: ["sns:Publish"], resources: [topic] },
      ];
    case "delete-movie":
      return [
        { sid: "DeleteMovie", actions: ["dynamodb:DeleteItem"], resources: [movies] },
        { sid: "PublishMovieEvent", actions: ["sns:Publish"], resources: [topic] },
      ];
    case "email-notification":
      return [
        {
          // What the SQS event source mapping calls with the function's role.
          sid: "ConsumeMovieUpdates",
          actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
          resources: [deps.messaging.queue.arn],
        },
        {
          sid: "SendNotification",
          actions: ["ses:SendEmail"],
          // Built here, not taken from the identity: the provider computes that
          // ARN locally and leaves the account empty when
          // skip_requesting_account_id is set (LocalStack, embedded cloud).
          resources: [deps.account.arn("ses", `identity/${deps.email.sender.email}`)],
        },
        {
          // Powertools idempotency: conditional put, read, update on completion, delete on failure.
          sid: "IdempotencyRecords",
          actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
          resources: [deps.tables.idempotency.arn],
        },
      ];
  }
}

function environmentFor(name: FunctionName, config: StackConfig, deps: FunctionDependencies): Record<string, string> {
  if (name === "email-notification") {
    return {
      SOURCE_EMAIL: config.senderEmail,
      DESTINATION_EMAIL: config.recipientEmail,
      IDEMPOTENCY_TABLE_NAME: deps.tables.idempotency.name,
    };
  }
  const env: Record<string, string> = { TABLE_NAME: deps.tables.movies.name };
  if (name === "create-movie" || name === "update-movie" || name === "delete-movie") {
    env.TOPIC_ARN = deps.messaging.topic.arn;
  }
  return env;
}

/** The six Lambda functions, each with its own log group, role and policy, plus the SQS trigger. */
export class Functions extends Construct {
  readonly byName: Record<FunctionName, LambdaFunction>;

  constructor(scope: Construct, id: string, config: StackConfig, deps: FunctionDependencies) {
    super(scope, id);
    const zips = Object.fromEntries(
      FUNCTION_NAMES.map((name) => [name, join(config.functionsDir, basename(zipPath(name)))]),
    ) as Record<FunctionName, string>;
    const missing = FUNCTION_NAMES.filter((name) => !existsSync(zips[name])).map((n) => basename(zipPath(n)));
    if (missing.length) throw new FunctionsZipMissingError(missing, config.functionsDir);

    const assumeRole = policyDocument(this, "lambda_assume_role", [
      {
        sid: "LambdaAssumesRole",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
      },
    ]);

    const entries = FUNCTION_NAMES.map((name) => {
      const functionName = physicalName(config, name);
      const logGroup = new CloudwatchLogGroup(this, `${name}-logs`, {
        name: `/aws/lambda/${functionName}`,
        retentionInDays: LOG_RETENTION_DAYS,
      });
      logGroup.overrideLogicalId(functionLogicalId(name, "log_group"));

      const role = new IamRole(this, `${name}-role`, {
        name: `${functionName}-role`,
        assumeRolePolicy: assumeRole.json,
      });
      role.overrideLogicalId(functionLogicalId(name, "role"));

      const tracing = xrayTracing(config);
      const policy = policyDocument(this, functionLogicalId(name, "policy"), [
        ...accessFor(name, deps),
        ...(tracing ? [XRAY_WRITE] : []),
        {
          // The group is created here, so the function only needs its own streams.
          sid: "WriteOwnLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${logGroup.arn}:*`],
        },
      ]);
      const rolePolicy = new IamRolePolicy(this, `${name}-role-policy`, {
        name: `${functionName}-access`,
        role: role.id,
        policy: policy.json,
      });
      rolePolicy.overrideLogicalId(functionLogicalId(name, "role_policy"));

      const asset = new TerraformAsset(this, `${name}-code`, { path: zips[name], type: AssetType.FILE });
      const fn = new LambdaFunction(this, `${name}-function`, {
        functionName,
        role: role.arn,
        runtime: LAMBDA_RUNTIME,
        handler: LAMBDA_HANDLER,
        filename: asset.path,
        // Computed at synth (what Lambda reports as CodeSha256), so every target
        // reads a literal and a rebuilt zip redeploys.
        sourceCodeHash: createHash("sha256").update(readFileSync(zips[name])).digest("base64"),
        memorySize: 256,
        timeout: name === "email-notification" ? 30 : 10,
        environment: { variables: environmentFor(name, config, deps) },
        // Lambda records each invocation in X-Ray and passes the trace header on to the AWS calls the SDK makes.
        ...(tracing ? { tracingConfig: { mode: "Active" } } : {}),
        // The log group must exist first, or Lambda creates one without retention.
        dependsOn: [logGroup, rolePolicy],
      });
      fn.overrideLogicalId(functionLogicalId(name, "function"));
      return [name, { fn, rolePolicy }] as const;
    });
    const built = Object.fromEntries(entries) as Record<FunctionName, { fn: LambdaFunction; rolePolicy: IamRolePolicy }>;
    this.byName = Object.fromEntries(entries.map(([n, v]) => [n, v.fn])) as Record<FunctionName, LambdaFunction>;

    const mapping = new LambdaEventSourceMapping(this, "email-notification-trigger", {
      eventSourceArn: deps.messaging.queue.arn,
      functionName: built["email-notification"].fn.arn,
      batchSize: 10,
      maximumBatchingWindowInSeconds: 2,
      functionResponseTypes: ["ReportBatchItemFailures"],
      // AWS checks the role can read the queue when the mapping is created.
      dependsOn: [built["email-notification"].rolePolicy],
    });
    mapping.overrideLogicalId("email_notification_queue_trigger");
  }
}
