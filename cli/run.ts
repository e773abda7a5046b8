import type { Command } from "commander";
import { makeContext, type CommandContext, type CommonFlags } from "./context.js";
import { EXIT } from "./errors.js";
import { Io, outputClosed } from "./io.js";

/**
 * Runs a command body with the I/O host and settings, and turns its result or
 * error into the process exit code. Commands never call process.exit.
 */
export async function runCommand(cmd: Command, body: (ctx: CommandContext) => Promise<number | void>): Promise<void> {
  const flags = cmd.optsWithGlobals<CommonFlags>();
  let io = new Io({ json: flags.json, debug: flags.debug });
  try {
    if (flags.profile) process.env.AWS_PROFILE = flags.profile;
    const ctx = await makeContext(flags);
    io = ctx.io;
    const code = await body(ctx);
    process.exitCode = outputClosed() ? EXIT.ok : (code ?? EXIT.ok);
  } catch (err) {
    // a reader that went away is not a failure: whatever the command was doing is what it asked for
    process.exitCode = outputClosed() ? EXIT.ok : io.fail(err);
  }
}
