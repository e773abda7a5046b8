import { describe, expect, it } from "vitest";
import { DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS, idempotencyExpirySeconds } from "./idempotency-expiry.js";

describe("idempotency record expiry", () => {
  it("is Powertools' hour when unset or blank", () => {
    expect(idempotencyExpirySeconds({})).toBe(DEFAULT_IDEMPOTENCY_EXPIRY_SECONDS);
    expect(idempotencyExpirySeconds({ IDEMPOTENCY_EXPIRES_AFTER_SECONDS: " " })).toBe(3600);
  });

  it("takes a whole number of seconds", () => {
    expect(idempotencyExpirySeconds({ IDEMPOTENCY_EXPIRES_AFTER_SECONDS: "60" })).toBe(60);
  });

  it("refuses anything else, naming the variable", () => {
    for (const bad of ["0", "-5", "1.5", "1e3", "soon"]) {
      expect(() => idempotencyExpirySeconds({ IDEMPOTENCY_EXPIRES_AFTER_SECONDS: bad })).toThrow(/IDEMPOTENCY_EXPIRES_AFTER_SECONDS is '.*': set it to a whole number/);
    }
  });
});
