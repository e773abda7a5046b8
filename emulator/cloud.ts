import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { createRouter, DEFAULT_ACCOUNT_ID } from "./core/router.js";
import type { Service, SqsDelivery } from "./core/service.js";
import { StateStore } from "./core/state-store.js";
import { createDynamoDb } from "./dynamodb/index.js";
import { createSes } from "./ses/index.js";
import type { SesModel } from "./ses/model.js";
import { createSns, type SnsModel } from "./sns/index.js";
import { createSqs, type SqsModel } from "./sqs/index.js";
import { createSts } from "./sts/index.js";
import { withIamCheck } from "./admin/iam-guard.js";
import { snsLambdaDeliverer } from "./admin/sns-lambda-deliverer.js";
import { createSystem, queuePolicyGuard, type System } from "./admin/system.js";
import { PrincipalRegistry } from "./iam/principals.js";
import { FunctionRegistry } from "./lambda/functions.js";

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
  /** check calls made with a function's credentials against its role (default true; `--no-iam` turns it off) */
  iam?: boolean;
  /** region of stacks applied and functions created (default us-east-1) */
  region?: string;
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
  models: { sqs: SqsModel; sns: SnsModel; ses: SesModel };
  /** Lambda functions, API Gateway, event source mappings, applied stacks */
  lambda: FunctionRegistry;
  iam: PrincipalRegistry;
  system: System;
  /** dynalite's own loopback URL, for benchmarks and diagnostics */
  dynaliteUrl: string;
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

  const iam = new PrincipalRegistry({ accountId, enforce: opts.iam ?? true });
  const lambda = new FunctionRegistry({ accountId, region, stateDir, endpointUrl: cloudUrl });
  const dynamodb = await createDynamoDb({ stateDir, onError, ttlSweepMs: opts.ttlSweepMs, accountId, region });
  const sqs = createSqs({ accountId });
  const sns = createSns({
    accountId,
    sqs: sqs.delivery,
    deliverers: { lambda: snsLambdaDeliverer(lambda, iam) },
    guard: queuePolicyGuard(sqs.delivery, iam, onError),
  });
  const ses = createSes({ accountId });
  const system = createSystem({ accountId, region, cloudUrl, lambda, iam, sqs: sqs.model, sns: sns.model, ses: ses.model, onError });
  const guard = (s: Service) =>
    withIamCheck(s, {
      iam,
      resourcePolicyOf: (arn) => sqs.delivery.policyOf(arn),
      sesIdentityExists: (r, identity) => ses.model.identity(r, identity) !== undefined,
    });
  const [lambdaService, ...otherSystemServices] = system.services;
  const services: Service[] = [guard(dynamodb.service), guard(sqs.service), guard(sns.service), guard(ses.service), createSts({ accountId }).service];
  services.push(guard(lambdaService!), ...otherSystemServices);

  let store: StateStore | undefined;
  if (stateDir) {
    try {
      // The admin API applies stacks, which change other services' documents.
      store = StateStore.open(stateDir, services, { controlPlane: ["admin"], onError });
    } catch (err) {
      await system.close();
      await Promise.allSettled(services.map((s) => s.close?.()));
      throw err;
    }
    store.start();
  }

  const server: Server = createServer(
    createRouter({
      services,
      accountId,
      fallbackHost: () => `${host}:${boundPort}`,
      healthExtra: () => ({ stateDir: stateDir ?? null, ...(store && { stateStore: store.stats() }) }),
      onInternalError: onError,
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
    await system.close();
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
      await system.close();
      // Services end their long polls first, so open requests can finish.
      const results = await Promise.allSettled(services.map((s) => s.close?.()));
      store?.close();
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
    models: { sqs: sqs.model, sns: sns.model, ses: ses.model },
    lambda,
    iam,
    system,
    dynaliteUrl: dynamodb.dynaliteUrl,
    stop,
  };
}
