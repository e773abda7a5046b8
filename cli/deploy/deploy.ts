import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { CommandContext } from "../context.js";
import { cloudUrl, sdkConfig } from "../context.js";
import { CliError, EXIT, usageError } from "../errors.js";
import { readCloudRecord, recordsDir, writeCloudRecord, writeDefaultTarget, writeDeployment, type DeploymentRecord } from "../records.js";
import { cloudHealthy, spawnCloud } from "../cloud-process.js";
import { applyToCloud, collectAssets, readAppliedStack } from "./cloud-admin.js";
import type { BuiltFunction } from "./function-builds.js";
import { apiUrlFor, flattenOutputs, functionNames } from "./outputs.js";
import { onStopSignal } from "../signals.js";
import { Steps } from "./steps.js";

export interface DeployFlags {
  yes?: boolean;
  json?: boolean;
  /** run Terraform against our own embedded cloud found where LocalStack was expected */
  allowEmbedded?: boolean;
  /** each function's build state, for a live view (the dev dashboard) */
  onBuild?: Parameters<typeof import("./function-builds.js").buildFunctions>[1];
  /** the process exits after this deploy (`movies deploy`, not `movies dev`): esbuild runs tuned for that (one-shot-bundler.ts) */
  oneShot?: boolean;
}

/** Where the AWS APIs of a Terraform target answer: --endpoint, LocalStack's URL, or AWS itself. */
export function terraformEndpoint(settings: CommandContext["settings"]): string | undefined {
  return settings.target === "localstack" ? (settings.endpoint ?? settings.localstackUrl) : settings.endpoint;
}

/**
 * Checks everything a Terraform target needs before anything is built; throws
 * one error listing every problem with its fix. Running Terraform against our
 * own cloud is what was asked when --endpoint names it or --allow-embedded is given.
 */
export async function checkBeforeTerraform(ctx: CommandContext, flags: { allowEmbedded?: boolean; yes?: boolean }, forDestroy = false): Promise<void> {
  const { settings, io } = ctx;
  const { preflight, reportProblems } = await import("./preflight.js");
  const result = await preflight(settings, terraformEndpoint(settings), { allowEmbedded: flags.allowEmbedded || Boolean(settings.endpoint), forDestroy, willAsk: settings.target === "aws" && !flags.yes });
  reportProblems(io, `${forDestroy ? "destroy on" : "deploy to"} ${settings.target}`, result.problems);
  if (result.region && settings.regionFrom === "default") settings.region = result.region;
  if (result.identity) io.info(io.paint("gray", `  aws: ${result.identity}`));
  if (result.endpoint) io.info(io.paint("gray", `  endpoint: ${result.endpoint.url} is ${result.endpoint.detail}`));
}

/** The embedded cloud to deploy into: --endpoint, the running one, or a new one on 4566. */
export async function ensureCloud(ctx: CommandContext): Promise<string> {
  const url = cloudUrl(ctx.settings);
  if (url && (await cloudHealthy(url))) return url;
  if (ctx.settings.endpoint) throw new CliError(`no embedded cloud answers at ${ctx.settings.endpoint}`, EXIT.unavailable, "start it there, or drop --endpoint");
  const rec = await spawnCloud({ root: ctx.settings.root, host: "127.0.0.1", port: 4566, stateDir: readCloudRecord(ctx.settings.root)?.stateDir });
  writeCloudRecord(ctx.settings.root, rec);
  return rec.url;
}

/**
 * Terraform targets keep `cdktf.out/` at the root (Terraform runs there and
 * `destroy` finds it). A local deploy only sends the JSON to the cloud, so it
 * synthesizes beside its records: clouds on other ports (MOVIES_HOME) never
 * overwrite each other's template.
 */
function synthOutdir(settings: CommandContext["settings"]): string {
  const dir = settings.target === "local" ? join(recordsDir(settings.root), "cdktf.out") : join(settings.root, "cdktf.out");
  // cdktf creates only the last folder; MOVIES_HOME may not exist yet
  mkdirSync(dir, { recursive: true });
  return dir;
}

function stackInput(ctx: CommandContext, endpointUrl?: string, stateDir = join(ctx.settings.root, ".movies", "state")) {
  const s = ctx.settings;
  if (s.target === "aws" && (!s.senderEmail || !s.recipientEmail)) {
    const missing = !s.senderEmail ? "senderEmail" : "recipientEmail";
    throw usageError(
      `deploying to aws needs a verified sender and a recipient: "${missing}" is not set`,
      `add "senderEmail" and "recipientEmail" to movies.config.json (or MOVIES_SENDER_EMAIL / MOVIES_RECIPIENT_EMAIL)`,
    );
  }
  return {
    target: s.target,
    region: s.region,
    namePrefix: s.namePrefix,
    senderEmail: s.senderEmail,
    recipientEmail: s.recipientEmail,
    ...(endpointUrl ? { endpointUrl } : {}),
    stateBackend: s.stateBackend,
    // explicit: stacks/config.ts finds the repo from its own file, which inside the CLI's bundle is dist/cli
    stateDir,
    functionsDir: join(s.root, "dist", "functions"),
  };
}

/**
 * Outputs of an existing Terraform deployment when this machine has no record of
 * it (a fresh CI runner hotswapping): synthesize, init against the state backend,
 * read `terraform output`.
 */
export async function recoverDeployment(ctx: CommandContext): Promise<DeploymentRecord> {
  const { settings } = ctx;
  const endpoint = terraformEndpoint(settings);
  const { terraformWorkdir } = await import("./workdir.js");
  const work = terraformWorkdir(settings, endpoint);
  const { synthStack } = await import("../../stacks/synth.js");
  const synth = await synthStack(stackInput(ctx, endpoint, work.stateDir), { outdir: work.outdir });
  const { Terraform } = await import("../../stacks/terraform/terraform.js");
  const tf = new Terraform({ dir: synth.dir, env: settings.profile ? { AWS_PROFILE: settings.profile } : undefined });
  await tf.init();
  const outputs = flattenOutputs(await tf.outputValues());
  if (!outputs.function_names) throw new CliError(`nothing is deployed to ${settings.target} yet`, EXIT.unavailable, `run \`movies deploy --target ${settings.target}\` first`);
  const apiUrl = apiUrlFor(settings.target, outputs, endpoint);
  if (apiUrl) outputs.api_url = apiUrl;
  const rec: DeploymentRecord = { target: settings.target, deployedAt: new Date().toISOString(), endpoint, region: settings.region, outputs, workdir: work.key };
  writeDeployment(settings.root, rec);
  return rec;
}

/**
 * A local deploy with nothing to apply to the stack: the stack's inputs hash
 * as they did for the last apply to this cloud, and the running cloud still
 * holds the stack as that apply left it (its fingerprint). Functions whose zip
 * differs from the CodeSha256 the cloud reports get their code updated through
 * the Lambda API (UpdateFunctionCode, as any client would), and nothing else is
 * sent. Undefined when the stack must be synthesized and applied: nothing
 * recorded, other inputs, a cloud that was restarted empty or given another
 * stack, or a function it does not have.
 */
async function codeOnlyDeploy(
  ctx: CommandContext,
  endpoint: string,
  key: string,
  built: readonly BuiltFunction[],
): Promise<{ outputs: Record<string, unknown>; updated: string[] } | undefined> {
  const { readDeployCache } = await import("./local-cache.js");
  const recorded = await readDeployCache(recordsDir(ctx.settings.root), endpoint);
  if (recorded?.stackKey !== key) return undefined;
  const applied = await readAppliedStack(endpoint, "movies");
  if (!applied?.fingerprint || applied.fingerprint !== recorded.fingerprint || !applied.functionCode) return undefined;
  const names = functionNames(flattenOutputs(applied.outputs));
  const stale: { f: BuiltFunction; functionName: string }[] = [];
  for (const f of built) {
    const functionName = names[f.name];
    const deployed = functionName ? applied.functionCode[functionName] : undefined;
    if (!functionName || !deployed) return undefined;
    if (deployed !== Buffer.from(f.sha256, "hex").toString("base64")) stale.push({ f, functionName });
  }
  if (stale.length > 0) {
    const [{ LambdaClient, UpdateFunctionCodeCommand }, { readFile }] = await Promise.all([import("./lambda-module.js").then((m) => m.lambdaModule()), import("node:fs/promises")]);
    const lambda = new LambdaClient(sdkConfig({ ...ctx.settings, target: "local", endpoint }));
    try {
      for (const { f, functionName } of stale) await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: functionName, ZipFile: await readFile(f.zipPath) }));
    } finally {
      lambda.destroy();
    }
  }
  return { outputs: applied.outputs, updated: stale.map((s) => s.functionName) };
}

/** build -> synth -> apply, on the target in the settings; records and returns the outputs. */
export async function deploy(ctx: CommandContext, flags: DeployFlags): Promise<DeploymentRecord> {
  const { io, settings } = ctx;
  const steps = new Steps(io);
  const release = onStopSignal(() => {
    steps.interrupt();
    io.info(io.paint("yellow", `stopping after "${steps.current ?? "the current step"}" (Ctrl-C again to stop at once)`));
  });
  try {
    if (settings.target !== "local") await steps.run("preflight", () => checkBeforeTerraform(ctx, flags));
    const built = await steps.run("build functions", async () => {
      const [{ buildFunctions }, { withOneShotBundler }, { loadLambdaWhileBundling }] = await Promise.all([
        import("./function-builds.js"),
        import("./one-shot-bundler.js"),
        import("./lambda-module.js"),
      ]);
      const build = () =>
        buildFunctions(settings.root, (name, state) => {
          // a function being bundled will most likely have its code uploaded: its client loads meanwhile
          if (state === "building" && settings.target === "local") loadLambdaWhileBundling();
          flags.onBuild?.(name, state);
        });
      return flags.oneShot ? withOneShotBundler(build) : build();
    });
    for (const f of built) if (!f.cached) io.info(io.paint("gray", `  ${f.name}.zip ${(f.bytes / 1024).toFixed(1)} KiB${f.changed ? "" : " (unchanged)"}`));
    const endpoint = settings.target === "local" ? await steps.run("embedded cloud", () => ensureCloud(ctx)) : terraformEndpoint(settings);
    const { adoptLegacyState, terraformWorkdir } = await import("./workdir.js");
    const work = settings.target === "local" ? undefined : terraformWorkdir(settings, endpoint);
    const adopted = work && adoptLegacyState(settings, work);
    if (adopted) io.info(`  moved the earlier Terraform state ${adopted} into ${work.stateDir}`);
    let raw: Record<string, unknown>;
    if (settings.target === "local") {
      const cache = await import("./local-cache.js");
      const input = stackInput(ctx, endpoint);
      const key = await cache.stackKey(settings.root, input);
      const held = await steps.run("compare with the cloud", () => codeOnlyDeploy(ctx, endpoint!, key, built));
      if (held) {
        io.info(io.paint("gray", held.updated.length ? `  stack unchanged; code updated: ${held.updated.join(", ")}` : "  stack and code unchanged"));
        raw = held.outputs;
      } else {
        const outdir = synthOutdir(settings);
        const synthesized = cache.synthKey(key, built);
        const { join: joinPath } = await import("node:path");
        const reused = (await cache.synthesizedWith(outdir)) === synthesized;
        const synth = await steps.run(reused ? "synthesize stack (unchanged, reused)" : "synthesize stack", async () => {
          if (reused) {
            const dir = joinPath(outdir, "stacks", "movies");
            const { readFile } = await import("node:fs/promises");
            return { dir, json: JSON.parse(await readFile(joinPath(dir, "cdk.tf.json"), "utf8")) as unknown };
          }
          await cache.markSynthesized(outdir, undefined);
          const { synthStack } = await import("../../stacks/synth.js");
          const result = await synthStack(input, { outdir });
          await cache.markSynthesized(outdir, synthesized);
          return result;
        });
        const result = await steps.run("apply to the embedded cloud", async () => applyToCloud(endpoint!, "movies", synth.json, await collectAssets(synth.dir)));
        const changed = result.changes.filter((c) => c.action !== "noop");
        io.info(io.paint("gray", `  ${changed.length} changed, ${result.changes.length - changed.length} unchanged`));
        await cache.writeDeployCache(recordsDir(settings.root), endpoint!, result.fingerprint ? { stackKey: key, fingerprint: result.fingerprint } : undefined);
        raw = result.outputs;
      }
    } else {
      const synth = await steps.run("synthesize stack", async () => {
        const { synthStack } = await import("../../stacks/synth.js");
        return synthStack(stackInput(ctx, endpoint, work?.stateDir), { outdir: work?.outdir });
      });
      const { runTerraform } = await import("./terraform-run.js");
      await runTerraform(ctx, { dir: synth.dir, logFile: work!.logFile, yes: flags.yes, confirm: settings.target === "aws", step: (name, fn) => steps.run(name, fn) });
      const { Terraform } = await import("../../stacks/terraform/terraform.js");
      raw = await new Terraform({ dir: synth.dir, env: settings.profile ? { AWS_PROFILE: settings.profile } : undefined }).outputValues();
    }
    const outputs = flattenOutputs(raw);
    const apiUrl = apiUrlFor(settings.target, outputs, endpoint);
    if (apiUrl) outputs.api_url = apiUrl;
    const rec: DeploymentRecord = { target: settings.target, deployedAt: new Date().toISOString(), endpoint, region: settings.region, outputs, ...(work ? { workdir: work.key } : {}) };
    writeDeployment(settings.root, rec);
    writeDefaultTarget(settings.root, settings.target);
    io.info(`deployed to ${settings.target} in ${steps.totalMs()} ms`);
    return rec;
  } catch (e) {
    // a failed preflight has said everything already; nothing had started
    if (steps.current && steps.current !== "preflight") io.info(io.paint("red", `✗ stopped during: ${steps.current}`));
    throw e;
  } finally {
    release();
  }
}
