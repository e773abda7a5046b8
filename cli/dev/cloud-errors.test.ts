import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { reportCloudErrors, type CloudErrorRow } from "./cloud-errors.js";

describe("internal errors of an in-process cloud", () => {
  it("go whole to cloud.log and as one line to the view", () => {
    const home = mkdtempSync(join(tmpdir(), "movies-errors-"));
    const rows: CloudErrorRow[] = [];
    const report = reportCloudErrors("/unused", (r) => rows.push(r));
    const previous = process.env.MOVIES_HOME;
    process.env.MOVIES_HOME = home;
    try {
      const err = new Error("snapshot write failed: ENOSPC\nsecond line");
      report(err);
    } finally {
      if (previous === undefined) delete process.env.MOVIES_HOME;
      else process.env.MOVIES_HOME = previous;
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]!.message).toMatch(/^snapshot write failed: ENOSPC \(details in .*cloud\.log\)$/);
    expect(readFileSync(join(home, "cloud.log"), "utf8")).toContain("second line");
  });
});
