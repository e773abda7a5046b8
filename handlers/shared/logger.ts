import { Logger } from "@aws-lambda-powertools/logger";

/**
 * One structured JSON logger per execution environment. Handlers add the
 * request id and trace id per invocation so one change can be followed from
 * the HTTP call to the email.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "movies" });
