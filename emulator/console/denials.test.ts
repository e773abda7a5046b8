import { describe, expect, it } from "vitest";
import type { FunctionRegistry } from "../lambda/functions.js";
import { LogStore } from "../lambda/logs/log-store.js";
import { denials } from "./denials.js";

const registry = { list: () => [{ FunctionName: "get-movie" }, { FunctionName: "email-notification" }] } as unknown as FunctionRegistry;

function log(store: LogStore, functionName: string, requestId: string, message: string, timestamp: number): void {
  store.append({ functionName, logGroupName: `/aws/lambda/${functionName}`, logStreamName: "s", timestamp, requestId, message });
}

describe("IAM denials from the functions' logs", () => {
  it("names the function, the role, the missing permission and the resource, once per call, newest first", () => {
    const store = new LogStore();
    const message = "User: arn:aws:sts::000000000000:assumed-role/get-movie-role/get-movie is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/Movies because no identity-based policy allows the dynamodb:GetItem action";
    log(store, "get-movie", "r1", `{"level":"ERROR","message":"Unexpected failure handling request","error":{"name":"AccessDeniedException","message":"${message}","stack":"AccessDeniedException: ${message}\\n    at x"}}`, 1000);
    log(store, "get-movie", "r1", `2026-12-02T00:00:00.000Z\tr1\tERROR\tAccessDeniedException: ${message}`, 1001);
    log(store, "get-movie", "r2", "START RequestId: r2 Version: $LATEST", 1500);
    log(store, "email-notification", "r3", "AccessDenied: User `arn:aws:sts::000000000000:assumed-role/email-role/email-notification' is not authorized to perform `ses:SendEmail' on resource `arn:aws:ses:us-east-1:000000000000:identity/movies@example.com'", 2000);
    const found = denials(registry, store);
    expect(found.map((d) => [d.function, d.role, d.action, d.resource])).toEqual([
      ["email-notification", "email-role", "ses:SendEmail", "arn:aws:ses:us-east-1:000000000000:identity/movies@example.com"],
      ["get-movie", "get-movie-role", "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:000000000000:table/Movies"],
    ]);
    expect(found[1]!.requestId).toBe("r1");
    expect(found[1]!.message).toBe(message);
  });
});
