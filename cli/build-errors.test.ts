import { build } from "esbuild";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildErrorLines } from "./build-errors.js";

describe("buildErrorLines", () => {
  it("shows esbuild's error with file:line:column, the line and a caret", async () => {
    const dir = mkdtempSync(join(tmpdir(), "movies-build-error-"));
    writeFileSync(join(dir, "handler.ts"), "export const a = 1;\nexport const b = (;\n");
    const err = await build({ absWorkingDir: dir, entryPoints: ["handler.ts"], write: false, logLevel: "silent" }).catch((e: unknown) => e);
    rmSync(dir, { recursive: true, force: true });
    const lines = buildErrorLines(err);
    expect(lines[0]).toBe("handler.ts:2:19: Unexpected \";\"");
    expect(lines[1]).toBe("    export const b = (;");
    expect(lines[2]).toBe(`    ${" ".repeat(18)}^`);
  });

  it("keeps any other error's whole message", () => {
    expect(buildErrorLines(new Error("first\nsecond"))).toEqual(["first", "second"]);
  });
});
