import { describe, expect, it } from "vitest";
import { escapeXml, toXml } from "./xml.js";
import { readList, readMap, readStructList } from "./aws-query.js";

describe("awsQuery wire helpers", () => {
  it("escapes markup in values", () => {
    expect(escapeXml(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;");
  });

  it("writes lists as member elements and drops undefined fields", () => {
    expect(toXml({ Topics: [{ TopicArn: "arn:1" }, { TopicArn: "arn:2" }], NextToken: undefined })).toBe(
      "<Topics><member><TopicArn>arn:1</TopicArn></member><member><TopicArn>arn:2</TopicArn></member></Topics>",
    );
  });

  it("reads flattened lists, structure lists and maps in order", () => {
    const p = {
      "Destination.ToAddresses.member.1": "a@x.com",
      "Destination.ToAddresses.member.2": "b@x.com",
      "Attributes.entry.1.key": "RawMessageDelivery",
      "Attributes.entry.1.value": "true",
      "MessageAttributes.entry.2.Name": "Type",
      "MessageAttributes.entry.1.Name": "traceparent",
    };
    expect(readList(p, "Destination.ToAddresses")).toEqual(["a@x.com", "b@x.com"]);
    expect(readMap(p, "Attributes")).toEqual({ RawMessageDelivery: "true" });
    expect(readStructList(p, "MessageAttributes", "entry").map((e) => e.Name)).toEqual(["traceparent", "Type"]);
  });
});
