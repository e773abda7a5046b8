import type { Command } from "commander";
import { awsEndpoint } from "../context.js";
import { unavailable } from "../errors.js";
import type { Io } from "../io.js";
import { runCommand } from "../run.js";
import { onStopSignal } from "../signals.js";

export interface MailboxMessage {
  Id: string;
  Region?: string;
  Source: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  Subject?: string;
  Body?: { text_part?: string | null; html_part?: string | null };
  Timestamp: string;
}

export async function readMailbox(endpoint: string): Promise<MailboxMessage[]> {
  let res: Response;
  try {
    res = await fetch(`${endpoint}/_aws/ses`);
  } catch {
    throw unavailable(`nothing answers at ${endpoint}`, "start the cloud with `movies up` (or LocalStack with `docker compose --profile localstack up`)");
  }
  if (!res.ok) throw unavailable(`${endpoint}/_aws/ses answered ${res.status}: no mailbox there`);
  return ((await res.json()) as { messages: MailboxMessage[] }).messages;
}

function printMail(io: Io, m: MailboxMessage, json: boolean): void {
  if (json) return io.data(m, true);
  const to = [...(m.Destination?.ToAddresses ?? []), ...(m.Destination?.CcAddresses ?? [])].join(", ");
  io.line(`${io.paint("gray", m.Timestamp)}  ${m.Source} -> ${to}`);
  io.line(`  ${io.paint("bold", m.Subject ?? "(no subject)")}`);
  const text = m.Body?.text_part ?? m.Body?.html_part ?? "";
  for (const l of text.split("\n").slice(0, 6)) io.line(`  ${io.paint("gray", l)}`);
}

export function registerEmails(program: Command): void {
  program
    .command("emails")
    .description("the emails the system sent (embedded cloud or LocalStack mailbox)")
    .option("--json", "one JSON object per line")
    .option("--follow", "keep printing new emails until Ctrl-C")
    .action((flags: { json?: boolean; follow?: boolean }, cmd: Command) =>
      runCommand(cmd, async ({ io, settings }) => {
        const endpoint = awsEndpoint(settings);
        if (!endpoint && settings.target === "local") throw unavailable("the embedded cloud is not running", "start it with `movies up` (or `npm start` for the dev loop)");
        if (!endpoint) {
          io.line("On AWS, SES keeps no copy of sent mail: look in the recipient's inbox, and at the SES");
          io.line("console's sending statistics or the configuration set's event destinations for deliveries and bounces.");
          return;
        }
        const seen = new Set<string>();
        const show = async () => {
          for (const m of await readMailbox(endpoint)) {
            if (seen.has(m.Id)) continue;
            seen.add(m.Id);
            printMail(io, m, Boolean(flags.json));
          }
        };
        await show();
        if (!flags.follow) {
          if (seen.size === 0 && !flags.json) io.line("no emails yet");
          return;
        }
        let stopped = false;
        const release = onStopSignal(() => (stopped = true));
        while (!stopped) {
          await new Promise((r) => setTimeout(r, 500));
          if (!stopped) await show();
        }
        release();
      }),
    );
}
