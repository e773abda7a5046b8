import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  PutFunctionConcurrencyCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRouter } from "../core/router.js";
import { createLambdaService } from "./api.js";
import { FunctionRegistry } from "./functions.js";
import { handlerZip, TEST_ROLE } from "./test-support/handler-zip.js";

let server: Server;
let registry: FunctionRegistry;
let client: LambdaClient;
let url: string;

beforeAll(async () => {
  registry = new FunctionRegistry({ endpointUrl: () => url });
  const service = createLambdaService({
    registry,
    eventSourceMappings: {
      list: (filter) =>
        filter.functionArn?.endsWith(":function:api-echo")
          ? [{ UUID: "m-1", FunctionArn: filter.functionArn, EventSourceArn: "arn:aws:sqs:us-east-1:000000000000:q", BatchSize: 10, State: "Enabled" }]
          : [],
      get: () => undefined,
      create: () => ({}),
      update: () => ({}),
      delete: () => ({}),
      tagsOf: () => undefined,
      snapshot: () => [],
      restore: () => undefined,
    },
  });
  server = createServer(createRouter({ services: [service], fallbackHost: () => "127.0.0.1" }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new LambdaClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
});

afterAll(async () => {
  client?.destroy();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await registry?.close();
});

const decode = (bytes?: Uint8Array) => JSON.parse(Buffer.from(bytes ?? []).toString("utf8")) as unknown;

describe("Lambda REST-JSON API through the SDK's LambdaClient", () => {
  it("creates, invokes, describes and lists a function", async () => {
    const created = await client.send(
      new CreateFunctionCommand({
        FunctionName: "api-echo",
        Role: TEST_ROLE,
        Runtime: "nodejs22.x",
        Handler: "index.handler",
        Code: { ZipFile: handlerZip({ "index.mjs": `export const handler = async (event, context) => { console.log("echo", event.word); return { echoed: event.word, fn: context.functionName }; };` }) },
        Environment: { Variables: { STAGE: "test" } },
      }),
    );
    expect(created).toMatchObject({ FunctionName: "api-echo", State: "Active", FunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:api-echo" });

    const invoked = await client.send(new InvokeCommand({ FunctionName: "api-echo", Payload: Buffer.from(JSON.stringify({ word: "hello" })), LogType: "Tail" }));
    expect(invoked.StatusCode).toBe(200);
    expect(invoked.FunctionError).toBeUndefined();
    expect(invoked.ExecutedVersion).toBe("$LATEST");
    expect(decode(invoked.Payload)).toEqual({ echoed: "hello", fn: "api-echo" });
    const tail = Buffer.from(invoked.LogResult ?? "", "base64").toString("utf8");
    expect(tail).toMatch(/\tINFO\techo hello\n/);
    expect(tail).toMatch(/REPORT RequestId: \S+\tDuration/);

    const got = await client.send(new GetFunctionCommand({ FunctionName: "api-echo" }));
    expect(got.Configuration?.Environment?.Variables).toEqual({ STAGE: "test" });
    expect(got.Code?.Location).toBe(`${url}/_movies/lambda/code/api-echo.zip`);
    const zip = await fetch(got.Code?.Location ?? "");
    expect(zip.status).toBe(200);
    expect(Buffer.from(await zip.arrayBuffer()).subarray(0, 2).toString()).toBe("PK");

    const listed = await client.send(new ListFunctionsCommand({}));
    expect(listed.Functions?.map((f) => f.FunctionName)).toContain("api-echo");

    const mappings = await client.send(new ListEventSourceMappingsCommand({ FunctionName: "api-echo" }));
    expect(mappings.EventSourceMappings).toEqual([expect.objectContaining({ UUID: "m-1", BatchSize: 10, State: "Enabled" })]);
  });

  it("returns function errors with X-Amz-Function-Error and the error payload", async () => {
    await client.send(
      new CreateFunctionCommand({
        FunctionName: "api-fail",
        Role: TEST_ROLE,
        Runtime: "nodejs22.x",
        Handler: "index.handler",
        Code: { ZipFile: handlerZip({ "index.mjs": `export const handler = async () => { throw new Error("movie not valid"); };` }) },
      }),
    );
    const result = await client.send(new InvokeCommand({ FunctionName: "api-fail", Payload: Buffer.from("{}") }));
    expect(result.StatusCode).toBe(200);
    expect(result.FunctionError).toBe("Unhandled");
    expect(decode(result.Payload)).toMatchObject({ errorType: "Error", errorMessage: "movie not valid" });
  });

  it("answers Event with 202 and DryRun with 204", async () => {
    const event = await client.send(new InvokeCommand({ FunctionName: "api-echo", InvocationType: "Event", Payload: Buffer.from('{"word":"later"}') }));
    expect(event.StatusCode).toBe(202);
    const dry = await client.send(new InvokeCommand({ FunctionName: "api-echo", InvocationType: "DryRun" }));
    expect(dry.StatusCode).toBe(204);
    await registry.asyncIdle();
    expect(registry.logs.query({ functionName: "api-echo" }).some((e) => e.message.endsWith("\tINFO\techo later"))).toBe(true);
  });

  it("updates code and configuration", async () => {
    await client.send(
      new UpdateFunctionCodeCommand({ FunctionName: "api-echo", ZipFile: handlerZip({ "index.mjs": `export const handler = async () => ({ stage: process.env.STAGE, v: 2 });` }) }),
    );
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: "api-echo", Environment: { Variables: { STAGE: "prod" } }, Timeout: 10 }));
    const result = await client.send(new InvokeCommand({ FunctionName: "api-echo" }));
    expect(decode(result.Payload)).toEqual({ stage: "prod", v: 2 });
    const config = await client.send(new GetFunctionCommand({ FunctionName: "api-echo" }));
    expect(config.Configuration?.Timeout).toBe(10);
  });

  it("adds permissions and shows them in the policy", async () => {
    const added = await client.send(
      new AddPermissionCommand({
        FunctionName: "api-echo",
        StatementId: "allow-apigw",
        Action: "lambda:InvokeFunction",
        Principal: "apigateway.amazonaws.com",
        SourceArn: "arn:aws:execute-api:us-east-1:000000000000:abc/*/*",
      }),
    );
    expect(JSON.parse(added.Statement ?? "{}")).toMatchObject({ Sid: "allow-apigw", Principal: { Service: "apigateway.amazonaws.com" } });
    const policy = await client.send(new GetPolicyCommand({ FunctionName: "api-echo" }));
    expect(JSON.parse(policy.Policy ?? "{}").Statement).toHaveLength(1);
  });

  it("reserves concurrency and shows it in GetFunction", async () => {
    const put = await client.send(new PutFunctionConcurrencyCommand({ FunctionName: "api-echo", ReservedConcurrentExecutions: 3 }));
    expect(put.ReservedConcurrentExecutions).toBe(3);
    const got = await client.send(new GetFunctionCommand({ FunctionName: "api-echo" }));
    expect(got.Concurrency?.ReservedConcurrentExecutions).toBe(3);
    await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: "api-echo" }));
    expect((await client.send(new GetFunctionCommand({ FunctionName: "api-echo" }))).Concurrency).toBeUndefined();
  });

  it("maps errors to the SDK's exceptions", async () => {
    await expect(client.send(new InvokeCommand({ FunctionName: "missing" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
      message: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing",
      $metadata: { httpStatusCode: 404 },
    });
    await expect(client.send(new InvokeCommand({ FunctionName: "api-echo", Payload: Buffer.from("{oops") }))).rejects.toMatchObject({
      name: "InvalidRequestContentException",
    });
    await expect(
      client.send(
        new CreateFunctionCommand({ FunctionName: "api-echo", Role: TEST_ROLE, Runtime: "nodejs22.x", Handler: "index.handler", Code: { ZipFile: handlerZip({ "index.mjs": "" }) } }),
      ),
    ).rejects.toMatchObject({ name: "ResourceConflictException", $metadata: { httpStatusCode: 409 } });
  });

  it("streams a function's logs as NDJSON for the CLI", async () => {
    const response = await fetch(`${url}/_movies/lambda/logs/api-echo?limit=3`);
    expect(response.status).toBe(200);
    const events = (await response.text()).trim().split("\n").map((l) => JSON.parse(l) as { message: string; timestamp: number });
    expect(events).toHaveLength(3);
    expect(events[2].message).toMatch(/^REPORT RequestId:/);
  });

  it("follows new log events as they are written", async () => {
    const controller = new AbortController();
    const response = await fetch(`${url}/_movies/lambda/logs/api-echo?since=${Date.now()}&follow=1`, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const invoked = await client.send(new InvokeCommand({ FunctionName: "api-echo" }));
    const requestId = invoked.$metadata.requestId;
    let text = "";
    while (!text.includes(`REPORT RequestId: ${requestId}`)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString("utf8");
    }
    controller.abort();
    const messages = text.trim().split("\n").map((l) => (JSON.parse(l) as { message: string }).message);
    expect(messages).toContain(`START RequestId: ${requestId} Version: $LATEST`);
    expect(messages.some((m) => m.startsWith(`REPORT RequestId: ${requestId}`))).toBe(true);
  });

  it("deletes a function", async () => {
    await client.send(new DeleteFunctionCommand({ FunctionName: "api-fail" }));
    await expect(client.send(new GetFunctionCommand({ FunctionName: "api-fail" }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });
});
