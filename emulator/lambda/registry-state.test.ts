import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FunctionRegistry } from "./functions.js";
import { handlerZip, TEST_ROLE } from "./test-support/handler-zip.js";

const stateDir = mkdtempSync(path.join(tmpdir(), "lambda-state-"));

afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe("registry state across restarts", () => {
  it("restores functions, code and policy from a snapshot in the same state directory", async () => {
    const before = new FunctionRegistry({ stateDir, spareWorkers: false });
    before.create({
      FunctionName: "kept",
      Role: TEST_ROLE,
      Handler: "index.handler",
      Runtime: "nodejs22.x",
      Environment: { Variables: { COLOUR: "blue" } },
      Code: { ZipFile: handlerZip({ "index.mjs": `export const handler = async () => process.env.COLOUR;` }) },
    });
    before.addPermission("kept", { StatementId: "sns", Action: "lambda:InvokeFunction", Principal: "sns.amazonaws.com" });
    const snapshot = JSON.parse(JSON.stringify(before.snapshot())) as unknown;
    await before.close();

    const after = new FunctionRegistry({ stateDir, spareWorkers: false });
    after.restore(snapshot);
    expect(after.get("kept").Environment?.Variables).toEqual({ COLOUR: "blue" });
    expect((await after.invoke("kept", "{}")).payload).toBe('"blue"');
    expect(after.allowsInvoke("kept", { service: "sns.amazonaws.com" })).toBe(true);
    // Credentials are per execution environment, never restored: a restored function gets new ones.
    expect(after.credentialsOf("kept").accessKeyId).toMatch(/^ASIA/);
    await after.close();
  });

  it("says which function's code is missing instead of restoring it half", async () => {
    const other = new FunctionRegistry({ spareWorkers: false });
    const snapshot = {
      functions: [{ config: { FunctionName: "ghost" }, codeSha256Hex: "0".repeat(64), policy: [], tags: {}, eventInvoke: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 60 } }],
    };
    expect(() => other.restore(snapshot)).toThrow(/code of function ghost .* is missing from the state directory/);
    expect(() => other.restore({})).toThrow(/not a snapshot/);
    await other.close();
  });
});
