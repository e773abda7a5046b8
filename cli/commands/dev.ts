import type { Command } from "commander";
import { join } from "node:path";
import { reportCloudErrors, type CloudErrorRow } from "../dev/cloud-errors.js";
import { usageError } from "../errors.js";
import { iamFlag, otlpFlag } from "./up-down.js";
import { clearCloudRecord, clearDeployment, writeCloudRecord } from "../records.js";
import { runCommand } from "../run.js";
import { onStopSignal } from "../signals.js";
import { consoleUrl } from "../console-url.js";

export function registerDev(program: Command): void {
  program
    .command("dev")
    .description("the local dev loop: cloud in the foreground, deploy, seed, hot reload on save, live dashboard")
    .option("--port <port>", "port for the embedded cloud", "4566")
    .option("--state-dir <dir>", "keep the cloud's state in this folder")
    .option("--iam <mode>", 'access keys the cloud did not issue: "root" (default) or "strict" (refused; the root key is "test")')
    .option("--no-iam", "do not check calls made by functions against their roles")
    .option("--otlp-endpoint <url>", "send the cloud's spans to this OpenTelemetry collector over OTLP/HTTP (e.g. http://127.0.0.1:4318); also MOVIES_OTLP_ENDPOINT")
    .action((flags: { port: string; stateDir?: string; iam?: string | false; otlpEndpoint?: string }, cmd: Command) =>
      runCommand(cmd, async (ctx) => {
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port must be a port number, got "${flags.port}"`);
        const iam = iamFlag(flags.iam);
        const otlpEndpoint = otlpFlag(flags.otlpEndpoint);
        const { io } = ctx;
        const { requireFreePort } = await import("../port-check.js");
        await requireFreePort("127.0.0.1", port, "dev");
        // the dashboard is drawn before anything starts, so the first frame already says what is under way
        const state = {
          cloudUrl: "",
          apiUrl: "",
          status: "loading",
          busy: true,
          builds: {} as Record<string, import("../views/dashboard.js").FunctionBuildState>,
          buildErrors: [] as string[],
          reload: undefined as import("../views/dashboard.js").ReloadSummary | undefined,
          requests: [] as import("../views/dashboard.js").RequestRow[],
          events: [] as import("../views/dashboard.js").EventRow[],
          emails: [] as import("../views/dashboard.js").EmailRow[],
          errors: [] as CloudErrorRow[],
          traces: [] as import("../trace/span.js").TraceSummary[],
          loadTrace: undefined as ((traceId: string) => Promise<import("../trace/span.js").Trace>) | undefined,
          // keys are read in raw mode, where the terminal sends no SIGINT: Ctrl-C is passed on as one, so the clean-up below runs
          onQuit: () => void process.kill(process.pid, "SIGINT"),
        };
        let redraw = () => {};
        let unmount = () => {};
        if (io.interactive) {
          const [{ render }, { createElement }, { Dashboard }] = await Promise.all([import("ink"), import("react"), import("../views/dashboard.js")]);
          const view = render(createElement(Dashboard, state), { exitOnCtrlC: false });
          redraw = () => view.rerender(createElement(Dashboard, { ...state, builds: { ...state.builds } }));
          unmount = () => view.unmount();
        }
        const [{ startCloud }, { deploy }, { FunctionReloader }, { seedTable }, { DEFAULT_MOVIES }, feeds, { watchDebounced }, { tailEvents }, { sdkConfig, output }] =
          await Promise.all([
            import("../../emulator/cloud.js"),
            import("../deploy/deploy.js"),
            import("../dev/function-reloader.js"),
            import("../seed/seed-table.js"),
            import("../seed/movie-rows.js"),
            import("../dev/feeds.js"),
            import("../dev/watch.js"),
            import("../tail.js"),
            import("../context.js"),
          ]);
        const onBuild = (name: string, s: import("../views/dashboard.js").FunctionBuildState) => {
          state.builds[name] = s;
          if (s === "building") state.status = `building ${name}`;
          redraw();
        };
        state.status = "starting the embedded cloud";
        redraw();
        // On the dashboard (when there is one) and in cloud.log; without a dashboard, warnings in the terminal.
        const onError = reportCloudErrors(ctx.settings.root, (row) => {
          if (!io.interactive) return io.warn(`cloud error: ${row.message}`);
          state.errors.push(row);
          if (state.errors.length > 50) state.errors.shift();
          redraw();
        });
        const cloud = await startCloud({ port, host: "127.0.0.1", stateDir: flags.stateDir, onError, iam, otlpEndpoint }).catch((e: unknown) => {
          unmount();
          throw e;
        });
        state.cloudUrl = cloud.url;
        const { CloudTraces } = await import("../trace/cloud-traces.js");
        const cloudTraces = new CloudTraces(cloud.url);
        state.loadTrace = (traceId) => cloudTraces.trace(traceId);
        const settings = { ...ctx.settings, target: "local" as const, endpoint: cloud.url };
        // on the dashboard, deploy's step lines become its status line instead of text under the frame
        const { Io } = await import("../io.js");
        const { Writable } = await import("node:stream");
        const statusFeed = new Writable({
          write(chunk: Buffer, _enc, done) {
            const last = chunk.toString().split("\n").filter((l) => l.trim()).pop();
            if (last) {
              state.status = last.trim();
              redraw();
            }
            done();
          },
        });
        const dev = { io: io.interactive ? new Io({ stderr: statusFeed }) : io, settings };
        writeCloudRecord(settings.root, { url: cloud.url, host: "127.0.0.1", port: cloud.port, pid: process.pid, stateDir: flags.stateDir, startedAt: new Date().toISOString() });
        const abort = new AbortController();
        const release = onStopSignal(() => abort.abort());
        abort.signal.addEventListener("abort", () => unmount());
        try {
          state.status = "building the functions";
          redraw();
          const rec = await deploy(dev, { onBuild });
          if (abort.signal.aborted) return;
          state.apiUrl = rec.outputs.api_url ?? "";
          state.status = "seeding the table";
          redraw();
          const seeded = await seedTable(dev, DEFAULT_MOVIES);
          dev.io.info(`seeded ${seeded.written} movies`);
          if (abort.signal.aborted) return;
          state.status = "deployed and seeded; ready";
          state.busy = false;
          redraw();
          if (!io.interactive) io.line(`movies dev: cloud ${cloud.url}, api ${state.apiUrl}, console ${consoleUrl(cloud.url)}`);
          const keep = <T,>(list: T[], item: T) => {
            list.push(item);
            if (list.length > 50) list.shift();
            redraw();
          };
          const [{ buildErrorLines }, { functionNames }] = await Promise.all([import("../build-errors.js"), import("../deploy/outputs.js")]);
          // the cloud runs in this process: saved code goes straight to its Lambda registry
          const reloader = new FunctionReloader(
            settings.root,
            Object.entries(functionNames(rec.outputs)).map(([name, functionName]) => ({ name, functionName })),
            cloud.lambda,
            onBuild,
          );
          void reloader.start().then(() => {
            if (!io.interactive) io.line(`hot reload ready: ${Object.keys(functionNames(rec.outputs)).length} functions built once, watching handlers/`);
          });
          const stopWatcher = watchDebounced(join(settings.root, "handlers"), async ({ paths, firstEventAt }) => {
            state.busy = true;
            state.status = "saved; rebuilding";
            redraw();
            const lines: string[] = [];
            try {
              const outcome = await reloader.changed(paths, firstEventAt);
              // one failing shared file breaks every function importing it: its error is shown once
              state.buildErrors = [...new Set(outcome.failures.map((f) => buildErrorLines(f.error).join("\n")))].flatMap((group) => group.split("\n"));
              if (outcome.reloaded.length) {
                const names = outcome.reloaded.map((r) => r.name);
                const readyMs = Math.max(...outcome.reloaded.map((r) => r.readyAt)) - outcome.savedAt;
                const slowest = outcome.reloaded.reduce((a, b) => (b.readyAt > a.readyAt ? b : a));
                const summary: import("../views/dashboard.js").ReloadSummary = {
                  functions: names,
                  readyMs,
                  parts: { build: slowest.buildMs, zip: slowest.zipMs, handover: slowest.handoverMs, envStart: slowest.envStartMs },
                };
                state.reload = summary;
                lines.push(`reloaded ${names.join(", ")}: ready ${Math.round(readyMs)} ms after save (build ${Math.round(slowest.buildMs)}, zip ${Math.round(slowest.zipMs)}, handover ${Math.round(slowest.handoverMs)}, environment start ${Math.round(slowest.envStartMs)} ms)`);
                for (const r of outcome.reloaded) {
                  void r.served.then((at) => {
                    if (state.reload !== summary) return;
                    summary.servedMs = Math.min(summary.servedMs ?? Infinity, at - outcome.savedAt);
                    summary.servedBy = r.name;
                    if (io.interactive) redraw();
                    else io.line(`first request served by the new ${r.name} ${Math.round(at - outcome.savedAt)} ms after save`);
                  });
                }
              }
              if (outcome.failures.length) state.status = "build failed; fix it and save again (the last good code keeps running)";
              else if (outcome.reloaded.length) state.status = lines[0]!;
              else state.status = "saved; no function changed";
            } catch (e) {
              // the whole of it: file:line:column, the message, the line with a caret
              state.buildErrors = buildErrorLines(e);
              state.status = "reload failed; fix it and save again (the last good code keeps running)";
            }
            state.busy = false;
            if (io.interactive) redraw();
            else {
              for (const l of lines) if (l !== state.status) io.line(l);
              io.line(state.status);
              for (const l of state.buildErrors) io.line(l);
            }
          });
          const stopWatching = () => {
            stopWatcher();
            void reloader.close();
          };
          const plain = !io.interactive;
          await Promise.all([
            feeds.followRequests(cloud.url, abort.signal, (r) => (plain ? io.line(`request ${r.status} ${r.method} ${r.path} ${r.ms.toFixed(1)} ms`) : keep(state.requests, r))),
            feeds.followEmails(cloud.url, abort.signal, (m) => (plain ? io.line(`email ${m.subject} -> ${m.to}`) : keep(state.emails, m))),
            // the plain log already has a line per request; the traces panel is for the dashboard
            plain
              ? Promise.resolve()
              : feeds.followTraces(cloud.url, abort.signal, (list) => {
                  state.traces = list;
                  redraw();
                }),
            tailEvents({
              config: sdkConfig(settings, rec),
              topicArn: output(rec, "topic_arn"),
              queueUrl: output(rec, "queue_url"),
              peek: false,
              signal: abort.signal,
              onReady: () => undefined,
              onLeftover: (l) => io.warn(`could not remove the ${l.what} ${l.id} (${l.error}); remove it by hand: ${l.removeWith}`),
              onEvent: (e) => (plain ? io.line(`event ${e.type} ${e.id ?? ""} ${e.title ?? ""}`) : keep(state.events, e)),
            }),
          ]).finally(stopWatching);
        } finally {
          release();
          unmount();
          await cloud.stop();
          clearCloudRecord(settings.root);
          if (!flags.stateDir) clearDeployment(settings.root, "local");
          io.info("movies dev stopped");
        }
      }),
    );
}
