import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type Cloud } from "../emulator/cloud.js";

/**
 * The strict-client tier: boto3 and the AWS CLI v1, clients no one here wrote,
 * drive the cloud. botocore parses every reply against its service model and
 * raises on a missing result element or a wrong shape, where the JS SDK is
 * lenient. Each python check in test/strict-clients/ exits non-zero with the
 * failed expectation.
 */
const SCRIPTS = join(import.meta.dirname, "strict-clients");

function available(cmd: string, args: string[]): string | undefined {
  try {
    execFileSync(cmd, args, { stdio: "pipe", timeout: 30_000 });
    return undefined;
  } catch (e) {
    return `${cmd} ${args.join(" ")} failed: ${(e as Error).message.split("\n")[0]}`;
  }
}

const noBoto3 = available("python3", ["-c", "import boto3"]);
const noAwsCli = available("aws", ["--version"]);
if (noBoto3) console.warn(`skipping the boto3 checks: ${noBoto3}`);
if (noAwsCli) console.warn(`skipping the AWS CLI checks: ${noAwsCli}`);

let cloud: Cloud;

beforeAll(async () => {
  if (noBoto3 && noAwsCli) return;
  // IAM off: these clients act as the account's root user, as SDK users do; function roles here are plain ARNs.
  cloud = await startCloud({ port: 0, iam: false });
});

afterAll(async () => {
  await cloud?.stop();
});

const cleanEnv = {
  PATH: process.env.PATH ?? "",
  HOME: process.env.HOME ?? "",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_DEFAULT_REGION: "us-east-1",
  AWS_CONFIG_FILE: "/dev/null",
  AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  // no __pycache__ beside the checks in the worktree
  PYTHONDONTWRITEBYTECODE: "1",
};

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: cleanEnv, timeout: 60_000, cwd: SCRIPTS }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function python(script: string): Promise<string> {
  const r = await run("python3", [join(SCRIPTS, script), cloud.url]);
  if (r.code !== 0) throw new Error(`${script} failed:\n${r.stderr || r.stdout}`);
  return r.stdout.trim();
}

describe.skipIf(Boolean(noBoto3))("boto3 against the embedded cloud", { timeout: 60_000 }, () => {
  it("DynamoDB: tags on create, CRUD, ReturnValuesOnConditionCheckFailure, continuous backups", async () => {
    expect(await python("dynamodb.py")).toBe("dynamodb ok");
  });
  it("SQS: 256 KiB + 1 byte accepted, receive, delete, DLQ attributes", async () => {
    expect(await python("sqs.py")).toBe("sqs ok");
  });
  it("SNS: topic, raw delivery subscription, publish, tags", async () => {
    expect(await python("sns.py")).toBe("sns ok");
  });
  it("SES: verify, configuration sets, v1 and v2 send", async () => {
    expect(await python("ses.py")).toBe("ses ok");
  });
  it("STS: get-caller-identity", async () => {
    expect(await python("sts.py")).toBe("sts ok");
  });
  it("Lambda and CloudWatch Logs: functions, mappings, log groups and events", async () => {
    expect(await python("lambda_logs.py")).toBe("lambda and logs ok");
  });
});

describe.skipIf(Boolean(noAwsCli))("the AWS CLI v1 against the embedded cloud", { timeout: 60_000 }, () => {
  const aws = async (...args: string[]) => {
    const r = await run("aws", ["--endpoint-url", cloud.url, "--output", "json", ...args]);
    if (r.code !== 0) throw new Error(`aws ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    return r.stdout.trim() === "" ? {} : (JSON.parse(r.stdout) as Record<string, unknown>);
  };

  it("answers sts, ses, sqs, dynamodb and logs commands in shapes the CLI parses", async () => {
    expect(await aws("sts", "get-caller-identity")).toMatchObject({ Account: "000000000000" });
    // empty awsQuery results: the CLI fails on these when the <...Result/> element is missing
    await aws("ses", "verify-email-identity", "--email-address", "cli@movies.example");
    await aws("ses", "create-configuration-set", "--configuration-set", "Name=cli-set");
    expect(await aws("ses", "describe-configuration-set", "--configuration-set-name", "cli-set")).toMatchObject({ ConfigurationSet: { Name: "cli-set" } });
    await aws("ses", "delete-identity", "--identity", "cli@movies.example");
    const { QueueUrl } = (await aws("sqs", "create-queue", "--queue-name", "cli-queue")) as { QueueUrl: string };
    // 256 KiB + 1 byte, read from a file (one command-line argument cannot hold it)
    const dir = mkdtempSync(join(tmpdir(), "strict-cli-"));
    try {
      writeFileSync(join(dir, "body.txt"), "x".repeat(262_145));
      expect(await aws("sqs", "send-message", "--queue-url", QueueUrl, "--message-body", `file://${join(dir, "body.txt")}`)).toHaveProperty("MessageId");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const table = await aws(
      "dynamodb", "create-table", "--table-name", "cli-table", "--billing-mode", "PAY_PER_REQUEST",
      "--key-schema", "AttributeName=id,KeyType=HASH", "--attribute-definitions", "AttributeName=id,AttributeType=S", "--tags", "Key=app,Value=movies",
    );
    expect(table).toMatchObject({ TableDescription: { TableName: "cli-table" } });
    await aws("logs", "create-log-group", "--log-group-name", "cli-group");
    expect(await aws("logs", "describe-log-groups", "--log-group-name-prefix", "cli-")).toMatchObject({ logGroups: [{ logGroupName: "cli-group" }] });
  });
});
