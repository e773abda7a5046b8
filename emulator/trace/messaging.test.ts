import { afterAll, describe, expect, it } from "vitest";
import type { CallContext } from "../core/service.js";
import { SqsModel } from "../sqs/model.js";
import { SQS_OPERATIONS } from "../sqs/operations.js";
import { traceEnqueue, traceQueueWait } from "./messaging.js";
import { TraceStore } from "./store.js";
import { Tracer } from "./tracer.js";

describe("messages followed from producer to consumer", () => {
  const sqs = new SqsModel("000000000000");
  afterAll(() => sqs.close());

  it("a function's SendMessage is followed to the consumer's wait, a redelivery waits from the previous receive", async () => {
    const store = new TraceStore();
    const tracer = new Tracer(store);
    sqs.onSent = (queue, m, trace) => traceEnqueue(tracer, trace, queue.name, m.id);
    const { queue } = sqs.createQueue("us-east-1", "jobs");
    const invocation = tracer.begin({ name: "worker", service: "lambda", operation: "Invoke" });
    const call = tracer.begin({ parent: invocation, name: "SQS.SendMessage", service: "sqs", operation: "SendMessage", kind: "client" });
    const ctx: CallContext = { requestId: "r", region: "us-east-1", accountId: "000000000000", baseUrl: "http://127.0.0.1:45660", trace: call };
    const sent = (await SQS_OPERATIONS.SendMessage!(sqs, { QueueUrl: "http://127.0.0.1:45660/000000000000/jobs", MessageBody: "hello" }, { ctx })) as { MessageId: string };
    tracer.end(call);
    tracer.end(invocation);

    const enqueue = store.get(call.traceId)!.spans.find((s) => s.name === "SQS enqueue jobs")!;
    expect(enqueue).toMatchObject({ parentSpanId: call.spanId, operation: "SendMessage", kind: "producer" });
    expect(enqueue.attributes["messaging.message.id"]).toBe(sent.MessageId);

    const [first] = await queue.receive({ maxMessages: 1, visibilityTimeout: 0, waitSeconds: 0 });
    const wait = traceQueueWait(tracer, "jobs", { id: first!.message.id, sentAt: first!.message.sentAt, receiveCount: first!.receiveCount })!;
    expect(wait).toMatchObject({ traceId: call.traceId, parentSpanId: enqueue.spanId, name: "SQS wait in jobs", kind: "consumer" });
    const [again] = await queue.receive({ maxMessages: 1, visibilityTimeout: 30, waitSeconds: 0 });
    const redelivery = traceQueueWait(tracer, "jobs", { id: again!.message.id, sentAt: again!.message.sentAt, receiveCount: again!.receiveCount })!;
    expect(redelivery.name).toBe("SQS redelivery jobs (receive 2)");
    expect(redelivery.startTime).toBeCloseTo(wait.startTime + wait.durationMs, 3);
  });

  it("a message from outside joins the trace its traceparent names, and one without belongs to none", () => {
    const tracer = new Tracer(new TraceStore());
    const joined = traceQueueWait(tracer, "jobs", { id: "m1", sentAt: Date.now() - 5, receiveCount: 1, traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" })!;
    expect(joined.traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(joined.parentSpanId).toBeUndefined();
    expect(joined.durationMs).toBeGreaterThanOrEqual(0);
    expect(traceQueueWait(tracer, "jobs", { id: "m2", sentAt: Date.now(), receiveCount: 1, traceparent: "garbage" })).toBeUndefined();
  });
});
