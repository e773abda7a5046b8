import type { Settings } from "../config.js";
import { CliError, EXIT, type ExitCode } from "../errors.js";
import type { Io } from "../io.js";
import { probeEndpoint, type EndpointProbe } from "./endpoint-probe.js";

/** One thing that stops a deploy, with what fixes it. */
export interface Problem {
  what: string;
  fix: string;
  /** the exit code this problem alone would give: unreachable endpoints are 3, wrong or missing settings 2, refusals 1 */
  exit: ExitCode;
}

export interface PreflightOptions {
  /** Terraform against our own embedded cloud was asked for (--allow-embedded, or --endpoint given explicitly) */
  allowEmbedded?: boolean;
  /** `destroy` needs no emails: it removes what is there */
  forDestroy?: boolean;
  /** how long to wait for STS and the endpoint */
  timeoutMs?: number;
  /** the apply will ask first (aws without --yes): there must be a terminal to ask on */
  willAsk?: boolean;
}

export interface PreflightResult {
  problems: Problem[];
  /** what answers at the endpoint, when the target has one */
  endpoint?: EndpointProbe;
  /** who we are on AWS, for the aws target */
  identity?: string;
  /** the region the SDK's chain found (e.g. from the profile), for the aws target */
  region?: string;
}

async function terraformProblems(): Promise<Problem[]> {
  const { execa } = await import("execa");
  const r = await execa("terraform", ["version", "-json"], { reject: false, timeout: 10_000, env: { TF_CLI_CONFIG_FILE: undefined, CHECKPOINT_DISABLE: "1" } });
  if (r.failed) {
    return [{ what: "terraform is not installed (or not on PATH)", fix: "install Terraform >= 1.5: https://developer.hashicorp.com/terraform/install", exit: EXIT.unavailable }];
  }
  let version = "0.0.0";
  try {
    version = (JSON.parse(String(r.stdout)) as { terraform_version: string }).terraform_version;
  } catch {
    // an old terraform without -json: the version check below reports it
  }
  const [maj = 0, min = 0] = version.split(".").map(Number);
  const problems: Problem[] = [];
  if (maj < 1 || (maj === 1 && min < 5)) problems.push({ what: `terraform ${version} is too old`, fix: "upgrade Terraform to 1.5 or newer", exit: EXIT.unavailable });
  const { findPluginMirror } = await import("../../stacks/terraform/plugin-mirror.js");
  if (!findPluginMirror() && !(await registryReachable())) {
    problems.push({
      what: "the hashicorp/aws provider cannot be installed: no provider mirror on this machine and registry.terraform.io does not answer",
      fix: "connect to the internet once, or point MOVIES_TF_PLUGIN_MIRROR at a folder holding registry.terraform.io/hashicorp/aws (`terraform providers mirror DIR` on a connected machine)",
      exit: EXIT.unavailable,
    });
  }
  return problems;
}

async function registryReachable(): Promise<boolean> {
  try {
    const res = await fetch("https://registry.terraform.io/.well-known/terraform.json", { signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Credentials through the SDK's default chain (env, profile, SSO, instance role), checked with STS GetCallerIdentity. */
async function awsIdentity(settings: Settings, timeoutMs: number): Promise<{ identity?: string; region?: string; problems: Problem[] }> {
  const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const problems: Problem[] = [];
  const explicitRegion = settings.regionFrom !== "default";
  let region: string | undefined = explicitRegion ? settings.region : undefined;
  if (!region) {
    // the SDK's chain also reads the profile in ~/.aws/config
    const probe = new STSClient({});
    region = await probe.config.region().catch(() => undefined);
    probe.destroy();
  }
  // STS answers in every region: without one, the credentials are still checked, so one run reports both
  const sts = new STSClient({ region: region ?? "us-east-1", maxAttempts: 1, ...(settings.endpoint ? { endpoint: settings.endpoint } : {}) });
  if (!region) {
    problems.push({ what: "no AWS region is set", fix: "pass --region eu-west-1, set AWS_REGION, or add \"region\" to movies.config.json", exit: EXIT.usage });
  }
  try {
    const id = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(timeoutMs) });
    return { identity: `${id.Arn} (account ${id.Account}${region ? `, ${region}` : ""})`, region, problems };
  } catch (e) {
    const err = e as Error & { name?: string };
    const first = err.message.split("\n")[0]!;
    const noCreds = /credential/i.test(first) || err.name === "CredentialsProviderError";
    problems.push({
      what: noCreds ? `no AWS credentials found (${first})` : `AWS did not accept the credentials: ${first}`,
      fix: settings.profile
        ? `sign in for profile ${settings.profile}: \`aws sso login --profile ${settings.profile}\`, or check it in ~/.aws/config`
        : "run `aws configure` (or `aws sso login --profile P` and pass --profile P), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
      exit: noCreds ? EXIT.usage : EXIT.refused,
    });
    return { region, problems };
  } finally {
    sts.destroy();
  }
}

function emailProblems(settings: Settings): Problem[] {
  const missing = [!settings.senderEmail && "senderEmail", !settings.recipientEmail && "recipientEmail"].filter(Boolean) as string[];
  if (!missing.length) return [];
  return [
    {
      what: `no ${missing.join(" and no ")}: the email function needs a sender verified in SES and a recipient`,
      fix: `add ${missing.map((m) => `"${m}"`).join(" and ")} to movies.config.json, or set ${missing.map((m) => (m === "senderEmail" ? "MOVIES_SENDER_EMAIL" : "MOVIES_RECIPIENT_EMAIL")).join(" and ")}`,
      exit: EXIT.usage,
    },
  ];
}

function endpointProblems(settings: Settings, probe: EndpointProbe, opts: PreflightOptions): Problem[] {
  const flag = `--target ${settings.target}`;
  switch (probe.kind) {
    case "unreachable":
      return [
        {
          what: `nothing answers at ${probe.url} (${probe.detail})`,
          fix:
            settings.target === "localstack"
              ? "start LocalStack with `docker compose --profile localstack up -d localstack`, or point --endpoint (or localstackUrl in movies.config.json) at it"
              : "check --endpoint",
          exit: EXIT.unavailable,
        },
      ];
    case "movies-cloud":
      if (opts.allowEmbedded) return [];
      return [
        {
          what: `${probe.url} is the movies embedded cloud, not LocalStack: \`movies deploy ${flag}\` would run Terraform against your dev cloud`,
          fix: `to deploy there as usual run \`movies deploy\` (target local); to run Terraform against it on purpose, add --allow-embedded (or give --endpoint ${probe.url}); for LocalStack, stop the cloud (\`movies down\`) or point --endpoint at LocalStack`,
          exit: EXIT.usage,
        },
      ];
    case "other":
      return settings.target === "localstack"
        ? [{ what: `${probe.url} answers, but it is ${probe.detail}`, fix: "point --endpoint (or localstackUrl in movies.config.json) at LocalStack", exit: EXIT.unavailable }]
        : [];
    default:
      return [];
  }
}

/**
 * Everything a Terraform deploy needs, checked at once and before anything is
 * built, so one run names every problem with its fix. The local target needs
 * none of it: the CLI starts the cloud itself.
 */
export async function preflight(settings: Settings, endpoint: string | undefined, opts: PreflightOptions = {}): Promise<PreflightResult> {
  if (settings.target === "local") return { problems: [] };
  const timeoutMs = opts.timeoutMs ?? 5000;
  const [tf, probe, aws] = await Promise.all([
    terraformProblems(),
    endpoint ? probeEndpoint(endpoint, Math.min(timeoutMs, 2000)) : Promise.resolve(undefined),
    settings.target === "aws" ? awsIdentity(settings, timeoutMs) : Promise.resolve(undefined),
  ]);
  // known now, so a CI run without --yes stops before minutes of building and planning, not after
  const noTerminal: Problem[] =
    opts.willAsk && !process.stdin.isTTY
      ? [{ what: `${opts.forDestroy ? "destroying" : "deploying"} on ${settings.target} asks before applying, and there is no terminal to ask`, fix: "pass --yes to go ahead without asking (the plan summary is still shown)", exit: EXIT.usage }]
      : [];
  const problems = [...tf, ...(aws?.problems ?? []), ...noTerminal, ...(opts.forDestroy ? [] : emailProblems(settings)), ...(probe ? endpointProblems(settings, probe, opts) : [])];
  return { problems, endpoint: probe, identity: aws?.identity, region: aws?.region };
}

/** Shows every problem with its fix and throws one error; the exit code is 3 when an endpoint or tool is missing, else the most specific one. */
export function reportProblems(io: Io, what: string, problems: Problem[]): void {
  if (!problems.length) return;
  if (problems.length === 1) throw new CliError(`${what}: ${problems[0]!.what}`, problems[0]!.exit, `fix: ${problems[0]!.fix}`);
  io.info(io.paint("red", `${what}: ${problems.length === 1 ? "1 problem" : `${problems.length} problems`}; nothing was built or applied`));
  for (const p of problems) {
    io.info(`  ${io.paint("red", "✗")} ${p.what}`);
    io.info(`    ${io.paint("gray", `fix: ${p.fix}`)}`);
  }
  const exit = problems.some((p) => p.exit === EXIT.unavailable) ? EXIT.unavailable : problems.some((p) => p.exit === EXIT.usage) ? EXIT.usage : EXIT.refused;
  throw new CliError(`${problems.length} problems stop this (listed above)`, exit);
}
