import type { Service, SqsDelivery } from "../core/service.js";
import type { Deliverer, DeliveryFailure, DeliveryGuard } from "./delivery.js";
import { SnsModel } from "./model.js";
import { snsService } from "./service.js";
import type { Tracer } from "../trace/tracer.js";

export type { Deliverer, Delivery, DeliveryFailure, DeliveryGuard, SubscriptionTarget } from "./delivery.js";
export type { Notification } from "./envelope.js";
export { SnsModel } from "./model.js";

export interface CreateSnsOptions {
  accountId: string;
  sqs: SqsDelivery;
  /** extra deliverers by protocol (e.g. `lambda`); `sqs` is built in */
  deliverers?: Record<string, Deliverer>;
  /** resource-policy check run before every delivery; all deliveries pass when absent */
  guard?: DeliveryGuard;
  onDeliveryFailure?: (failure: DeliveryFailure) => void;
  tracer?: Tracer;
}

/** SNS over awsQuery, fanning out to SQS (and to whatever protocols are registered later). */
export function createSns(opts: CreateSnsOptions): { service: Service; model: SnsModel } {
  const model = new SnsModel({ sqs: opts.sqs, deliverers: opts.deliverers, guard: opts.guard, onDeliveryFailure: opts.onDeliveryFailure, tracer: opts.tracer });
  return { service: snsService(model), model };
}
