import { readFile } from "node:fs/promises";
import type { CommandContext } from "../context.js";
import { requireDeployment, sdkConfig } from "../context.js";
import { CliError, EXIT } from "../errors.js";
import { readDeployment } from "../records.js";
import { functionNames } from "./outputs.js";

export interface HotswapResult {
  name: string;
  functionName: string;
  updated: boolean;
}

/**
 * Rebuilds the functions whose sources changed and replaces the code of every
 * function whose zip differs from the deployed one (Lambda's CodeSha256), with
 * UpdateFunctionCode. Nothing else in the stack is touched.
 */
export async function hotswap(ctx: CommandContext, onBuild?: Parameters<typeof import("./function-builds.js").buildFunctions>[1], oneShot = false): Promise<HotswapResult[]> {
  const { target, root } = ctx.settings;
  const recorded = readDeployment(root, target);
  const rec = recorded ?? (target === "local" ? requireDeployment(ctx.settings) : await (await import("./deploy.js")).recoverDeployment(ctx));
  const names = functionNames(rec.outputs);
  const [{ buildFunctions }, { withOneShotBundler }, { lambdaModule, loadLambdaWhileBundling }] = await Promise.all([
    import("./function-builds.js"),
    import("./one-shot-bundler.js"),
    import("./lambda-module.js"),
  ]);
  const build = () =>
    buildFunctions(ctx.settings.root, (name, state) => {
      if (state === "building") loadLambdaWhileBundling();
      onBuild?.(name, state);
    });
  const built = await (oneShot ? withOneShotBundler(build) : build());
  const { LambdaClient, GetFunctionCommand, UpdateFunctionCodeCommand } = await lambdaModule();
  const lambda = new LambdaClient(sdkConfig(ctx.settings, rec));
  try {
    return await Promise.all(
      built.map(async (f): Promise<HotswapResult> => {
        const functionName = names[f.name];
        if (!functionName) throw new CliError(`the deployment has no function for ${f.name}`, EXIT.unavailable, "run a full `movies deploy`");
        const deployed = await lambda.send(new GetFunctionCommand({ FunctionName: functionName }));
        const localSha = Buffer.from(f.sha256, "hex").toString("base64");
        if (deployed.Configuration?.CodeSha256 === localSha) return { name: f.name, functionName, updated: false };
        await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: functionName, ZipFile: await readFile(f.zipPath) }));
        return { name: f.name, functionName, updated: true };
      }),
    );
  } finally {
    lambda.destroy();
  }
}
