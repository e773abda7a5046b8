import type { Command } from "commander";
import { cloudUrl, requireDeployment, sdkConfig } from "../context.js";
import { parseDuration } from "../duration.js";
import { unavailable, usageError } from "../errors.js";
import { runCommand } from "../run.js";
import { onStopSignal } from "../signals.js";
import { functionNames } from "../deploy/outputs.js";

export function registerLogs(program: Command): void {
  program
    .command("logs")
    .description("function logs (embedded cloud; CloudWatch Logs on LocalStack and AWS)")
    .argument("[function]", "a handler such as get-movie (default: all)")
    .option("--follow", "keep printing new lines until Ctrl-C")
    .option("--since <duration>", "how far back, e.g. 30s, 10m, 2h", "10m")
    .option("--json", "one JSON object per line")
    .action((fn: string | undefined, flags: { follow?: boolean; since: string; json?: boolean }, cmd: Command) =>
      runCommand(cmd, async ({ io, settings }) => {
        const since = Date.now() - parseDuration(flags.since, "--since");
        const rec = requireDeployment(settings);
        const names = functionNames(rec.outputs);
        if (fn && !names[fn]) throw usageError(`unknown function "${fn}"`, `use one of: ${Object.keys(names).join(", ")}`);
        const abort = new AbortController();
        const release = onStopSignal(() => abort.abort());
        // One path for every target: the CloudWatch Logs API (the embedded cloud serves it too).
        const { cloudWatchLogs } = await import("../logs.js");
        let config = sdkConfig(settings, rec);
        if (settings.target === "local") {
          const cloud = cloudUrl(settings) ?? rec.endpoint;
          if (!cloud) throw unavailable("the embedded cloud is not running", "start it with `movies up`");
          config = { ...config, endpoint: cloud };
        }
        const picked = fn ? { [fn]: names[fn]! } : names;
        const groups = Object.fromEntries(Object.values(picked).map((name) => [name, `/aws/lambda/${name}`]));
        const events = cloudWatchLogs(config, groups, {
          since,
          follow: Boolean(flags.follow),
          signal: abort.signal,
          // the embedded cloud answers in a millisecond; AWS throttles FilterLogEvents at a few calls a second per account
          pollMs: settings.target === "local" ? 500 : 2000,
        });
        try {
          for await (const e of events) {
            if (flags.json) io.data(e, true);
            else io.line(`${io.paint("gray", new Date(e.timestamp).toISOString())} ${io.paint("cyan", e.function)} ${e.message}`);
          }
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (settings.target === "local" && (code === "ECONNREFUSED" || code === "ECONNRESET")) {
            throw unavailable(`the embedded cloud does not answer at ${(config as { endpoint?: string }).endpoint}`, "start it with `movies up`");
          }
          throw e;
        } finally {
          release();
        }
      }),
    );
}
