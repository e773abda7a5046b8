import { createServer, type Server } from "node:net";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./support/free-port.js";
import { cliEnv, movies, spawnMovies, tempHome, waitForHealth } from "./support/movies-cli.js";

// `movies up` and `movies dev` on a port that is already taken: exit 3 with
// what holds it and the --port hint, never "ready" with a dead pid.

const homes: string[] = [];
const home = () => {
  const h = tempHome("movies-port-");
  homes.push(h);
  return h;
};

afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

describe("a port held by another movies cloud", () => {
  let port: number;
  let cloud: ReturnType<typeof spawnMovies>;
  beforeAll(async () => {
    port = await freePort();
    cloud = spawnMovies(["up", "--foreground", "--port", String(port)], cliEnv(home()));
    await waitForHealth(`http://127.0.0.1:${port}`);
  }, 40_000);
  afterAll(async () => {
    cloud.kill("SIGINT");
    await cloud;
  });

  it.each([["up"], ["up", "--foreground"], ["dev"]])("movies %s on it exits 3 naming the other cloud, with the --port hint", async (...args) => {
    const h = home();
    const r = await movies([...args, "--port", String(port)], cliEnv(h));
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(`port ${port} is already in use by another movies embedded cloud`);
    expect(r.stderr).toContain(`--port ${port + 1}`);
    expect(r.stderr).toContain(`--endpoint http://127.0.0.1:${port}`);
    expect(r.stdout).not.toContain("ready");
    // no record of a cloud that is not ours
    const status = await movies(["status", "--json"], cliEnv(h));
    expect(JSON.parse(status.stdout).cloud).toBeNull();
  });
});

describe("a port held by something that is not HTTP", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("movies up says a process holds it, with the --port hint", async () => {
    const r = await movies(["up", "--port", String(port)], cliEnv(home()));
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(`port ${port} is already in use by a process that does not answer HTTP`);
    expect(r.stderr).toContain("--port");
  });
});
