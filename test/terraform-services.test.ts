import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import { handlerZip } from "../emulator/lambda/test-support/handler-zip.js";
import { findPluginMirror, Terraform, terraformMissingReason } from "../stacks/terraform/terraform.js";
import { emulatorProviderBlocks } from "./support/terraform-provider.js";

/**
 * Real Terraform (hashicorp/aws 5.100.0 from the offline mirror) against the
 * embedded cloud, for the services whose control planes this cloud serves:
 * apply, a second plan with no changes (every read answers as the provider
 * expects), destroy, and the cloud is empty again.
 */
const missing = terraformMissingReason() ?? (findPluginMirror() ? undefined : "no Terraform provider mirror with hashicorp/aws (set MOVIES_TF_PLUGIN_MIRROR)");
if (missing) console.warn(`skipping the Terraform-against-the-embedded-cloud services test: ${missing}`);

const SLOW = 10 * 60_000;

function config(endpoint: string, zipPath: string): unknown {
  const services = ["cloudwatchlogs", "dynamodb", "iam", "lambda", "ses", "sesv2", "sns", "sqs", "sts"];
  const tags = { app: "movies", tier: "test" };
  return {
    ...emulatorProviderBlocks(endpoint, services),
    resource: {
      aws_dynamodb_table: {
        movies: {
          name: "tf-movies",
          billing_mode: "PAY_PER_REQUEST",
          hash_key: "id",
          attribute: [{ name: "id", type: "S" }],
          ttl: [{ attribute_name: "expires", enabled: true }],
          point_in_time_recovery: [{ enabled: true }],
          tags,
        },
      },
      aws_sqs_queue: {
        dlq: { name: "tf-dlq", tags },
        queue: {
          name: "tf-queue",
          visibility_timeout_seconds: 60,
          redrive_policy: '${jsonencode({ deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 3 })}',
          tags,
        },
      },
      aws_sns_topic: { topic: { name: "tf-topic", tags } },
      aws_sns_topic_subscription: {
        to_queue: { topic_arn: "${aws_sns_topic.topic.arn}", protocol: "sqs", endpoint: "${aws_sqs_queue.queue.arn}", raw_message_delivery: true },
      },
      aws_ses_email_identity: { sender: { email: "tf@movies.example" } },
      aws_ses_configuration_set: { set: { name: "tf-set" } },
      aws_sesv2_email_identity: { v2: { email_identity: "tf-v2@movies.example", tags } },
      aws_sesv2_configuration_set: { v2: { configuration_set_name: "tf-v2-set", tags } },
      aws_cloudwatch_log_group: { fn: { name: "/aws/lambda/tf-fn", retention_in_days: 7, tags } },
      aws_lambda_function: {
        fn: {
          function_name: "tf-fn",
          role: "arn:aws:iam::000000000000:role/tf-fn-role",
          runtime: "nodejs22.x",
          handler: "index.handler",
          filename: zipPath,
          source_code_hash: '${filebase64sha256("' + zipPath + '")}',
          memory_size: 256,
          timeout: 10,
          environment: [{ variables: { STAGE: "tf" } }],
          tags,
          depends_on: ["aws_cloudwatch_log_group.fn"],
        },
      },
      aws_lambda_permission: {
        from_topic: { statement_id: "sns", action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.fn.function_name}", principal: "sns.amazonaws.com", source_arn: "${aws_sns_topic.topic.arn}" },
      },
      aws_lambda_event_source_mapping: {
        queue: { function_name: "${aws_lambda_function.fn.arn}", event_source_arn: "${aws_sqs_queue.queue.arn}", batch_size: 5, function_response_types: ["ReportBatchItemFailures"] },
      },
    },
  };
}

describe.skipIf(missing)("real Terraform against the embedded cloud's services", () => {
  let cloud: Cloud;
  let scratch: string;
  let terraform: Terraform;
  const progress: string[] = [];

  beforeAll(async () => {
    cloud = await startCloud({ port: 0, iam: false });
    scratch = await mkdtemp(join(tmpdir(), "movies-tf-services-"));
    const zipPath = join(scratch, "fn.zip");
    await writeFile(zipPath, handlerZip({ "index.mjs": "export const handler = async (e) => ({ batchItemFailures: [] });" }));
    await writeFile(join(scratch, "cdk.tf.json"), JSON.stringify(config(cloud.url, zipPath), null, 2));
    terraform = new Terraform({ dir: scratch, onLine: (line) => progress.push(line) });
    await terraform.init();
  }, SLOW);

  afterAll(async () => {
    await cloud?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it(
    "applies, plans clean, and destroys",
    async () => {
      try {
        await terraform.apply();
        expect(cloud.lambda.list().map((f) => f.FunctionName)).toEqual(["tf-fn"]);
        expect(cloud.system.mappings.list()).toHaveLength(1);
        expect(cloud.models.logs.group("us-east-1", "/aws/lambda/tf-fn")?.retentionInDays).toBe(7);
        expect(cloud.lambda.policy("tf-fn")?.Statement.map((st) => st.Sid)).toEqual(["sns"]);
        expect(cloud.models.ses.identity("us-east-1", "tf-v2@movies.example")?.tags).toEqual({ app: "movies", tier: "test" });
        expect(await terraform.plan()).toEqual({ changes: false });
        await terraform.destroy();
        expect(cloud.lambda.list()).toEqual([]);
        expect(cloud.system.mappings.list()).toEqual([]);
        expect(cloud.models.logs.group("us-east-1", "/aws/lambda/tf-fn")).toBeUndefined();
        expect(cloud.models.ses.listIdentities("us-east-1")).toEqual([]);
        expect(cloud.models.ses.listConfigurationSets("us-east-1")).toEqual([]);
      } catch (err) {
        throw new Error(`${(err as Error).message}\n--- terraform said ---\n${progress.slice(-60).join("\n")}`);
      }
    },
    SLOW,
  );
});
