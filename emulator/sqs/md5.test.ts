import { describe, expect, it } from "vitest";
import { md5OfAttributes, md5OfBody } from "./md5.js";

// Expected digests computed by moto's independent implementation of the AWS algorithm.
describe("SQS MD5 digests", () => {
  it("hashes the body as UTF-8", () => {
    expect(md5OfBody("body")).toBe("841a2d689ad86bd1611447453c22c6fc");
  });

  it("hashes message attributes sorted by name with length prefixes and transport bytes", () => {
    const digest = md5OfAttributes({
      count: { DataType: "Number", StringValue: "42" },
      color: { DataType: "String", StringValue: "red" },
      "uni.x": { DataType: "String.custom", StringValue: "héllo 😀" },
      blob: { DataType: "Binary", BinaryValue: Buffer.from([0, 1, 2, 255]) },
    });
    expect(digest).toBe("18ee0a703212957934893693834cfbc5");
  });

  it("hashes a system attribute the same way", () => {
    const digest = md5OfAttributes({
      AWSTraceHeader: { DataType: "String", StringValue: "Root=1-5759e988-bd862e3fe1be46a994272793" },
    });
    expect(digest).toBe("62a56dd927315f2b2e12832b84617ea5");
  });
});
