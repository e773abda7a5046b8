import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient, UpdateFunctionCodeCommand } from "@aws-sdk/client-lambda";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { APIGatewayProxyEventSchema } from "@aws-lambda-powertools/parser/schemas/api-gateway";
import { SqsSchema } from "@aws-lambda-powertools/parser/schemas/sqs";
import { strToU8, zipSync } from "fflate";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type Cloud } from "../emulator/cloud.js";
import { ensureBuilt } from "./support/built-functions.js";
import { moviesStack, type SynthesizedStack } from "./support/movies-stack.js";
import { until } from "./support/until.js";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
type Outputs = Record<string, { value: any; sensitive: boolean }>;

describe("the MoviesStack applied to the embedded cloud", () => {
  let cloud: Cloud;
  let stack: SynthesizedStack;
  let functionsDir: string;
  let outputs: Outputs;
  let api: string;
  let key: string;
  let sqs: SQSClient;
  let lambda: LambdaClient;
  let tailUrl: string;
  const errors: unknown[] = [];

  const apply = async (template: object) => {
    const res = await fetch(`${cloud.url}/_movies/stacks/movies`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ template, assets: stack.assets }) });
    const body = (await res.json()) as { outputs: Outputs; changes: { address: string; action: string }[]; message?: string };
    if (res.status !== 200) throw new Error(`apply answered ${res.status}: ${body.message}`);
    return body;
  };
  const mailbox = async () => ((await (await fetch(`${cloud.url}/_aws/ses`)).json()) as { messages: { Subject?: string; Source: string; Destination: { ToAddresses: string[] } }[] }).messages;
  const functionLog = async (fn: string) => (await (await fetch(`${cloud.url}/_movies/logs?function=${fn}&since=0`)).text()).trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { message: string; requestId?: string });
  const write = (method: string, path: string, body?: unknown) =>
    fetch(`${api}${path}`, { method, headers: { "x-api-key": key, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

  beforeAll(async () => {
    functionsDir = await ensureBuilt();
    stack = await moviesStack(functionsDir);
    cloud = await startCloud({ port: 0, onError: (e) => errors.push(e) });
    const result = await apply(stack.template);
    outputs = result.outputs;
    api = outputs.api_url.value;
    key = outputs.api_key.value;
    sqs = new SQSClient({ endpoint: cloud.url, region: "us-east-1", credentials });
    lambda = new LambdaClient({ endpoint: cloud.url, region: "us-east-1", credentials });
    // a queue of our own on the topic, to see every event the functions publish
    const sns = new SNSClient({ endpoint: cloud.url, region: "us-east-1", credentials });
    const tail = await sqs.send(new CreateQueueCommand({
      QueueName: "e2e-tail",
      Attributes: { Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:000000000000:e2e-tail", Condition: { ArnEquals: { "aws:SourceArn": outputs.topic_arn.value } } }] }) },
    }));
    tailUrl = tail.QueueUrl!;
    await sns.send(new SubscribeCommand({ TopicArn: outputs.topic_arn.value, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:e2e-tail", Attributes: { RawMessageDelivery: "true" } }));
  }, 180_000);

  afterAll(async () => {
    await cloud?.stop();
  });

  it("applies every resource and returns the stack outputs as Terraform would", () => {
    expect(outputs.api_url.value).toMatch(new RegExp(`^${cloud.url}/restapis/[a-z0-9]{10}/live/_user_request_$`));
    expect(outputs.api_key.sensitive).toBe(true);
    expect(outputs.table_name.value).toBe("Movies");
    expect(outputs.queue_url.value).toBe(`${cloud.url}/000000000000/movie-updates-queue`);
    expect(Object.keys(outputs.function_names.value).sort()).toEqual(["create-movie", "delete-movie", "email-notification", "get-movie", "list-movies", "update-movie"]);
  });

  it("re-applying the same stack changes nothing", async () => {
    const again = await apply(stack.template);
    expect(again.changes.filter((c) => c.action !== "noop")).toEqual([]);
  });

  it("creates, reads, lists, updates and deletes movies, publishing three events and sending three emails", async () => {
    expect((await fetch(`${api}/movies`, { method: "POST", body: "{}" })).status).toBe(403);

    const created = await write("POST", "/movies", { title: "Heat", rating: 8.3, genres: ["crime", "drama"] });
    expect(created.status).toBe(201);
    const movie = (await created.json()) as { id: string; title: string };
    expect(movie.title).toBe("Heat");

    const dynamodb = new DynamoDBClient({ endpoint: cloud.url, region: "us-east-1", credentials });
    const item = await dynamodb.send(new GetItemCommand({ TableName: "Movies", Key: { ID: { S: movie.id } } }));
    expect(item.Item?.Title?.S).toBe("Heat");
    expect(item.Item?.Genres?.SS?.sort()).toEqual(["crime", "drama"]);

    const got = await fetch(`${api}/movies/${movie.id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual({ id: movie.id, title: "Heat", rating: 8.3, genres: ["crime", "drama"] });

    const listed = (await (await fetch(`${api}/movies`)).json()) as { items: { id: string }[] };
    expect(listed.items.map((m) => m.id)).toContain(movie.id);

    const updated = await write("PUT", `/movies/${movie.id}`, { title: "Heat (1995)", rating: 9, genres: ["crime"] });
    expect(updated.status).toBe(200);
    const afterUpdate = await dynamodb.send(new GetItemCommand({ TableName: "Movies", Key: { ID: { S: movie.id } } }));
    expect(afterUpdate.Item?.Title?.S).toBe("Heat (1995)");

    expect((await write("DELETE", `/movies/${movie.id}`)).status).toBe(204);
    expect((await dynamodb.send(new GetItemCommand({ TableName: "Movies", Key: { ID: { S: movie.id } } }))).Item).toBeUndefined();
    expect((await fetch(`${api}/movies/${movie.id}`)).status).toBe(404);

    const events: Message[] = [];
    await until("three events on the topic", async () => {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: tailUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }));
      events.push(...(r.Messages ?? []));
      return events.length >= 3 ? true : undefined;
    }, 30_000);
    expect(events.map((e) => e.MessageAttributes?.Type?.StringValue)).toEqual(["MovieCreated", "MovieUpdated", "MovieDeleted"]);
    expect(JSON.parse(events[2]!.Body!)).toEqual({ id: movie.id });

    const subjects = await until("three emails", async () => {
      const s = (await mailbox()).map((m) => m.Subject);
      return s.length >= 3 ? s : undefined;
    });
    expect(subjects).toEqual(["New Movie Added: Heat", "Movie Updated: Heat (1995)", `Movie Deleted. ID: ${movie.id}`]);
    const mail = (await mailbox())[0]!;
    expect(mail.Source).toBe("sender@example.com");
    expect(mail.Destination.ToAddresses).toEqual(["recipient@example.com"]);
  }, 60_000);

  it("sends one email for a message delivered twice", async () => {
    const before = (await mailbox()).length;
    const record = {
      messageId: "0f6b1c4e-2d2a-4c55-9f7e-5d1a7c3e9b11",
      receiptHandle: "handle",
      body: JSON.stringify({ id: "twice-1", title: "Twice", rating: 5, genres: ["drama"] }),
      attributes: { ApproximateReceiveCount: "1", SentTimestamp: String(Date.now()), SenderId: "000000000000", ApproximateFirstReceiveTimestamp: String(Date.now()) },
      messageAttributes: { Type: { stringValue: "MovieCreated", stringListValues: [], binaryListValues: [], dataType: "String" } },
      md5OfBody: "x",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:movie-updates-queue",
      awsRegion: "us-east-1",
    };
    for (let i = 0; i < 2; i++) {
      const r = await lambda.send(new InvokeCommand({ FunctionName: "email-notification", Payload: JSON.stringify({ Records: [record] }) }));
      expect(r.FunctionError).toBeUndefined();
      expect(JSON.parse(Buffer.from(r.Payload!).toString())).toEqual({ batchItemFailures: [] });
    }
    const subjects = (await mailbox()).slice(before).map((m) => m.Subject);
    expect(subjects).toEqual(["New Movie Added: Twice"]);
  });

  it("moves a message with an unknown Type to the dead-letter queue after 5 receives", async () => {
    // AWS's 180 s visibility timeout would make five receives take 15 minutes. The
    // mapping changes too, so its poller starts a new long poll under the new timeout
    // (a receive already waiting keeps the timeout it started with).
    const quick = structuredClone(stack.template);
    quick.resource.aws_sqs_queue.movie_updates_queue.visibility_timeout_seconds = 1;
    quick.resource.aws_lambda_event_source_mapping.email_notification_queue_trigger.maximum_batching_window_in_seconds = 0;
    const changed = await apply(quick);
    expect(changed.changes.filter((c) => c.action !== "noop")).toEqual([
      { address: "aws_sqs_queue.movie_updates_queue", action: "update" },
      { address: "aws_lambda_event_source_mapping.email_notification_queue_trigger", action: "update" },
    ]);

    await sqs.send(new SendMessageCommand({ QueueUrl: outputs.queue_url.value, MessageBody: JSON.stringify({ id: "x" }), MessageAttributes: { Type: { DataType: "String", StringValue: "MovieRenamed" } } }));
    const dead = await until("the message in the DLQ", async () => {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: outputs.dlq_url.value, WaitTimeSeconds: 1, MessageSystemAttributeNames: ["ApproximateReceiveCount"], MessageAttributeNames: ["All"] }));
      return r.Messages?.[0];
    }, 30_000);
    expect(dead.MessageAttributes?.Type?.StringValue).toBe("MovieRenamed");
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: outputs.queue_url.value, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
    expect(attrs.Attributes).toMatchObject({ ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0" });
    const failures = (await functionLog("email-notification")).filter((l) => l.message.includes('Unknown event type \\"MovieRenamed\\"'));
    // one invocation per receive
    expect(new Set(failures.map((l) => l.requestId)).size).toBe(5);
    await apply(stack.template);
  }, 60_000);

  it("answers GET with 500 and logs AccessDenied when the get-movie role lacks dynamodb:GetItem", async () => {
    const created = (await (await write("POST", "/movies", { title: "Alien", rating: 8.5, genres: ["horror"] })).json()) as { id: string };
    const variant = structuredClone(stack.template);
    variant.data.aws_iam_policy_document.get_movie_policy.statement[0].actions = ["dynamodb:Query"];
    const changed = await apply(variant);
    expect(changed.changes.filter((c) => c.action !== "noop").map((c) => c.address)).toContain("aws_iam_role_policy.get_movie_role_policy");
    const since = Date.now();
    const res = await fetch(`${api}/movies/${created.id}`);
    expect(res.status).toBe(500);
    const logs = (await functionLog("get-movie")).filter((l) => l.message.includes("AccessDenied"));
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.some((l) => l.message.includes("assumed-role/get-movie-role/get-movie is not authorized to perform: dynamodb:GetItem"))).toBe(true);
    expect(since).toBeGreaterThan(0);

    await apply(stack.template);
    expect((await fetch(`${api}/movies/${created.id}`)).status).toBe(200);
  }, 60_000);

  it("builds API Gateway and SQS events that the Powertools parser schemas accept", async () => {
    const echo = zipSync({ "index.mjs": [strToU8('export const handler = async (event) => { console.log("EVENT " + JSON.stringify(event)); return { statusCode: 200, body: "{}", batchItemFailures: [] }; };\n'), { mtime: new Date("2020-01-01T00:00:00Z") }] });
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: "get-movie", ZipFile: echo }));
    expect((await fetch(`${api}/movies/abc?x=1&x=2`, { headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" } })).status).toBe(200);
    const apiEvent = JSON.parse((await functionLog("get-movie")).map((l) => l.message).find((m) => m.includes("EVENT "))!.split("EVENT ")[1]!);
    expect(APIGatewayProxyEventSchema.safeParse(apiEvent).success).toBe(true);
    expect(apiEvent.pathParameters).toEqual({ movieID: "abc" });
    expect(apiEvent.multiValueQueryStringParameters).toEqual({ x: ["1", "2"] });

    const queue = await sqs.send(new CreateQueueCommand({ QueueName: "e2e-echo" }));
    cloud.system.mappings.create({ functionArn: "arn:aws:lambda:us-east-1:000000000000:function:get-movie", eventSourceArn: "arn:aws:sqs:us-east-1:000000000000:e2e-echo" });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.QueueUrl, MessageBody: "hello", MessageAttributes: { Type: { DataType: "String", StringValue: "MovieCreated" } } }));
    const sqsEvent = await until("the SQS event", async () => {
      const line = (await functionLog("get-movie")).map((l) => l.message).find((m) => m.includes('EVENT {"Records"'));
      return line ? JSON.parse(line.split("EVENT ")[1]!) : undefined;
    });
    expect(SqsSchema.safeParse(sqsEvent).success).toBe(true);
    expect(sqsEvent.Records[0].body).toBe("hello");
    for (const m of cloud.system.mappings.list({ eventSourceArn: "arn:aws:sqs:us-east-1:000000000000:e2e-echo" })) cloud.system.mappings.delete(m.uuid);
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: "get-movie", ZipFile: readFileSync(join(functionsDir, "get-movie.zip")) }));
  }, 60_000);

  it("serves 50 concurrent invocations of one function", async () => {
    const created = (await (await write("POST", "/movies", { title: "Ran", rating: 8.2, genres: ["war"] })).json()) as { id: string };
    const event = { resource: "/movies/{movieID}", path: `/movies/${created.id}`, httpMethod: "GET", headers: {}, multiValueHeaders: {}, queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: { movieID: created.id }, stageVariables: null, requestContext: { requestId: "r", stage: "live", httpMethod: "GET", resourcePath: "/movies/{movieID}", identity: { sourceIp: "127.0.0.1" } }, body: null, isBase64Encoded: false };
    const results = await Promise.all(Array.from({ length: 50 }, () => lambda.send(new InvokeCommand({ FunctionName: "get-movie", Payload: JSON.stringify(event) }))));
    const answers = results.map((r) => ({ error: r.FunctionError, status: JSON.parse(Buffer.from(r.Payload!).toString()).statusCode }));
    expect(answers).toEqual(Array.from({ length: 50 }, () => ({ error: undefined, status: 200 })));
  }, 60_000);

  it("reports resource types it does not emulate by name and applies nothing", async () => {
    const res = await fetch(`${cloud.url}/_movies/stacks/other`, { method: "PUT", body: JSON.stringify({ template: { resource: { aws_s3_bucket: { b: { bucket: "x" } }, aws_sqs_queue: { q: { name: "never-made" } } } } }) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { unsupported: string[] }).unsupported).toEqual(["aws_s3_bucket"]);
    expect(cloud.models.sqs.getQueue("us-east-1", "never-made")).toBeUndefined();
  });

  it("destroys the stack", async () => {
    const res = await fetch(`${cloud.url}/_movies/stacks/movies`, { method: "DELETE" });
    expect(res.status).toBe(200);
    const { changes } = (await res.json()) as { changes: { action: string }[] };
    expect(changes.every((c) => c.action === "delete")).toBe(true);
    expect(changes.length).toBe(Object.values(stack.template.resource as Record<string, object>).reduce((n, byName) => n + Object.keys(byName).length, 0));
    expect((await fetch(`${cloud.url}/_movies/stacks/movies`)).status).toBe(404);
    expect(cloud.lambda.list()).toEqual([]);
    expect(errors.filter((e) => !String(e).includes("e2e")).map(String)).toEqual([]);
  });
});
