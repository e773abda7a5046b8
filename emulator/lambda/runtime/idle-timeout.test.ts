import { describe, expect, it } from "vitest";
import { DEFAULT_IDLE_TIMEOUT_MS, idleTimeoutMs } from "./idle-timeout.js";

describe("idle environment timeout", () => {
  it("is 5 minutes by default, the option first, else MOVIES_LAMBDA_IDLE_SECONDS", () => {
    expect(idleTimeoutMs(undefined, {})).toBe(DEFAULT_IDLE_TIMEOUT_MS);
    expect(DEFAULT_IDLE_TIMEOUT_MS).toBe(300_000);
    expect(idleTimeoutMs(undefined, { MOVIES_LAMBDA_IDLE_SECONDS: "90" })).toBe(90_000);
    expect(idleTimeoutMs(1_500, { MOVIES_LAMBDA_IDLE_SECONDS: "90" })).toBe(1_500);
  });

  it("refuses a value that is not a positive number, naming the variable", () => {
    expect(() => idleTimeoutMs(undefined, { MOVIES_LAMBDA_IDLE_SECONDS: "soon" })).toThrow(/MOVIES_LAMBDA_IDLE_SECONDS must be a number of seconds greater than 0, not 'soon'/);
    expect(() => idleTimeoutMs(undefined, { MOVIES_LAMBDA_IDLE_SECONDS: "0" })).toThrow(/MOVIES_LAMBDA_IDLE_SECONDS/);
  });
});
