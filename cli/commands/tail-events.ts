import type { Command } from "commander";
import { output, requireDeployment, sdkConfig } from "../context.js";
import { EXIT, usageError } from "../errors.js";
import type { Io } from "../io.js";
import { runCommand } from "../run.js";
import { onStopSignal } from "../signals.js";
import type { MovieEvent } from "../movie-event.js";

const EVENT_TYPES = ["MovieCreated", "MovieUpdated", "MovieDeleted"];

interface TailFlags {
  count?: string;
  timeout?: string;
  type?: string[];
  json?: boolean;
  queue?: boolean;
}

function printEvent(io: Io, e: MovieEvent, json: boolean): void {
  if (json) return io.data(e, true);
  const colour = e.type === "MovieDeleted" ? "red" : e.type === "MovieCreated" ? "green" : "yellow";
  io.line(
    `${io.paint("gray", e.time)}  ${io.paint(colour, e.type.padEnd(12))}  ${e.id ?? "-"}  ${e.title ?? ""}${e.traceId ? io.paint("gray", `  trace ${e.traceId}`) : ""}`,
  );
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw usageError(`${flag} must be a positive number, got "${value}"`);
  return n;
}

export function registerTailEvents(program: Command): void {
  program
    .command("tail-events")
    .description("follow movie events live (a temporary queue subscribed to the topic, removed on exit)")
    .option("--count <n>", "stop after N events")
    .option("--timeout <seconds>", "stop after S seconds")
    .option("--type <type>", `only this event type (repeatable): ${EVENT_TYPES.join(", ")}`, (v: string, acc: string[] = []) => [...acc, v])
    .option("--json", "one JSON object per line")
    .option("--queue", "peek the real queue instead (messages stay for the email function)")
    .action((flags: TailFlags, cmd: Command) =>
      runCommand(cmd, async (ctx) => {
        const count = positive(flags.count, "--count");
        const timeout = positive(flags.timeout, "--timeout");
        for (const t of flags.type ?? []) {
          if (!EVENT_TYPES.includes(t)) throw usageError(`unknown event type "${t}"`, `use one of: ${EVENT_TYPES.join(", ")}`);
        }
        const rec = requireDeployment(ctx.settings);
        const { tailEvents } = await import("../tail.js");
        const abort = new AbortController();
        const release = onStopSignal(() => abort.abort());
        const timer = timeout ? setTimeout(() => abort.abort(), timeout * 1000) : undefined;
        let leftovers = 0;
        const onLeftover = (l: import("../tail.js").Leftover) => {
          leftovers++;
          ctx.io.warn(`could not remove the ${l.what} ${l.id} (${l.error})`);
          ctx.io.info(`  remove it by hand${ctx.settings.target === "aws" ? " (it is billed while it exists)" : ""}: ${l.removeWith}`);
        };
        try {
          await tailEvents({
            config: sdkConfig(ctx.settings, rec),
            topicArn: output(rec, "topic_arn"),
            queueUrl: output(rec, "queue_url"),
            peek: Boolean(flags.queue),
            types: flags.type,
            count,
            signal: abort.signal,
            onReady: (where) => ctx.io.info(`following events on ${where} (Ctrl-C to stop)`),
            onEvent: (e) => printEvent(ctx.io, e, Boolean(flags.json)),
            onLeftover,
          });
          if (leftovers) return EXIT.refused;
        } finally {
          if (timer) clearTimeout(timer);
          release();
        }
      }),
    );
}
