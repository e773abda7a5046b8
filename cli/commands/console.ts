import type { Command } from "commander";
import { cloudHealthy } from "../cloud-process.js";
import { consoleUrl } from "../console-url.js";
import { cloudUrl } from "../context.js";
import { unavailable, usageError } from "../errors.js";
import { browserOpener, openBrowser } from "../open-browser.js";
import { runCommand } from "../run.js";

export function registerConsole(program: Command): void {
  program
    .command("console")
    .description("the embedded cloud's browser console: prints its URL and opens it where a browser is available")
    .argument("[view]", "a view to open: tables/NAME, queues/NAME, topics/NAME, functions/NAME, api, mailbox, traces/ID")
    .option("--no-open", "only print the URL")
    .option("--json", 'print {"url": ...}')
    .action((view: string | undefined, flags: { open: boolean; json?: boolean }, cmd: Command) =>
      runCommand(cmd, async ({ io, settings }) => {
        if (settings.target !== "local") throw usageError(`the console is part of the embedded cloud, not of target "${settings.target}"`, "use `movies console` with the embedded cloud (target local)");
        const url = cloudUrl(settings);
        if (!url) throw unavailable("the embedded cloud is not running", "start it with `movies up` (or `movies dev`)");
        if (!(await cloudHealthy(url))) throw unavailable(`nothing answers at ${url}`, "start the cloud with `movies up`");
        const target = consoleUrl(url, view);
        if (flags.json) io.data({ url: target });
        else io.line(target);
        // Only for a person at a terminal: never from scripts, pipes or CI.
        if (flags.open && io.interactive && browserOpener() && !(await openBrowser(target))) io.warn("could not start a browser; open the URL above");
      }),
    );
}
