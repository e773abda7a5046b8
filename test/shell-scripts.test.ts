import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const scripts = [join(root, ".ci/run"), ...readdirSync(join(root, "localstack/ready.d")).map((f) => join(root, "localstack/ready.d", f))];
const probe = spawnSync("shellcheck", ["--version"], { stdio: "ignore" });
const missing = probe.error || probe.status !== 0 ? "shellcheck is not installed (apt-get install shellcheck)" : undefined;
if (missing) console.warn(`skipping shellcheck: ${missing}`);

describe.skipIf(missing)("shell scripts", () => {
  it.each(scripts)("%s passes shellcheck", (script) => {
    const r = spawnSync("shellcheck", ["--severity=style", script], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
