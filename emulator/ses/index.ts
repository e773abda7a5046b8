import type { Service } from "../core/service.js";
import { SesModel } from "./model.js";
import { sesService } from "./service.js";

export { SesModel } from "./model.js";
export type { SentEmail } from "./model.js";

/** SES v1 (awsQuery), SES v2 SendEmail (REST-JSON) and the `/_aws/ses` mailbox. */
export function createSes(opts: { accountId: string; mailboxLimit?: number }): { service: Service; model: SesModel } {
  const model = new SesModel(opts.mailboxLimit);
  return { service: sesService(model), model };
}
