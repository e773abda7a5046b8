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
    .option("--yes", "apply to aws without asking")
    .option("--json", "print the outputs as JSON")
    .action((flags: { hotswap?: boolean; yes?: boolean; json?: boolean }, cmd: Command) =>
      runCommand(cmd, async (ctx) => {
        const { io } = ctx;
        if (flags.hotswap) {
          const started = performance.now();
          const { hotswap } = await import("../deploy/hotswap.js");
          const results = await hotswap(ctx);
          const ms = Math.round(performance.now() - started);
          if (flags.json) io.data({ updated: results.filter((r) => r.updated).map((r) => r.functionName), ms });
          else {
            for (const r of results) if (r.updated) io.line(`${io.paint("green", "✓")} ${r.functionName} updated`);
            io.line(results.some((r) => r.updated) ? `hotswapped in ${ms} ms` : `no function changed (${ms} ms)`);
          }
          return;
        }
        const { deploy } = await import("../deploy/deploy.js");
        const rec = await deploy(ctx, flags);
        if (flags.json) io.data(rec);
        else {
          io.line(`${io.paint("bold", "API")}      ${rec.outputs.api_url}`);
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
    .option("--yes", "destroy on aws without asking")
    .action((flags: { yes?: boolean }, cmd: Command) =>
      runCommand(cmd, async (ctx) => {
        const { io, settings } = ctx;
        const rec = requireDeployment(settings);
        if (settings.target === "local") {
          const { destroyOnCloud } = await import("../deploy/cloud-admin.js");
          const res = await destroyOnCloud(rec.endpoint!, "movies");
          io.line(`removed ${res.changes.filter((c) => c.action === "delete").length} resources from the embedded cloud`);
        } else {
          if (settings.target === "aws" && !flags.yes) throw new CliError("destroying an aws deployment needs --yes", EXIT.usage, "run `movies destroy --target aws --yes`");
          const { join } = await import("node:path");
          const { Terraform } = await import("../../stacks/terraform/terraform.js");
          const tf = new Terraform({ dir: join(settings.root, "cdktf.out", "stacks", "movies"), onLine: (l: string) => l.trim() && io.info(io.paint("gray", `  ${l}`)) });
          await tf.init();
          await tf.destroy();
          io.line(`destroyed the ${settings.target} deployment`);
        }
        clearDeployment(settings.root, settings.target);
      }),
    );
}
