import { createInterface } from "node:readline/promises";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CommandContext } from "../context.js";
import { CliError, EXIT, usageError } from "../errors.js";
import { ApplyProgress, failureLines, planLine } from "./apply-progress.js";

export interface TerraformRunOptions {
  /** the synthesized stack folder */
  dir: string;
  logFile: string;
  destroy?: boolean;
  /** --yes: apply without asking */
  yes?: boolean;
  /** ask before applying (aws); the others apply at once */
  confirm: boolean;
  /** runs between named steps, so Ctrl-C stops at a boundary */
  step: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
}

async function ask(question: string, what: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw usageError(`${what} asks before applying, and there is no terminal to ask`, "pass --yes to go ahead without asking");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/**
 * init -> plan (saved) -> summary -> confirm -> apply of that very plan, with
 * Terraform's own output in the log file and a live summary on screen. On
 * failure: the failing resources with AWS's messages, and the log's path.
 */
export async function runTerraform(ctx: CommandContext, opts: TerraformRunOptions): Promise<{ changed: boolean }> {
  const { io, settings } = ctx;
  writeFileSync(opts.logFile, "");
  io.info(io.paint("gray", `  terraform log: ${opts.logFile}`));
  const progress = new ApplyProgress();
  let redraw = () => {};
  const { Terraform } = await import("../../stacks/terraform/terraform.js");
  const tf = new Terraform({
    dir: opts.dir,
    logFile: opts.logFile,
    onMessage: (m) => {
      progress.onMessage(m);
      if (!io.interactive && m.type === "apply_complete" && m.hook?.resource && m.hook.action !== "read") io.info(io.paint("gray", `  ${progress.done}/${progress.total} ${m.hook.resource.addr} ${m.hook.action ?? ""}`));
      redraw();
    },
    env: settings.profile ? { AWS_PROFILE: settings.profile } : undefined,
  });
  const failed = (what: string, e: unknown): CliError => {
    if (progress.failures.length) {
      for (const f of progress.failures) for (const [i, l] of failureLines(f).entries()) io.info(i === 0 ? `  ${io.paint("red", "✗")} ${l}` : io.paint("gray", `    ${l}`));
      return new CliError(`${what} failed on ${progress.failures.length} ${progress.failures.length === 1 ? "resource" : "resources"} (above)`, EXIT.refused, `full log: ${opts.logFile}`);
    }
    const message = (e as Error).message.split("\n").filter(Boolean).slice(-6).join("\n  ");
    return new CliError(`${what} failed: ${message}`, EXIT.refused, `full log: ${opts.logFile}`);
  };
  const planFile = join(opts.dir, "movies.tfplan");
  try {
    await opts.step("terraform init", () => tf.init().catch((e: unknown) => Promise.reject(failed("terraform init", e))));
    const plan = await opts.step(opts.destroy ? "terraform plan (destroy)" : "terraform plan", () =>
      tf.planToFile(planFile, { destroy: opts.destroy }).catch((e: unknown) => Promise.reject(failed("terraform plan", e))),
    );
    if (!plan.changes) {
      io.info("  no changes");
      return { changed: false };
    }
    io.info(`  plan: ${planLine(progress.plan ?? { add: 0, change: 0, remove: 0 })}`);
    if (opts.confirm && !opts.yes) {
      const where = `${settings.target}${settings.target === "aws" ? ` (${settings.region})` : ""}`;
      const question = opts.destroy ? `Destroy these resources on ${where}?` : `Apply these changes to ${where}?`;
      if (!(await ask(question, opts.destroy ? `destroying on ${settings.target}` : `deploying to ${settings.target}`))) {
        throw new CliError(`${opts.destroy ? "destroy" : "deploy"} cancelled; nothing was changed`, EXIT.refused);
      }
    }
    let stopView = () => {};
    if (io.interactive) {
      const [{ render }, { createElement }, { ApplyView }] = await Promise.all([import("ink"), import("react"), import("../views/apply-view.js")]);
      let tick = 0;
      const props = () => ({ title: opts.destroy ? "destroying" : "applying", progress, tick: tick++, logFile: opts.logFile });
      const view = render(createElement(ApplyView, props()), { stdout: io.liveStream });
      redraw = () => view.rerender(createElement(ApplyView, props()));
      stopView = () => view.unmount();
    }
    try {
      await opts.step(opts.destroy ? "terraform destroy" : "terraform apply", () => tf.applyPlanFile(planFile).catch((e: unknown) => Promise.reject(failed(opts.destroy ? "terraform destroy" : "terraform apply", e))));
    } finally {
      redraw = () => {};
      stopView();
    }
    io.info(io.paint("gray", `  ${progress.done} resources ${opts.destroy ? "destroyed" : "applied"} in ${progress.elapsedSeconds()} s`));
    return { changed: true };
  } finally {
    rmSync(planFile, { force: true });
  }
}
