import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startCloud } from "../cloud.js";
import { handlerZip } from "../providers/testing.js";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const STACK = {
  resource: {
    aws_iam_role: { r: { name: "consumer-role", assume_role_policy: TRUST } },
    aws_iam_role_policy: { p: { role: "${aws_iam_role.r.id}", name: "q", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: "*" }] }) } },
    aws_sqs_queue: { q: { name: "restart-queue" } },
    aws_lambda_function: { f: { function_name: "consumer", role: "${aws_iam_role.r.arn}", handler: "index.handler", runtime: "nodejs22.x", filename: "f.zip", source_code_hash: "1" } },
    aws_lambda_event_source_mapping: { m: { event_source_arn: "${aws_sqs_queue.q.arn}", function_name: "${aws_lambda_function.f.arn}" } },
  },
};
const assets = { "f.zip": handlerZip('export const handler = async (e) => { console.log("GOT " + e.Records[0].body); };\n').toString("base64") };

describe("a cloud with a state directory", () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("keeps applied stacks, roles and event source mappings across a restart", async () => {
    dir = await mkdtemp(join(tmpdir(), "cloud-restart-"));
    const first = await startCloud({ port: 0, stateDir: dir });
    const applied = await fetch(`${first.url}/_movies/stacks/s`, { method: "PUT", body: JSON.stringify({ template: STACK, assets }) });
    expect(applied.status).toBe(200);
    await first.stop();

    const cloud = await startCloud({ port: 0, stateDir: dir });
    try {
      const again = (await (await fetch(`${cloud.url}/_movies/stacks/s`, { method: "PUT", body: JSON.stringify({ template: STACK, assets }) })).json()) as { changes: { action: string }[] };
      expect(again.changes.map((c) => c.action)).toEqual(["noop", "noop", "noop", "noop", "noop"]);
      const keyId = cloud.lambda.credentialsOf("consumer").accessKeyId;
      expect(cloud.iam.principalFor(keyId).roleName).toBe("consumer-role");
      const sqs = new SQSClient({ endpoint: cloud.url, region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
      await sqs.send(new SendMessageCommand({ QueueUrl: `${cloud.url}/000000000000/restart-queue`, MessageBody: "after restart" }));
      let seen = false;
      for (let i = 0; i < 200 && !seen; i++) {
        seen = cloud.lambda.logs.query({ functionName: "consumer" }).some((e) => e.message.includes("GOT after restart"));
        if (!seen) await new Promise((r) => setTimeout(r, 50));
      }
      expect(seen).toBe(true);
    } finally {
      await cloud.stop();
    }
  }, 30_000);
});
