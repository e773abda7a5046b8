import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { logger } from "./logger.js";
import { RequestError } from "./request-error.js";
import { headerValue } from "./request-headers.js";
import { badRequest, internalError } from "./responses.js";
import { traceContextFrom, type TraceContext } from "./traceparent.js";

export interface HttpRequest {
  event: APIGatewayProxyEvent;
  /** The caller's traceparent when valid, otherwise a new one: carried into events. */
  trace: TraceContext;
}

export type HttpRoute = (request: HttpRequest) => Promise<APIGatewayProxyResult>;
export type HttpHandler = (event: APIGatewayProxyEvent, context?: Context) => Promise<APIGatewayProxyResult>;

/**
 * The one place where API Gateway requests become responses: bad input is a
 * 400 that says what to fix; anything unexpected is a bare 500 whose details
 * (with the request id) go to the log, never to the caller.
 */
export function httpHandler(route: HttpRoute): HttpHandler {
  return async (event, context) => {
    const trace = traceContextFrom(headerValue(event.headers, "traceparent"));
    logger.resetKeys();
    if (context) logger.addContext(context);
    logger.appendKeys({
      requestId: event.requestContext?.requestId ?? context?.awsRequestId,
      traceId: trace.traceId,
    });
    try {
      return await route({ event, trace });
    } catch (error) {
      if (error instanceof RequestError) {
        logger.info("Rejected request", { message: error.message, errors: error.errors });
        return badRequest(error.message, error.errors);
      }
      logger.error("Unexpected failure handling request", {
        error: error as Error,
        httpMethod: event.httpMethod,
        path: event.path,
      });
      return internalError();
    }
  };
}
