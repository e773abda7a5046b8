import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Target } from "../stacks/config.js";
import { synthStack } from "../stacks/synth.js";
import { findPluginMirror, Terraform, terraformMissingReason } from "../stacks/terraform/terraform.js";
import { writeFunctionZips } from "../stacks/testing/function-zips.js";

const missing = terraformMissingReason() ?? (findPluginMirror() ? undefined : "no Terraform provider mirror with hashicorp/aws (set MOVIES_TF_PLUGIN_MIRROR)");
if (missing) console.warn(`skipping terraform validate of the synthesized stacks: ${missing}`);

/**
 * The stack as each target synthesizes it, checked by real Terraform against
 * the hashicorp/aws 5.100.0 schema (offline, from the mirror): the X-Ray
 * settings (tracing_config, xray_tracing_enabled) are attributes that
 * provider knows, spelled as it wants them.
 */
describe.skipIf(missing)("terraform validate of the synthesized stack", { timeout: 180_000 }, () => {
  const scratches: string[] = [];
  afterAll(async () => {
    for (const s of scratches) await rm(s, { recursive: true, force: true });
  });

  it.each(["aws", "local", "localstack"] as Target[])("%s: valid", async (target) => {
    const scratch = await mkdtemp(join(tmpdir(), `movies-validate-${target}-`));
    scratches.push(scratch);
    const functionsDir = await writeFunctionZips();
    const synth = await synthStack(
      { target, functionsDir, stateDir: join(scratch, "state"), senderEmail: "from@example.com", recipientEmail: "to@example.com", ...(target === "aws" ? { region: "eu-west-1" } : {}) },
      { outdir: join(scratch, "cdktf.out") },
    );
    const terraform = new Terraform({ dir: synth.dir });
    await terraform.init();
    const result = await terraform.validate();
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
