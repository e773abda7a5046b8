import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateEventSourceMappingCommand, CreateFunctionCommand, DeleteEventSourceMappingCommand, GetEventSourceMappingCommand, GetFunctionCodeSigningConfigCommand,
  LambdaClient, ListEventSourceMappingsCommand, ListTagsCommand, ListVersionsByFunctionCommand, TagResourceCommand, UntagResourceCommand, UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type Cloud } from "../cloud.js";
import { localClientConfig } from "../../test/support/cloud-client-config.js";
import { rejection } from "../../test/support/rejection.js";
import { handlerZip, TEST_ROLE } from "../lambda/test-support/handler-zip.js";

let cloud: Cloud;
let lambda: LambdaClient;
let sqs: SQSClient;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  cloud = await startCloud({ port: 0, iam: false });
  lambda = new LambdaClient(localClientConfig(cloud.url));
  sqs = new SQSClient(localClientConfig(cloud.url));
  logs = new CloudWatchLogsClient(localClientConfig(cloud.url));
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: "esm-target",
      Role: TEST_ROLE,
      Runtime: "nodejs22.x",
      Handler: "index.handler",
      Tags: { app: "movies" },
      Code: { ZipFile: handlerZip({ "index.mjs": `export const handler = async (e) => { for (const r of e.Records) console.log("got", r.body); return {}; };` }) },
    }),
  );
});

afterAll(async () => {
  for (const c of [lambda, sqs, logs]) c?.destroy();
  await cloud?.stop();
});

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("condition not reached in 10 s");
}

describe("Lambda API: event source mappings, versions, code signing, tags", () => {
  it("creates a mapping that delivers queue messages to the function, then updates, tags and deletes it", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "esm-source" }));
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
    const created = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "esm-target", EventSourceArn: queueArn, BatchSize: 5, Tags: { team: "a" } }));
    expect(created).toMatchObject({ BatchSize: 5, EventSourceArn: queueArn, FunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:esm-target", State: "Enabled" });
    const uuid = created.UUID!;
    expect(created.EventSourceMappingArn).toBe(`arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${uuid}`);
    const twice = await rejection(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "esm-target", EventSourceArn: queueArn })));
    expect((twice as Error).name).toBe("ResourceConflictException");

    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "ticket-42" }));
    const seen = await until(async () => {
      const out = await logs.send(new FilterLogEventsCommand({ logGroupName: "/aws/lambda/esm-target", filterPattern: "ticket-42" })).catch(() => undefined);
      return out?.events?.length ? out.events : undefined;
    });
    expect(seen[0]?.message).toMatch(/got ticket-42/);

    const updated = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 2, Enabled: false }));
    expect(updated).toMatchObject({ BatchSize: 2, State: "Disabled" });
    expect((await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: "esm-target" }))).EventSourceMappings?.map((m) => m.UUID)).toEqual([uuid]);

    await lambda.send(new TagResourceCommand({ Resource: created.EventSourceMappingArn, Tags: { env: "dev" } }));
    expect((await lambda.send(new ListTagsCommand({ Resource: created.EventSourceMappingArn }))).Tags).toEqual({ team: "a", env: "dev" });

    const deleted = await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
    expect(deleted.State).toBe("Deleting");
    const gone = await rejection(lambda.send(new GetEventSourceMappingCommand({ UUID: uuid })));
    expect((gone as Error).name).toBe("ResourceNotFoundException");
  });

  it("refuses a mapping for a source that is not an SQS queue", async () => {
    const err = await rejection(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "esm-target", EventSourceArn: "arn:aws:kinesis:us-east-1:000000000000:stream/s" })));
    expect((err as Error).name).toBe("InvalidParameterValueException");
  });

  it("lists $LATEST as the only version, reports no code signing config and tags the function", async () => {
    const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: "esm-target" }));
    expect(versions.Versions?.map((v) => v.Version)).toEqual(["$LATEST"]);
    const signing = await lambda.send(new GetFunctionCodeSigningConfigCommand({ FunctionName: "esm-target" }));
    expect(signing).toMatchObject({ CodeSigningConfigArn: "", FunctionName: "esm-target" });
    const arn = "arn:aws:lambda:us-east-1:000000000000:function:esm-target";
    expect((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags).toEqual({ app: "movies" });
    await lambda.send(new TagResourceCommand({ Resource: arn, Tags: { env: "dev" } }));
    await lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ["app"] }));
    expect((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags).toEqual({ env: "dev" });
    const missing = await rejection(lambda.send(new ListTagsCommand({ Resource: "arn:aws:lambda:us-east-1:000000000000:function:nope" })));
    expect((missing as Error).name).toBe("ResourceNotFoundException");
  });
});

describe("event source mappings across a restart", () => {
  it("keeps a mapping made through the API, with its UUID and tags, and it delivers again", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "esm-state-"));
    try {
      let first: Cloud | undefined = await startCloud({ port: 0, iam: false, stateDir });
      let uuid: string;
      try {
        const l = new LambdaClient(localClientConfig(first.url));
        const q = new SQSClient(localClientConfig(first.url));
        const { QueueUrl } = await q.send(new CreateQueueCommand({ QueueName: "kept-source" }));
        const arn = (await q.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
        await l.send(
          new CreateFunctionCommand({
            FunctionName: "kept-target",
            Role: TEST_ROLE,
            Runtime: "nodejs22.x",
            Handler: "index.handler",
            Code: { ZipFile: handlerZip({ "index.mjs": `export const handler = async (e) => { for (const r of e.Records) console.log("kept", r.body); return {}; };` }) },
          }),
        );
        uuid = (await l.send(new CreateEventSourceMappingCommand({ FunctionName: "kept-target", EventSourceArn: arn, Tags: { k: "v" } }))).UUID!;
        l.destroy();
        q.destroy();
      } finally {
        await first.stop();
        first = undefined;
      }
      const second = await startCloud({ port: 0, iam: false, stateDir });
      const l = new LambdaClient(localClientConfig(second.url));
      const q = new SQSClient(localClientConfig(second.url));
      const w = new CloudWatchLogsClient(localClientConfig(second.url));
      try {
        const got = await l.send(new GetEventSourceMappingCommand({ UUID: uuid }));
        expect(got).toMatchObject({ UUID: uuid, State: "Enabled", FunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:kept-target" });
        expect((await l.send(new ListTagsCommand({ Resource: got.EventSourceMappingArn }))).Tags).toEqual({ k: "v" });
        const { QueueUrl } = await q.send(new CreateQueueCommand({ QueueName: "kept-source" }));
        await q.send(new SendMessageCommand({ QueueUrl, MessageBody: "after-restart" }));
        const events = await until(async () => {
          const out = await w.send(new FilterLogEventsCommand({ logGroupName: "/aws/lambda/kept-target", filterPattern: "after-restart" })).catch(() => undefined);
          return out?.events?.length ? out.events : undefined;
        });
        expect(events[0]?.message).toMatch(/kept after-restart/);
      } finally {
        for (const c of [l, q, w]) c.destroy();
        await second.stop();
      }
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  }, 60_000);
});
