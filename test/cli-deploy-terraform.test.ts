import { existsSync, readFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPluginMirror } from "../stacks/terraform/plugin-mirror.js";
import { freePort } from "./support/free-port.js";
import { cliEnv, movies, spawnMovies, tempHome, waitForHealth } from "./support/movies-cli.js";

// `movies deploy --target localstack --endpoint <our cloud>`: the Terraform path
// pointed on purpose at the embedded cloud. Whether every resource applies
// depends on how much of the AWS API the cloud serves; what this checks is the
// CLI around Terraform: the plan summary, the log file, and either the outputs
// or the failing resources with their messages, never a wall of Terraform text.

const haveTerraform = spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0;
const canInit = haveTerraform && Boolean(findPluginMirror());
if (!canInit) console.log("skipping the Terraform deploy test: terraform or its provider mirror is missing on this machine");

describe.skipIf(!canInit)("deploy --target localstack --endpoint <our cloud>", { timeout: 400_000 }, () => {
  let home: string;
  let url: string;
  let cloud: ReturnType<typeof spawnMovies>;
  beforeAll(async () => {
    home = tempHome("movies-tf-");
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    cloud = spawnMovies(["up", "--foreground", "--port", String(port)], cliEnv(tempHome("movies-tf-cloud-")));
    await waitForHealth(url);
  }, 40_000);
  afterAll(async () => {
    cloud.kill("SIGINT");
    await cloud;
    rmSync(home, { recursive: true, force: true });
  });

  it("runs Terraform in a folder of its own, shows the plan summary and the log path, and reports the outcome briefly", async () => {
    const r = await movies(["deploy", "--target", "localstack", "--endpoint", url], cliEnv(home), 380_000);
    expect(r.stderr).toContain(`endpoint: ${url} is the movies embedded cloud`);
    expect(r.stderr).toMatch(/plan: \d+ to add, 0 to change, 0 to destroy/);
    const log = /terraform log: (\S+)/.exec(r.stderr)?.[1];
    expect(log).toBeTruthy();
    expect(log).toContain(`${home}/terraform/localstack-us-east-1-`);
    expect(existsSync(log!)).toBe(true);
    const text = readFileSync(log!, "utf8");
    expect(text).toContain("$ terraform plan");
    expect(text).toContain("$ terraform apply");
    expect(r.stderr).not.toContain("Backend configuration changed");
    if (r.exitCode === 0) {
      expect(r.stdout).toMatch(/^API\s+http:\/\/\S+\/movies$/m);
    } else {
      // the failing resources, one line each with the AWS error, then where the rest is
      expect(r.exitCode).toBe(1);
      const failures = r.stderr.split("\n").filter((l) => /^\s+✗ aws_\w+\.\w+: /.test(l));
      expect(failures.length).toBeGreaterThan(0);
      expect(r.stderr).toMatch(new RegExp(`terraform apply failed on ${failures.length} resources?`));
      expect(r.stderr).toContain(`full log: ${log}`);
      expect(r.stderr).not.toMatch(/operation error .* https response error/);
      expect(r.stderr.split("\n").length).toBeLessThan(failures.length * 4 + 80);
    }
  });
});
