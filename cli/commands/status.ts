import type { Command } from "commander";
import { cloudHealthy } from "../cloud-process.js";
import { TARGETS } from "../config.js";
import { readCloudRecord, readDeployment, type DeploymentRecord } from "../records.js";
import { runCommand } from "../run.js";

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("what runs where: the embedded cloud, deployed targets and their outputs")
    .option("--json", "print as JSON")
    .action((flags: { json?: boolean }, cmd: Command) =>
      runCommand(cmd, async ({ io, settings }) => {
        const cloud = readCloudRecord(settings.root);
        const running = cloud ? await cloudHealthy(cloud.url) : false;
        const deployments: Record<string, DeploymentRecord> = {};
        for (const t of TARGETS) {
          const d = readDeployment(settings.root, t);
          if (d) deployments[t] = d;
        }
        if (flags.json) {
          // the API key stays out of plain listings; `--json` is for scripts that need it
          io.data({ target: settings.target, cloud: cloud ? { ...cloud, running } : null, deployments });
          return;
        }
        io.line(`target: ${io.paint("bold", settings.target)}`);
        io.line(
          cloud
            ? `cloud:  ${running ? io.paint("green", "running") : io.paint("red", "not answering")} at ${cloud.url} (pid ${cloud.pid}${cloud.stateDir ? `, state in ${cloud.stateDir}` : ""})`
            : `cloud:  ${io.paint("gray", "not running")} (start it with \`movies up\`)`,
        );
        if (Object.keys(deployments).length === 0) io.line("deployed: nothing yet (run `movies deploy`)");
        for (const [target, d] of Object.entries(deployments)) {
          io.line(`deployed to ${io.paint("bold", target)} at ${d.deployedAt}${d.endpoint ? ` (${d.endpoint})` : ""}`);
          // the URL alone on its line, with nothing glued to it, so a double-click copies exactly it
          if (d.outputs.api_url) {
            io.line(`  ${"API".padEnd(16)} ${d.outputs.api_url.replace(/\/$/, "")}/movies`);
            io.line(io.paint("gray", `  ${"try".padEnd(16)} curl ${d.outputs.api_url.replace(/\/$/, "")}/movies/1`));
          }
          for (const [k, v] of Object.entries(d.outputs)) io.line(`  ${k.padEnd(16)} ${k === "api_key" ? io.paint("gray", "(hidden; --json shows it)") : v}`);
        }
      }),
    );
}
