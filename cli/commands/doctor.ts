import type { Command } from "commander";
import { EXIT } from "../errors.js";
import { runCommand } from "../run.js";

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("check Node, Terraform, Docker, AWS credentials and the cloud, with the fix for what is missing")
    .option("--json", "print the checks as JSON")
    .action((flags: { json?: boolean }, cmd: Command) =>
      runCommand(cmd, async ({ io, settings }) => {
        const { runChecks } = await import("../doctor.js");
        const checks = await runChecks(settings);
        if (flags.json) io.data({ target: settings.target, checks });
        else {
          io.line(`checks for target ${io.paint("bold", settings.target)}:`);
          for (const c of checks) {
            const mark = c.ok ? io.paint("green", "ok  ") : c.required ? io.paint("red", "FAIL") : io.paint("yellow", "--  ");
            io.line(`  ${mark} ${c.name.padEnd(16)} ${c.detail}`);
            if (!c.ok && c.fix) io.line(`       ${io.paint("gray", `fix: ${c.fix}`)}`);
          }
        }
        return checks.some((c) => c.required && !c.ok) ? EXIT.refused : EXIT.ok;
      }),
    );
}
