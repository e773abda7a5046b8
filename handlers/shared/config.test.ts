import { describe, expect, it } from "vitest";
import { ConfigurationError, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("returns the named variables, trimmed", () => {
    expect(loadConfig(["TABLE_NAME", "TOPIC_ARN"], { TABLE_NAME: " Movies ", TOPIC_ARN: "arn:aws:sns:x" })).toEqual({
      TABLE_NAME: "Movies",
      TOPIC_ARN: "arn:aws:sns:x",
    });
  });

  it("names every missing or blank variable in one error", () => {
    const attempt = () => loadConfig(["TABLE_NAME", "TOPIC_ARN", "SOURCE_EMAIL"], { TOPIC_ARN: "  " });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(
      "Missing configuration: environment variables TABLE_NAME, TOPIC_ARN, SOURCE_EMAIL not set. Set them in the function's environment",
    );
  });
});
