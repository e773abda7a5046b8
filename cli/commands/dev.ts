import type { Command } from "commander";
import { join } from "node:path";
import { usageError } from "../errors.js";
import { iamFlag } from "./up-down.js";
import { clearCloudRecord, clearDeployment, writeCloudRecord } from "../records.js";
import { runCommand } from "../run.js";
import { onStopSignal } from "../signals.js";

export function registerDev(program: Command): void {
  program
    .command("dev")
    .description("the local dev loop: cloud in the foreground, deploy, seed, hotswap on save, live dashboard")
    .option("--port <port>", "port for the embedded cloud", "4566")
    .option("--state-dir <dir>", "keep the cloud's state in this folder")
    .option("--iam <mode>", 'access keys the cloud did not issue: "root" (default) or "strict" (refused; the root key is "test")')
    .option("--no-iam", "do not check calls made by functions against their roles")
    .action((flags: { port: string; stateDir?: string; iam?: string | false }, cmd: Command) =>
      runCommand(cmd, async (ctx) => {
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port must be a port number, got "${flags.port}"`);
        const iam = iamFlag(flags.iam);
        const { io } = ctx;
        const [{ startCloud }, { deploy }, { hotswap }, { seedTable }, { DEFAULT_MOVIES }, feeds, { watchDebounced }, { tailEvents }, { sdkConfig, output }] =
          await Promise.all([
            import("../../emulator/cloud.js"),
            import("../deploy/deploy.js"),
            import("../deploy/hotswap.js"),
            import("../seed/seed-table.js"),
            import("../seed/movie-rows.js"),
            import("../dev/feeds.js"),
            import("../dev/watch.js"),
            import("../tail.js"),
            import("../context.js"),
          ]);
        const cloud = await startCloud({ port, host: "127.0.0.1", stateDir: flags.stateDir, iam });
        const settings = { ...ctx.settings, target: "local" as const, endpoint: cloud.url };
        const dev = { io, settings };
        writeCloudRecord(settings.root, { url: cloud.url, host: "127.0.0.1", port: cloud.port, pid: process.pid, stateDir: flags.stateDir, startedAt: new Date().toISOString() });
        const abort = new AbortController();
        const release = onStopSignal(() => abort.abort());
        try {
          const rec = await deploy(dev, {});
          if (abort.signal.aborted) return;
          const seeded = await seedTable(dev, DEFAULT_MOVIES);
          io.info(`seeded ${seeded.written} movies`);
          if (abort.signal.aborted) return;

          const state = {
            cloudUrl: cloud.url,
            apiUrl: rec.outputs.api_url ?? "",
            status: `deployed and seeded; ready`,
            requests: [] as import("../views/dashboard.js").RequestRow[],
            events: [] as import("../views/dashboard.js").EventRow[],
            emails: [] as import("../views/dashboard.js").EmailRow[],
          };
          let redraw = () => {};
          if (io.interactive) {
            const [{ render }, { createElement }, { Dashboard }] = await Promise.all([import("ink"), import("react"), import("../views/dashboard.js")]);
            const view = render(createElement(Dashboard, state));
            redraw = () => view.rerender(createElement(Dashboard, { ...state }));
            abort.signal.addEventListener("abort", () => view.unmount());
          } else {
            io.line(`movies dev: cloud ${cloud.url}, api ${state.apiUrl}`);
          }
          const keep = <T,>(list: T[], item: T) => {
            list.push(item);
            if (list.length > 50) list.shift();
            redraw();
          };
          const stopWatching = watchDebounced(join(settings.root, "handlers"), async () => {
            const t0 = performance.now();
            try {
              const swapped = (await hotswap(dev)).filter((r) => r.updated).map((r) => r.name);
              state.status = swapped.length ? `hotswapped ${swapped.join(", ")} in ${Math.round(performance.now() - t0)} ms` : "saved; no function changed";
            } catch (e) {
              state.status = `build failed: ${(e as Error).message.split("\n")[0]}`;
            }
            if (io.interactive) redraw();
            else io.line(state.status);
          });
          const plain = !io.interactive;
          await Promise.all([
            feeds.followRequests(cloud.url, abort.signal, (r) => (plain ? io.line(`request ${r.status} ${r.method} ${r.path} ${r.ms.toFixed(1)} ms`) : keep(state.requests, r))),
            feeds.followEmails(cloud.url, abort.signal, (m) => (plain ? io.line(`email ${m.subject} -> ${m.to}`) : keep(state.emails, m))),
            tailEvents({
              config: sdkConfig(settings, rec),
              topicArn: output(rec, "topic_arn"),
              queueUrl: output(rec, "queue_url"),
              peek: false,
              signal: abort.signal,
              onReady: () => undefined,
              onEvent: (e) => (plain ? io.line(`event ${e.type} ${e.id ?? ""} ${e.title ?? ""}`) : keep(state.events, e)),
            }),
          ]).finally(stopWatching);
        } finally {
          release();
          await cloud.stop();
          clearCloudRecord(settings.root);
          if (!flags.stateDir) clearDeployment(settings.root, "local");
          io.info("movies dev stopped");
        }
      }),
    );
}
