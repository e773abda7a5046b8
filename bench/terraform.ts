/**
 * Real Terraform (the offline hashicorp/aws mirror) applying the MoviesStack's
 * `localstack` target JSON to the embedded cloud (`node bin/cloud.mjs`, a
 * separate process, as a user runs it) and to moto_server, in the same run:
 * init, apply, a second plan, destroy, each timed from outside.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findPluginMirror, Terraform, terraformMissingReason } from "../stacks/terraform/terraform.js";
import { ensureBuilt } from "../test/support/built-functions.js";
import { synthForEndpoint } from "../test/support/movies-stack.js";
import { motoMissingReason } from "../test/support/moto.js";
import { publishBench } from "./support/report.js";
import { spawnCloud, spawnMoto, type ServerProcess } from "./support/server-process.js";

const STEPS = ["init", "apply", "plan", "destroy"] as const;
type Step = (typeof STEPS)[number];

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function run(name: string, start: () => Promise<ServerProcess>, functionsDir: string): Promise<Record<Step, number> & { planClean: boolean }> {
  const server = await start();
  const scratch = await mkdtemp(join(tmpdir(), `movies-bench-tf-${name}-`));
  try {
    const synth = await synthForEndpoint(server.url, functionsDir, scratch);
    const tf = new Terraform({ dir: synth.dir });
    let planClean = false;
    const times = {
      init: await timed(() => tf.init()),
      apply: await timed(() => tf.apply()),
      plan: await timed(async () => (planClean = !(await tf.plan()).changes)),
      destroy: await timed(() => tf.destroy()),
    };
    return { ...times, planClean };
  } finally {
    await server.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

const missing = terraformMissingReason() ?? (findPluginMirror() ? undefined : "no provider mirror");
if (missing) {
  console.log(`skipped: ${missing}`);
} else {
  const functionsDir = await ensureBuilt();
  const rows: [string, Awaited<ReturnType<typeof run>> | string][] = [["embedded cloud (`node bin/cloud.mjs`)", await run("cloud", spawnCloud, functionsDir)]];
  const motoMissing = motoMissingReason();
  rows.push(["moto_server", motoMissing ? `skipped: ${motoMissing}` : await run("moto", spawnMoto, functionsDir)]);
  const lines = [
    "Terraform on the MoviesStack (the `localstack` target's JSON), seconds; each step timed from outside, the same run for both endpoints.",
    "",
    "| endpoint | init | apply | plan | destroy | second plan clean |",
    "|---|---:|---:|---:|---:|---|",
  ];
  for (const [name, r] of rows) {
    if (typeof r === "string") lines.push(`| ${name} | ${r} | | | | |`);
    else lines.push(`| ${name} | ${STEPS.map((s) => (r[s] / 1000).toFixed(1)).join(" | ")} | ${r.planClean ? "yes" : "no"} |`);
  }
  publishBench("terraform", import.meta.url, lines);
}
