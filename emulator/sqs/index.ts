import { traceEnqueue } from "../trace/messaging.js";
import type { Tracer } from "../trace/tracer.js";
import type { Service, SqsDelivery } from "../core/service.js";
import { nonExistentQueue } from "./errors.js";
import { SqsModel } from "./model.js";
import { SqsService } from "./service.js";

export { SqsModel } from "./model.js";
export type { ReceivedMessage, ReceiveOptions } from "./queue.js";

export interface Sqs {
  service: Service;
  /** SNS fan-out into queues */
  delivery: SqsDelivery;
  /** in-process access (Lambda event source mappings): receive, delete, change visibility by queue ARN */
  model: SqsModel;
}

export function createSqs(opts: { accountId: string; tracer?: Tracer }): Sqs {
  const model = new SqsModel(opts.accountId);
  const delivery: SqsDelivery = {
    deliver(queueArn, message, trace) {
      const queue = model.queueByArn(queueArn);
      if (!queue) throw nonExistentQueue();
      const sent = queue.send({
        body: message.body,
        attributes: message.messageAttributes,
        delaySeconds: message.delaySeconds,
        senderId: opts.accountId,
      });
      if (trace && opts.tracer) traceEnqueue(opts.tracer, trace, queue.name, sent.id);
    },
    policyOf(queueArn) {
      return model.queueByArn(queueArn)?.settings.raw.Policy;
    },
  };
  return { service: new SqsService(model), delivery, model };
}
