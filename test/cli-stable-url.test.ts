import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "./support/free-port.js";
import { cliEnv, movies, tempHome } from "./support/movies-cli.js";

// A saved API URL (curl, Postman) keeps working: the real binary starts a cloud
// with a state dir, deploys, stops it, starts it again on the same port, and
// the URL it printed before still answers, and a re-deploy prints the same one,
// also into a fresh cloud without state (the id derives from the stack's name).

const home = tempHome("movies-stable-url-");
const env = cliEnv(home);
const stateDir = mkdtempSync(join(tmpdir(), "movies-stable-url-state-"));

async function ok(args: string[]): Promise<string> {
  const r = await movies(args, env);
  if (r.exitCode !== 0) throw new Error(`movies ${args.join(" ")} exited ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const apiUrl = async () => (JSON.parse(await ok(["deploy", "--json"])) as { outputs: Record<string, string> }).outputs.api_url!;

afterAll(async () => {
  await movies(["down"], env);
  rmSync(home, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

describe("the local API URL across a cloud restart", { timeout: 180_000 }, () => {
  it("stays the same, and the saved URL answers after the restart", async () => {
    const port = await freePort();
    await ok(["up", "--port", String(port), "--state-dir", stateDir]);
    const first = await apiUrl();
    expect(first).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/restapis/[a-z0-9]{1,10}/live/_user_request_$`));
    await ok(["seed"]);
    expect((await fetch(`${first}/movies/1`)).status).toBe(200);

    await ok(["down"]);
    await expect(fetch(`${first}/movies/1`)).rejects.toThrow();
    await ok(["up", "--port", String(port), "--state-dir", stateDir]);

    const again = await fetch(`${first}/movies/1`);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { title: string }).title).toBe("The Matrix");
    expect(await apiUrl()).toBe(first);

    // A fresh cloud, no state at all: the id comes from the stack's name, so the URL is the same again.
    await ok(["down"]);
    await ok(["up", "--port", String(port)]);
    expect(await apiUrl()).toBe(first);
  });
});
