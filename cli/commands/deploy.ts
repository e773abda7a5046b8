import type { Command } from "commander";
import { requireDeployment } from "../context.js";
import { CliError, EXIT } from "../errors.js";
import { clearDeployment } from "../records.js";
import { runCommand } from "../run.js";

export function registerDeploy(program: Command): void {
  program
    .command("deploy")
    .description("build the functions, synthesize the stack and apply it to the target")
    .option("--hotswap", "only replace the code of changed functions (UpdateFunctionCode)")
    .option("--yes", "apply to aws without asking (needed when there is no terminal to ask on)")
    .option("--allow-embedded", "with --target localstack: run Terraform against the movies embedded cloud when it is what answers at the endpoint")
    .option("--json", "print the outputs as JSON")
    .action((flags: { hotswap?: boolean; yes?: boolean; json?: boolean; allowEmbedded?: boolean }, cmd: Command) =>
      runCommand(cmd, async (ctx) => {
        const { io } = ctx;
        if (flags.hotswap) {
          const started = performance.now();
          const { hotswap } = await import("../deploy/hotswap.js");
          const results = await hotswap(ctx, undefined, true);
          const ms = Math.round(performance.now() - started);
          if (flags.json) io.data({ updated: results.filter((r) => r.updated).map((r) => r.functionName), ms });
          else {
            for (const r of results) if (r.updated) io.line(`${io.paint("green", "✓")} ${r.functionName} updated`);
            io.line(results.some((r) => r.updated) ? `hotswapped in ${ms} ms` : `no function changed (${ms} ms)`);
          }
          return;
        }
        const { deploy } = await import("../deploy/deploy.js");
        const rec = await deploy(ctx, { ...flags, oneShot: true });
        if (flags.json) io.data(rec);
        else {
          io.line(`${io.paint("bold", "API")}      ${rec.outputs.api_url?.replace(/\/$/, "")}/movies`);
          io.line(`table    ${rec.outputs.table_name}`);
          io.line(`topic    ${rec.outputs.topic_arn}`);
          io.line(`queue    ${rec.outputs.queue_url}`);
          io.line(io.paint("gray", "next: `movies seed`, then `movies call get 1`"));
        }
      }),
    );

  program
    .command("destroy")
    .description("remove what deploy made on the target")
    .option("--yes", "destroy on aws without asking (needed when there is no terminal to ask on)")
    .option("--allow-embedded", "with --target localstack: run Terraform against the movies embedded cloud when it is what answers at the endpoint")
    .action((flags: { yes?: boolean; allowEmbedded?: boolean }, cmd: Command) =>
      runCommand(cmd, async (ctx) => {
        const { io, settings } = ctx;
        const rec = requireDeployment(settings);
        if (settings.target === "local") {
          const { destroyOnCloud } = await import("../deploy/cloud-admin.js");
          const res = await destroyOnCloud(rec.endpoint!, "movies");
          io.line(`removed ${res.changes.filter((c) => c.action === "delete").length} resources from the embedded cloud`);
        } else {
          const { checkBeforeTerraform, terraformEndpoint } = await import("../deploy/deploy.js");
          await checkBeforeTerraform(ctx, flags, true);
          const { existsSync } = await import("node:fs");
          const { join } = await import("node:path");
          const { recordsDir } = await import("../records.js");
          const { terraformWorkdir } = await import("../deploy/workdir.js");
          const key = rec.workdir ?? terraformWorkdir(settings, terraformEndpoint(settings)).key;
          const base = join(recordsDir(settings.root), "terraform", key);
          const dir = join(base, "cdktf.out", "stacks", "movies");
          if (!existsSync(join(dir, "cdk.tf.json"))) {
            throw new CliError(`the Terraform folder of the ${settings.target} deployment is gone (${dir})`, EXIT.unavailable, `run \`movies deploy --target ${settings.target}\` (same region and endpoint) to recreate it, then destroy`);
          }
          const { Steps } = await import("../deploy/steps.js");
          const steps = new Steps(io);
          const { runTerraform } = await import("../deploy/terraform-run.js");
          await runTerraform(ctx, { dir, logFile: join(base, "terraform.log"), destroy: true, yes: flags.yes, confirm: settings.target === "aws", step: (name, fn) => steps.run(name, fn) });
          io.line(`destroyed the ${settings.target} deployment`);
        }
        clearDeployment(settings.root, settings.target);
      }),
    );
}
