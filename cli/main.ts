import { Command, CommanderError } from "commander";
import { registerCall } from "./commands/call.js";
import { registerDeploy } from "./commands/deploy.js";
import { registerDev } from "./commands/dev.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerConsole } from "./commands/console.js";
import { registerEmails } from "./commands/emails.js";
import { registerLogs } from "./commands/logs.js";
import { registerSeed } from "./commands/seed.js";
import { registerStatus } from "./commands/status.js";
import { registerTailEvents } from "./commands/tail-events.js";
import { registerTrace } from "./commands/trace.js";
import { registerUpDown } from "./commands/up-down.js";
import { EXIT, usageError } from "./errors.js";
import { addExamples } from "./help-examples.js";
import { watchPipe } from "./io.js";
import { runCommand } from "./run.js";
import pkg from "../package.json" with { type: "json" };

/**
 * The `movies` program. Command modules register their flags here; anything
 * heavy (cdktf, the SDK, ink) is imported inside the action that needs it, so
 * `movies --help` stays fast.
 */
export function buildProgram(): Command {
  const program = new Command("movies")
    .description("deploy, run and poke the serverless movies API: on AWS, LocalStack, or the embedded cloud")
    .option("--target <target>", "local | localstack | aws (default: MOVIES_TARGET, the recorded default, else local)")
    .option("--region <region>", "AWS region")
    .option("--profile <profile>", "AWS profile for the aws target")
    .option("--endpoint <url>", "where the cloud or LocalStack answers, when not on this machine's default port")
    .option("--debug", "show stack traces on errors")
    .version(pkg.version, "-V, --version", "print the version of movies")
    .showHelpAfterError("(add --help for usage)")
    // every subcommand's --help lists --target, --endpoint and the rest too
    .configureHelp({ showGlobalOptions: true })
    .exitOverride();
  registerUpDown(program);
  registerStatus(program);
  registerDeploy(program);
  registerSeed(program);
  registerCall(program);
  registerTailEvents(program);
  registerEmails(program);
  registerLogs(program);
  registerTrace(program);
  registerDev(program);
  registerConsole(program);
  registerDoctor(program);
  registerCompletion(program);
  addExamples(program);
  return program;
}

function registerCompletion(program: Command): void {
  program
    .command("completion")
    .description("print the shell completion script for bash, zsh or fish")
    .argument("<shell>", "bash | zsh | fish")
    .action((shell: string, _flags: unknown, cmd: Command) =>
      runCommand(cmd, async ({ io }) => {
        const { completionScript, SHELLS } = await import("./completion.js");
        if (!(SHELLS as readonly string[]).includes(shell)) throw usageError(`no completion for "${shell}"`, `use one of: ${SHELLS.join(", ")}`);
        io.write(completionScript(program, shell as (typeof SHELLS)[number]));
      }),
    );
}

export async function main(argv = process.argv): Promise<void> {
  // help and version text go straight to stdout; `movies --help | head -1` must end quietly too
  watchPipe(process.stdout);
  // `movies deploy 2>&1 | head` closes stderr too
  watchPipe(process.stderr);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with code 0
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    throw err;
  }
}
