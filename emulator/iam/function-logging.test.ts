import { describe, expect, it } from "vitest";
import { functionMayWriteLogs } from "./function-logging.js";
import { PrincipalRegistry } from "./principals.js";

const ACCOUNT = "000000000000";

describe("functionMayWriteLogs", () => {
  const setup = (attachBasic: boolean) => {
    const r = new PrincipalRegistry({ accountId: ACCOUNT });
    r.putRole("role");
    r.putRolePolicy("role", "ddb", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "*" }] });
    if (attachBasic) r.attachRolePolicy("role", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
    r.registerFunction("get-movie", `arn:aws:iam::${ACCOUNT}:role/role`);
    return r;
  };

  it("allows a role with AWSLambdaBasicExecutionRole", () => {
    expect(functionMayWriteLogs(setup(true), "get-movie", "us-east-1").allowed).toBe(true);
  });

  it("refuses a role without log permissions and says how to fix it", () => {
    expect(functionMayWriteLogs(setup(false), "get-movie", "us-east-1")).toEqual({
      allowed: false,
      reason: `Lambda keeps no logs for get-movie: its role arn:aws:iam::${ACCOUNT}:role/role does not allow logs:CreateLogStream on arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/get-movie:*; attach arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole or grant it`,
    });
  });

  it("a role scoped to its own log group is enough; another group's is not", () => {
    const r = setup(false);
    const scoped = (group: string) => ({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `arn:aws:logs:*:*:log-group:${group}:*` }],
    });
    r.putRolePolicy("role", "logs", scoped("/aws/lambda/get-movie"));
    expect(functionMayWriteLogs(r, "get-movie", "us-east-1").allowed).toBe(true);
    r.putRolePolicy("role", "logs", scoped("/aws/lambda/other"));
    expect(functionMayWriteLogs(r, "get-movie", "us-east-1").allowed).toBe(false);
    r.enforce = false;
    expect(functionMayWriteLogs(r, "get-movie", "us-east-1").allowed).toBe(true);
  });
});
