import { rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GetFunctionCommand, LambdaClient, UpdateFunctionCodeCommand } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { localClientConfig } from "./support/cloud-client-config.js";
import { freePort } from "./support/free-port.js";
import { cliEnv, movies, REPO_ROOT, tempHome } from "./support/movies-cli.js";

// A deploy into a running cloud that already holds what would be applied
// returns without synthesizing or applying; what decides is what the running
// cloud reports (the stack's fingerprint, each function's CodeSha256), never
// the CLI's own cache file alone.

const home = tempHome("movies-deploy-cache-");
const env = cliEnv(home);

afterAll(async () => {
  await movies(["down"], env);
  rmSync(home, { recursive: true, force: true });
});

async function deploy(): Promise<{ stderr: string; outputs: Record<string, string> }> {
  const r = await movies(["deploy", "--json"], env);
  if (r.exitCode !== 0) throw new Error(`movies deploy exited ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return { stderr: r.stderr, outputs: (JSON.parse(r.stdout) as { outputs: Record<string, string> }).outputs };
}

const applied = (stderr: string) => stderr.includes("apply to the embedded cloud");

describe("movies deploy --target local with nothing changed", { timeout: 300_000 }, () => {
  it("skips the apply, puts back code changed behind its back, and applies again into a restarted cloud", async () => {
    const port = await freePort();
    expect((await movies(["up", "--port", String(port)], env)).exitCode).toBe(0);

    const first = await deploy();
    expect(applied(first.stderr)).toBe(true);

    const second = await deploy();
    expect(applied(second.stderr)).toBe(false);
    expect(second.stderr).toContain("stack and code unchanged");
    expect(second.outputs).toEqual(first.outputs);

    // Someone replaces a function's code with the Lambda API: the next deploy sees it in the cloud and puts the built zip back.
    const names = JSON.parse(first.outputs.function_names!) as Record<string, string>;
    const lambda = new LambdaClient(localClientConfig(`http://127.0.0.1:${port}`));
    const other = zipSync({ "index.mjs": new TextEncoder().encode("export const handler = async () => ({ statusCode: 418, body: 'x' });") });
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: names["get-movie"], ZipFile: other }));
    const third = await deploy();
    expect(applied(third.stderr)).toBe(false);
    expect(third.stderr).toContain(`code updated: ${names["get-movie"]}`);
    const zip = await readFile(join(REPO_ROOT, "dist", "functions", "get-movie.zip"));
    const { createHash } = await import("node:crypto");
    const deployed = await lambda.send(new GetFunctionCommand({ FunctionName: names["get-movie"] }));
    expect(deployed.Configuration?.CodeSha256).toBe(createHash("sha256").update(zip).digest("base64"));
    lambda.destroy();

    // A cloud started again without state holds nothing: the cache file must not claim "up to date".
    expect((await movies(["down"], env)).exitCode).toBe(0);
    expect((await movies(["up", "--port", String(port)], env)).exitCode).toBe(0);
    const fourth = await deploy();
    expect(applied(fourth.stderr)).toBe(true);
    expect(fourth.stderr).toMatch(/[1-9]\d* changed, 0 unchanged/);
    const res = await fetch(`${fourth.outputs.api_url}/movies/1`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toBe("Movie not found");
  });
});
