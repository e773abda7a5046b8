import type { Settings } from "./config.js";
import { cloudHealthy } from "./cloud-process.js";
import { awsEndpoint } from "./context.js";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** what to do when it fails */
  fix?: string;
  /** whether the current target needs it */
  required: boolean;
}

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; stdout: string; error?: string }> {
  const { execa } = await import("execa");
  try {
    const r = await execa(cmd, args, { timeout: 10_000, reject: false, env: { ...process.env, TF_CLI_CONFIG_FILE: undefined } });
    if (r.failed) return { ok: false, stdout: r.stdout ?? "", error: (r.stderr || r.shortMessage || "").toString().split("\n")[0] };
    return { ok: true, stdout: String(r.stdout) };
  } catch (e) {
    return { ok: false, stdout: "", error: (e as Error).message };
  }
}

export async function checkNode(): Promise<Check> {
  const major = Number(process.versions.node.split(".")[0]);
  return {
    name: "node",
    ok: major >= 20,
    detail: `v${process.versions.node}`,
    fix: "install Node.js 20 or newer (https://nodejs.org)",
    required: true,
  };
}

export async function checkTerraform(required: boolean): Promise<Check> {
  const r = await run("terraform", ["version", "-json"]);
  if (!r.ok) return { name: "terraform", ok: false, detail: r.error ?? "not found", fix: "install Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install)", required };
  const version = (JSON.parse(r.stdout) as { terraform_version: string }).terraform_version;
  const [maj, min] = version.split(".").map(Number);
  const ok = maj! > 1 || (maj === 1 && min! >= 5);
  return { name: "terraform", ok, detail: `v${version}`, fix: ok ? undefined : "upgrade Terraform to 1.5 or newer", required };
}

export async function checkDocker(required: boolean): Promise<Check> {
  const client = await run("docker", ["--version"]);
  if (!client.ok) return { name: "docker", ok: false, detail: "not found", fix: "install Docker (needed for LocalStack and `docker compose up`)", required };
  const daemon = await run("docker", ["info", "--format", "{{.ServerVersion}}"]);
  return daemon.ok
    ? { name: "docker", ok: true, detail: `engine ${daemon.stdout.trim()}`, required }
    : { name: "docker", ok: false, detail: "client found, no engine answering", fix: "start the Docker engine (Docker Desktop, or `sudo systemctl start docker`)", required };
}

export async function checkAwsCredentials(settings: Settings, required: boolean): Promise<Check> {
  const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const sts = new STSClient({ region: settings.region, maxAttempts: 1 });
  try {
    const id = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(5000) });
    return { name: "aws credentials", ok: true, detail: `${id.Arn} (account ${id.Account})`, required };
  } catch (e) {
    return {
      name: "aws credentials",
      ok: false,
      detail: (e as Error).message.split("\n")[0]!,
      fix: "configure credentials: `aws configure`, `aws sso login --profile P` with --profile P, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
      required,
    };
  } finally {
    sts.destroy();
  }
}

export async function checkCloud(settings: Settings, required: boolean): Promise<Check> {
  const url = settings.target === "local" ? awsEndpoint(settings) : undefined;
  if (!url) return { name: "embedded cloud", ok: false, detail: "not running", fix: "start it with `movies up` (or `npm start` for the dev loop)", required };
  const ok = await cloudHealthy(url);
  return { name: "embedded cloud", ok, detail: ok ? `answering at ${url}` : `no answer at ${url}`, fix: ok ? undefined : "start it with `movies up`", required };
}

export async function checkLocalstack(settings: Settings, required: boolean): Promise<Check> {
  const url = settings.endpoint ?? settings.localstackUrl;
  const { probeEndpoint } = await import("./deploy/endpoint-probe.js");
  const probe = await probeEndpoint(url, 2000);
  switch (probe.kind) {
    case "localstack":
      return { name: "localstack", ok: true, detail: `${probe.detail} at ${probe.url}`, required };
    case "movies-cloud":
      // both default to port 4566: Terraform aimed here would apply to the dev cloud
      return {
        name: "localstack",
        ok: false,
        detail: `${probe.url} is the movies embedded cloud, not LocalStack`,
        fix: "stop the cloud (`movies down`) and start LocalStack, point --endpoint at LocalStack, or deploy to the cloud with `--allow-embedded`",
        required,
      };
    case "other":
      return { name: "localstack", ok: false, detail: `${probe.url} answers, but it is ${probe.detail}`, fix: "point --endpoint (or localstackUrl) at LocalStack", required };
    default:
      return { name: "localstack", ok: false, detail: `no answer at ${probe.url} (${probe.detail})`, fix: "start it with `docker compose --profile localstack up -d localstack`", required };
  }
}

/** Every check, each marked as required or not for the current target. */
export async function runChecks(settings: Settings): Promise<Check[]> {
  const t = settings.target;
  return Promise.all([
    checkNode(),
    checkTerraform(t !== "local"),
    checkDocker(t === "localstack"),
    t === "aws" ? checkAwsCredentials(settings, true) : Promise.resolve<Check>({ name: "aws credentials", ok: true, detail: "not needed for this target", required: false }),
    checkCloud({ ...settings, target: "local" }, t === "local"),
    t === "localstack" ? checkLocalstack(settings, true) : Promise.resolve<Check>({ name: "localstack", ok: true, detail: "not needed for this target", required: false }),
  ]);
}
