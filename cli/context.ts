import { resolveSettings, findRoot, type GlobalFlags, type Settings } from "./config.js";
import { unavailable } from "./errors.js";
import { Io } from "./io.js";
import { readCloudRecord, readDefaultTarget, readDeployment, type DeploymentRecord } from "./records.js";

/** What every command gets: the I/O host and the resolved settings. */
export interface CommandContext {
  io: Io;
  settings: Settings;
}

export interface CommonFlags extends GlobalFlags {
  json?: boolean;
  debug?: boolean;
}

export async function makeContext(flags: CommonFlags, env: NodeJS.ProcessEnv = process.env): Promise<CommandContext> {
  const io = new Io({ json: flags.json, debug: flags.debug, env });
  const root = findRoot();
  const settings = await resolveSettings(flags, env, root, readDefaultTarget(root));
  return { io, settings };
}

/** The URL of the embedded cloud for local work: --endpoint, else the running cloud's record. */
export function cloudUrl(settings: Settings): string | undefined {
  return settings.endpoint ?? readCloudRecord(settings.root)?.url;
}

/** Where the AWS APIs of the current target answer; undefined means real AWS. */
export function awsEndpoint(settings: Settings): string | undefined {
  if (settings.target === "aws") return settings.endpoint;
  if (settings.target === "localstack") return settings.endpoint ?? settings.localstackUrl;
  return cloudUrl(settings);
}

export function requireDeployment(settings: Settings): DeploymentRecord {
  const rec = readDeployment(settings.root, settings.target);
  if (!rec) throw unavailable(`nothing is deployed to target "${settings.target}"`, `run \`movies deploy --target ${settings.target}\` first`);
  if (settings.target === "local") {
    // a cloud without a state dir forgets every stack when it stops; one started after the deploy holds nothing of it
    const cloud = readCloudRecord(settings.root);
    if (cloud && !cloud.stateDir && cloud.url === rec.endpoint && cloud.startedAt > rec.deployedAt) {
      throw unavailable("the embedded cloud was restarted without a state dir after the last deploy, so nothing is deployed in it", "run `movies deploy`");
    }
  }
  return rec;
}

export function output(rec: DeploymentRecord, name: string): string {
  const value = rec.outputs[name];
  if (!value) throw unavailable(`the ${rec.target} deployment has no "${name}" output`, `run \`movies deploy --target ${rec.target}\` again`);
  return value;
}

/** SDK client settings for the target: region, endpoint, and dummy keys where none are needed. */
export function sdkConfig(settings: Settings, rec?: DeploymentRecord) {
  const endpoint = rec?.endpoint ?? awsEndpoint(settings);
  const local = settings.target !== "aws";
  const haveKeys = Boolean(process.env.AWS_ACCESS_KEY_ID);
  return {
    region: rec?.region ?? settings.region,
    ...(endpoint ? { endpoint } : {}),
    ...(local && !haveKeys ? { credentials: { accessKeyId: "test", secretAccessKey: "test" } } : {}),
  };
}
