import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { createFrontDoor } from "./core/front-door.js";
import { retention, type Retention } from "./core/retention.js";
import { createRouter, DEFAULT_ACCOUNT_ID } from "./core/router.js";
import type { Service, SqsDelivery } from "./core/service.js";
import { StateStore } from "./core/state-store.js";
import { createDynamoDb } from "./dynamodb/index.js";
import { createLogs, type LogsModel } from "./logs/index.js";
import { createSes } from "./ses/index.js";
import type { SesModel } from "./ses/model.js";
import { createSns, type SnsModel } from "./sns/index.js";
import { createSqs, type SqsModel } from "./sqs/index.js";
import { createSts } from "./sts/index.js";
import { withIamCheck } from "./admin/iam-guard.js";
import { createAdmin } from "./admin/index.js";
import { createConsole } from "./console/index.js";
import { snsLambdaDeliverer } from "./admin/sns-lambda-deliverer.js";
import type { StackStore } from "./admin/stack-store.js";
import { createApiGateway } from "./apigateway/index.js";
import type { ApiGatewayModel } from "./apigateway/model.js";
import { RequestLog } from "./apigateway/request-log.js";
import { notice } from "./core/notice.js";
import { lambdaApiMappings } from "./event-sources/mapping-api.js";
import { SqsEventSourceMappings } from "./event-sources/sqs-mappings.js";
import { queuePolicyGuard } from "./iam/queue-policy.js";
import { createLambdaService } from "./lambda/api.js";
import { createIam } from "./iam/index.js";
import type { PrincipalRegistry } from "./iam/principals.js";
import { FunctionRegistry, type FunctionIdentity } from "./lambda/functions.js";
import { LogStore } from "./lambda/logs/log-store.js";
import { createTraceAdminService } from "./trace/admin-service.js";
import { TraceStore, traceLimitFromEnv } from "./trace/store.js";
import { Tracer } from "./trace/tracer.js";
import { traceDeadLetter, traceEnqueue } from "./trace/messaging.js";
import { OtlpExporter } from "./trace/otlp-exporter.js";

export interface CloudOptions {
  /** 0 picks a free port */
  port: number;
  host?: string;
  /** keeps state across restarts; in memory when absent */
  stateDir?: string;
  accountId?: string;
  /** receives errors that would otherwise be lost (failed snapshot writes, 500s); the cloud never prints */
  onError?: (err: unknown) => void;
  /** how often expired DynamoDB TTL items are deleted (default 1000 ms) */
  ttlSweepMs?: number;
  /**
   * Check calls made with a function's credentials against its role (default
   * true; `--no-iam` turns it off). "strict" also refuses access keys the
   * cloud never issued, except the root key `test` (`--iam strict`).
   */
  iam?: boolean | "strict";
  /** region of stacks applied and functions created (default us-east-1) */
  region?: string;
  /** origins allowed besides loopback ones ("*" for all); MOVIES_CLOUD_ALLOWED_ORIGINS adds more */
  allowedOrigins?: string[];
  /** host names answered to besides loopback names and IP literals; MOVIES_CLOUD_ALLOWED_HOSTS adds more */
  allowedHosts?: string[];
  /** how many emails, log events per function and API requests are kept (see core/retention.ts for defaults and env vars) */
  retention?: Partial<Retention>;
  /** how many recent traces are kept (default 500, or MOVIES_TRACE_LIMIT); 0 records none */
  traceLimit?: number;
  /** an OpenTelemetry collector's OTLP/HTTP base URL: finished spans are sent to `<url>/v1/traces` (default MOVIES_OTLP_ENDPOINT) */
  otlpEndpoint?: string;
}

/** The compute side's models: functions' triggers, the REST API in front, applied stacks. */
export interface System {
  apigateway: ApiGatewayModel;
  requestLog: RequestLog;
  mappings: SqsEventSourceMappings;
  stacks: StackStore;
}

export interface Cloud {
  /** e.g. "http://127.0.0.1:4566" */
  url: string;
  port: number;
  host: string;
  accountId: string;
  stateDir?: string;
  /** every mounted service by name, in routing order */
  services: Record<string, Service>;
  /** SQS delivery for fan-out (SNS, Lambda) */
  sqs: SqsDelivery;
  /** in-process access to service state, for the Lambda runtime and stack loader */
  models: { sqs: SqsModel; sns: SnsModel; ses: SesModel; logs: LogsModel };
  /** Lambda functions, API Gateway, event source mappings, applied stacks */
  lambda: FunctionRegistry;
  iam: PrincipalRegistry;
  system: System;
  /** dynalite's own loopback URL, for benchmarks and diagnostics */
  dynaliteUrl: string;
  /** recent traces of requests, invocations and the calls they made (`/_movies/traces`) */
  traces: TraceStore;
  /** stops accepting requests, closes services, writes the final snapshots */
  stop(): Promise<void>;
}

/** Starts the embedded cloud: one HTTP server, one port, every service behind one router. */
export async function startCloud(opts: CloudOptions): Promise<Cloud> {
  const host = opts.host ?? "127.0.0.1";
  const accountId = opts.accountId ?? DEFAULT_ACCOUNT_ID;
  const stateDir = opts.stateDir ? resolve(opts.stateDir) : undefined;
  const onError = opts.onError ?? (() => undefined);

  const region = opts.region ?? "us-east-1";
  let boundPort = opts.port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const cloudUrl = () => `http://${urlHost}:${boundPort}`;

  const { service: iamService, model: iam } = createIam({ accountId, mode: opts.iam });
  const keep = retention(opts.retention);
  const traceLimit = opts.traceLimit ?? traceLimitFromEnv();
  // a limit of 0 turns recording off: no service gets a tracer, the endpoints list nothing
  const traces = new TraceStore(Math.max(1, traceLimit));
  const tracer = traceLimit > 0 ? new Tracer(traces) : undefined;
  const otlpEndpoint = opts.otlpEndpoint ?? (process.env.MOVIES_OTLP_ENDPOINT || undefined);
  const exporter = otlpEndpoint ? new OtlpExporter({ endpoint: otlpEndpoint, onError: (e) => onError(notice(e.message)) }) : undefined;
  if (exporter) traces.subscribe((span) => exporter.offer(span));
  const lambda = new FunctionRegistry({ accountId, region, stateDir, endpointUrl: cloudUrl, identity: functionIdentity(iam), logs: new LogStore(keep.logEventsPerFunction), tracer });
  const dynamodb = await createDynamoDb({ stateDir, onError, ttlSweepMs: opts.ttlSweepMs, accountId, region });
  const sqs = createSqs({ accountId, tracer });
  if (tracer) sqs.model.onSent = (queue, m, trace) => traceEnqueue(tracer, trace, queue.name, m.id);
  if (tracer) sqs.model.onDeadLetter = (from, m, to) =>
    traceDeadLetter(tracer, from.name, to.name, { id: m.id, sentAt: m.sentAt, traceparent: m.attributes?.traceparent?.StringValue, receiveCount: m.receiveCount });
  const sns = createSns({
    accountId,
    sqs: sqs.delivery,
    deliverers: { lambda: snsLambdaDeliverer(lambda, iam) },
    guard: queuePolicyGuard(sqs.delivery, iam, onError),
    tracer,
  });
  const ses = createSes({ accountId, mailboxLimit: keep.mailboxMessages });
  const logs = createLogs({ accountId, region, lambdaLogs: lambda.logs });
  const mappings = new SqsEventSourceMappings({ sqs: sqs.model, lambda: () => lambda, region, onError: (message) => onError(notice(message)), tracer });
  const lambdaService = createLambdaService({ registry: lambda, eventSourceMappings: lambdaApiMappings(mappings, (ref) => lambda.get(ref).FunctionArn) });
  const requestLog = new RequestLog(keep.apiRequests);
  const apigateway = createApiGateway({ accountId, lambda: () => lambda, log: requestLog, tracer, onExecutionError: (message) => onError(notice(`API Gateway: ${message}`)) });
  const admin = createAdmin({
    region,
    deps: { accountId, cloudUrl, sqs: sqs.model, sns: sns.model, ses: ses.model, apigateway: apigateway.model, lambda, mappings, iam, logs: logs.model },
    apiRequests: requestLog,
    onError,
  });
  const system: System = { apigateway: apigateway.model, requestLog, mappings, stacks: admin.stacks };
  const consoleUi = createConsole({ region, accountId, cloudUrl, sqs: sqs.model, sns: sns.model, ses: ses.model, lambda, logs: lambda.logs, requestLog, stacks: admin.stacks, traces });
  const closeSystem = async () => {
    mappings.close();
    admin.close();
  };
  const guard = (s: Service) =>
    withIamCheck(s, {
      iam,
      resourcePolicyOf: (arn) => sqs.delivery.policyOf(arn),
      sesIdentityExists: (r, identity) => ses.model.identity(r, identity) !== undefined,
      tracer,
    });
  // Routing order: the AWS services, then the Lambda API, API Gateway's data and control planes, Logs and the admin API.
  const services: Service[] = [
    guard(dynamodb.service),
    guard(sqs.service),
    guard(sns.service),
    guard(ses.service),
    guard(createSts({ accountId, principalOf: (key) => iam.principalFor(key) }).service),
    guard(iamService),
    guard(lambdaService),
    apigateway.dataPlane,
    guard(apigateway.controlPlane),
    guard(logs.service),
    createTraceAdminService(traces, exporter),
    consoleUi.service,
    admin.service,
  ];

  let store: StateStore | undefined;
  if (stateDir) {
    try {
      // The admin API applies stacks, which change other services' documents.
      store = StateStore.open(stateDir, services, { controlPlane: ["admin"], onError });
    } catch (err) {
      await closeSystem();
      await Promise.allSettled(services.map((s) => s.close?.()));
      throw err;
    }
    // Pollers start once every service holds its state, whatever order the rows were read in.
    admin.restartMappings();
    store.start();
  }

  const server: Server = createServer(
    createRouter({
      services,
      accountId,
      fallbackHost: () => `${host}:${boundPort}`,
      healthExtra: () => ({ stateDir: stateDir ?? null, pid: process.pid, ...(store && { stateStore: store.stats() }) }),
      onInternalError: onError,
      frontDoor: createFrontDoor({ allowedOrigins: opts.allowedOrigins, allowedHosts: opts.allowedHosts }),
      beforeReply: store && ((service) => store!.beforeReply(service)),
    }),
  );
  // Garbage that is not HTTP gets a 400 instead of an unhandled error.
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    else socket.destroy();
  });
  try {
    await new Promise<void>((ok, fail) => {
      server.once("error", fail);
      server.listen(opts.port, host, () => {
        server.off("error", fail);
        ok();
      });
    });
  } catch (err) {
    try {
      store?.close();
    } catch (closeErr) {
      onError(closeErr);
    }
    await closeSystem();
    await Promise.allSettled(services.map((s) => s.close?.()));
    throw err;
  }
  boundPort = (server.address() as AddressInfo).port;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      server.closeIdleConnections();
      // Pollers stop first, so no invocation starts while functions close.
      await closeSystem();
      // Services end their long polls first, so open requests can finish.
      const results = await Promise.allSettled(services.map((s) => s.close?.()));
      store?.close();
      await exporter?.close();
      server.closeAllConnections();
      await closed;
      for (const r of results) if (r.status === "rejected") onError(r.reason);
    })());

  return {
    url: cloudUrl(),
    port: boundPort,
    host,
    accountId,
    stateDir,
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    sqs: sqs.delivery,
    models: { sqs: sqs.model, sns: sns.model, ses: ses.model, logs: logs.model },
    lambda,
    iam,
    system,
    dynaliteUrl: dynamodb.dynaliteUrl,
    traces,
    stop,
  };
}

/** Functions get their role and per-environment credentials from the IAM model, however they were created. */
function functionIdentity(iam: PrincipalRegistry): FunctionIdentity {
  return {
    assign: (name, roleArn) => iam.registerFunction(name, roleArn),
    forget: (name) => iam.unregisterFunction(name),
    issue: (name) => iam.issueSession(name),
    end: (key) => iam.endSession(key),
  };
}
