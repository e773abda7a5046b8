import type { APIGatewayProxyResult } from "aws-lambda";
import type { FieldError } from "./request-error.js";

const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8" };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** 204 carries no body, so no Content-Type either. */
export function noContent(): APIGatewayProxyResult {
  return { statusCode: 204, headers: {}, body: "" };
}

export function badRequest(message: string, errors: FieldError[]): APIGatewayProxyResult {
  return json(400, { message, errors });
}

export function notFound(): APIGatewayProxyResult {
  return json(404, { message: "Movie not found" });
}

/** Never carries details: those go to the log with the request id. */
export function internalError(): APIGatewayProxyResult {
  return json(500, { message: "Internal server error" });
}
