import {
  CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, DeleteLogGroupCommand, DeleteRetentionPolicyCommand, DescribeLogGroupsCommand,
  DescribeLogStreamsCommand, FilterLogEventsCommand, GetLogEventsCommand, ListTagsForResourceCommand, ListTagsLogGroupCommand, PutLogEventsCommand,
  PutRetentionPolicyCommand, TagResourceCommand, UntagResourceCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type Cloud } from "../cloud.js";
import { localClientConfig } from "../../test/support/cloud-client-config.js";
import { rejection } from "../../test/support/rejection.js";
import { handlerZip, TEST_ROLE } from "../lambda/test-support/handler-zip.js";
import { compileFilterPattern } from "./filter-pattern.js";

let cloud: Cloud;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  cloud = await startCloud({ port: 0, iam: false });
  logs = new CloudWatchLogsClient(localClientConfig(cloud.url));
});

afterAll(async () => {
  logs?.destroy();
  await cloud?.stop();
});

describe("CloudWatch Logs log groups", () => {
  it("creates, describes, tags, sets retention and deletes a group", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/app/one", tags: { team: "movies" } }));
    const again = await rejection(logs.send(new CreateLogGroupCommand({ logGroupName: "/app/one" })));
    expect((again as Error).name).toBe("ResourceAlreadyExistsException");
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: "/app/one", retentionInDays: 14 }));
    const bad = await rejection(logs.send(new PutRetentionPolicyCommand({ logGroupName: "/app/one", retentionInDays: 2 })));
    expect((bad as Error).name).toBe("InvalidParameterException");
    const described = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/app/" }));
    expect(described.logGroups).toEqual([
      expect.objectContaining({ logGroupName: "/app/one", retentionInDays: 14, arn: "arn:aws:logs:us-east-1:000000000000:log-group:/app/one:*", logGroupArn: "arn:aws:logs:us-east-1:000000000000:log-group:/app/one" }),
    ]);
    const arn = "arn:aws:logs:us-east-1:000000000000:log-group:/app/one";
    await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { env: "dev" } }));
    await logs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["team"] }));
    expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ env: "dev" });
    expect((await logs.send(new ListTagsLogGroupCommand({ logGroupName: "/app/one" }))).tags).toEqual({ env: "dev" });
    await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: "/app/one" }));
    expect((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/app/one" }))).logGroups?.[0]?.retentionInDays).toBeUndefined();
    await logs.send(new DeleteLogGroupCommand({ logGroupName: "/app/one" }));
    const gone = await rejection(logs.send(new DeleteLogGroupCommand({ logGroupName: "/app/one" })));
    expect((gone as Error).name).toBe("ResourceNotFoundException");
  });

  it("pages DescribeLogGroups", async () => {
    for (const n of [1, 2, 3]) await logs.send(new CreateLogGroupCommand({ logGroupName: `/paged/${n}` }));
    const first = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/paged/", limit: 2 }));
    expect(first.logGroups?.map((g) => g.logGroupName)).toEqual(["/paged/1", "/paged/2"]);
    const second = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/paged/", limit: 2, nextToken: first.nextToken }));
    expect(second.logGroups?.map((g) => g.logGroupName)).toEqual(["/paged/3"]);
    expect(second.nextToken).toBeUndefined();
  });
});

describe("CloudWatch Logs events", () => {
  it("writes with PutLogEvents and reads with GetLogEvents and FilterLogEvents", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: "written" }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: "written", logStreamName: "s1" }));
    const now = Date.now();
    const messages = ["start", "ERROR disk full", "WARN slow", "ERROR retry later"];
    await logs.send(new PutLogEventsCommand({ logGroupName: "written", logStreamName: "s1", logEvents: messages.map((message, i) => ({ timestamp: now + i, message })) }));
    const unordered = await rejection(
      logs.send(new PutLogEventsCommand({ logGroupName: "written", logStreamName: "s1", logEvents: [{ timestamp: now + 5, message: "b" }, { timestamp: now, message: "a" }] })),
    );
    expect((unordered as Error).name).toBe("InvalidParameterException");

    const head = await logs.send(new GetLogEventsCommand({ logGroupName: "written", logStreamName: "s1", startFromHead: true, limit: 2 }));
    expect(head.events?.map((e) => e.message)).toEqual(["start", "ERROR disk full"]);
    const rest = await logs.send(new GetLogEventsCommand({ logGroupName: "written", logStreamName: "s1", nextToken: head.nextForwardToken }));
    expect(rest.events?.map((e) => e.message)).toEqual(["WARN slow", "ERROR retry later"]);

    const errors = await logs.send(new FilterLogEventsCommand({ logGroupName: "written", filterPattern: "ERROR -retry" }));
    expect(errors.events?.map((e) => e.message)).toEqual(["ERROR disk full"]);
    expect(errors.events?.[0]).toMatchObject({ logStreamName: "s1", eventId: expect.any(String) });

    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: "written" }));
    expect(streams.logStreams).toEqual([expect.objectContaining({ logStreamName: "s1", firstEventTimestamp: now, lastEventTimestamp: now + 3 })]);
    const missing = await rejection(logs.send(new GetLogEventsCommand({ logGroupName: "written", logStreamName: "nope" })));
    expect((missing as Error).name).toBe("ResourceNotFoundException");
  });

  it("receives a Lambda function's lines in /aws/lambda/<name>, one stream per execution environment", async () => {
    const lambda = new LambdaClient(localClientConfig(cloud.url));
    try {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: "logs-echo",
          Role: TEST_ROLE,
          Runtime: "nodejs22.x",
          Handler: "index.handler",
          Code: { ZipFile: handlerZip({ "index.mjs": `export const handler = async (e) => { console.log("said", e.word); return e.word; };` }) },
        }),
      );
      await lambda.send(new InvokeCommand({ FunctionName: "logs-echo", Payload: Buffer.from(JSON.stringify({ word: "popcorn" })) }));
    } finally {
      lambda.destroy();
    }
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: "/aws/lambda/logs-echo" }));
    expect(streams.logStreams).toHaveLength(1);
    expect(streams.logStreams?.[0]?.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    const said = await logs.send(new FilterLogEventsCommand({ logGroupName: "/aws/lambda/logs-echo", filterPattern: '"said popcorn"' }));
    expect(said.events).toHaveLength(1);
    expect(said.events?.[0]?.message).toMatch(/\tINFO\tsaid popcorn\n$/);
    const platform = await logs.send(new FilterLogEventsCommand({ logGroupName: "/aws/lambda/logs-echo", filterPattern: "?START ?REPORT" }));
    // The filter matches a term inside a word, so the environment's INIT_START line (which names the Node.js that ran it) matches START too.
    expect(platform.events?.map((e) => e.message?.split(" ")[0])).toEqual(["INIT_START", "START", "REPORT"]);
  });
});

describe("filter patterns", () => {
  it("match terms, phrases, any-of and exclusions case-sensitively, and refuse JSON patterns", () => {
    expect(compileFilterPattern("ERROR")("an ERROR here")).toBe(true);
    expect(compileFilterPattern("ERROR")("an error here")).toBe(false);
    expect(compileFilterPattern('"timed out"')("Task timed out after")).toBe(true);
    expect(compileFilterPattern("?a ?b")("only b")).toBe(true);
    expect(compileFilterPattern("x -y")("x y")).toBe(false);
    expect(() => compileFilterPattern("{ $.level = 1 }")).toThrow(/not supported/);
  });
});
