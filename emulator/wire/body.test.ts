import { PassThrough } from "node:stream";
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { isAwsError } from "../core/aws-error.js";
import { readBody } from "./body.js";

const stream = (...chunks: string[]) => {
  const s = new PassThrough();
  for (const c of chunks) s.write(c);
  s.end();
  return s as unknown as IncomingMessage;
};

describe("readBody", () => {
  it("returns the whole body, however it was split", async () => {
    expect((await readBody(stream())).length).toBe(0);
    expect((await readBody(stream('{"a":1}'))).toString()).toBe('{"a":1}');
    expect((await readBody(stream('{"Table', 'Name":', '"Movies"}'))).toString()).toBe('{"TableName":"Movies"}');
  });

  it("refuses a body over the limit with 413 RequestEntityTooLarge", async () => {
    const err = await readBody(stream("x".repeat(10), "y".repeat(10)), 15).catch((e: unknown) => e);
    expect(isAwsError(err), `an AwsError, not ${String(err)}`).toBe(true);
    expect(err).toMatchObject({ code: "RequestEntityTooLarge", statusCode: 413 });
  });

  it("fails when the client goes away mid-body instead of waiting forever", async () => {
    const s = new PassThrough();
    s.write("partial");
    const pending = readBody(s as unknown as IncomingMessage);
    s.destroy();
    await expect(pending).rejects.toThrow();
  });
});
