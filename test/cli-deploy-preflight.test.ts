import { createServer, type Server } from "node:http";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./support/free-port.js";
import { cliEnv, movies, spawnMovies, tempHome, waitForHealth } from "./support/movies-cli.js";

// The preflight of `movies deploy` for the Terraform targets, through the real
// binary. No LocalStack and no AWS here: these are the paths that must stop
// before anything is built, each with every problem and its fix.

let home: string;
let env: Record<string, string | undefined>;

/** No credentials anywhere the SDK's chain looks, no region, no emails. */
const bareAws = (extra: Record<string, string | undefined> = {}) =>
  cliEnv(home, {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_REGION: undefined,
    AWS_DEFAULT_REGION: undefined,
    MOVIES_REGION: undefined,
    MOVIES_SENDER_EMAIL: undefined,
    MOVIES_RECIPIENT_EMAIL: undefined,
    AWS_SHARED_CREDENTIALS_FILE: join(home, "no-credentials"),
    AWS_CONFIG_FILE: join(home, "no-config"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    ...extra,
  });

/** Nothing was built or synthesized: the preflight runs first. */
const nothingBuilt = () => !existsSync(join(home, "terraform")) || readdirSync(join(home, "terraform")).length === 0;

beforeAll(async () => {
  home = tempHome("movies-preflight-");
  env = cliEnv(home);
  await movies(["--help"], env);
});

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("deploy --target aws preflight", () => {
  it("no credentials, no region, no emails, no terminal to confirm on: one report listing all four with their fixes, exit 2", async () => {
    const r = await movies(["deploy", "--target", "aws"], bareAws());
    expect(r.stderr).toContain("deploy to aws: 4 problems; nothing was built or applied");
    expect(r.stderr).toMatch(/✗ deploying on aws asks before applying, and there is no terminal to ask\n\s+fix: pass --yes/);
    expect(r.stderr).toMatch(/✗ no AWS region is set\n\s+fix: pass --region/);
    expect(r.stderr).toMatch(/✗ no AWS credentials found .*\n\s+fix: run `aws configure`/);
    expect(r.stderr).toMatch(/✗ no senderEmail and no recipientEmail.*\n\s+fix: add "senderEmail" and "recipientEmail" to movies.config.json/);
    expect(r.stderr).not.toMatch(/No valid credential sources|terraform (init|plan)/);
    expect(r.exitCode).toBe(2);
    expect(nothingBuilt()).toBe(true);
  });

  it("without terraform on PATH the same report names it too, and exits 3", async () => {
    const r = await movies(["deploy", "--target", "aws", "--region", "eu-west-1", "--yes"], bareAws({ PATH: join(home, "empty-path") }));
    expect(r.stderr).toContain("3 problems");
    expect(r.stderr).not.toContain("no terminal");
    expect(r.stderr).toMatch(/✗ terraform is not installed .*\n\s+fix: install Terraform/);
    expect(r.stderr).not.toContain("no AWS region");
    expect(r.exitCode).toBe(3);
  });

  it("destroy --target aws with nothing deployed says so before any check", async () => {
    const r = await movies(["destroy", "--target", "aws"], bareAws());
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('nothing is deployed to target "aws"');
  });
});

describe("deploy --target localstack preflight", () => {
  it("nothing listening at the endpoint: exit 3 with a short message, nothing built", async () => {
    const port = await freePort();
    const r = await movies(["deploy", "--target", "localstack"], cliEnv(home, { MOVIES_LOCALSTACK_URL: `http://127.0.0.1:${port}` }), 20_000);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(`nothing answers at http://127.0.0.1:${port} (connection refused`);
    expect(r.stderr).toContain("docker compose --profile localstack up -d localstack");
    expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(3);
    expect(nothingBuilt()).toBe(true);
  });

  describe("something that is neither LocalStack nor our cloud", () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((_req, res) => res.writeHead(404).end("not here"));
      const port = await freePort();
      await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
      url = `http://127.0.0.1:${port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("is named for what it is and refused with exit 3", async () => {
      const r = await movies(["deploy", "--target", "localstack", "--endpoint", url], env);
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toContain(`${url} answers, but it is something that is not LocalStack (HTTP 404 on /_localstack/health)`);
    });
  });

  describe("our own embedded cloud where LocalStack was expected", () => {
    let url: string;
    let cloud: ReturnType<typeof spawnMovies>;
    beforeAll(async () => {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      cloud = spawnMovies(["up", "--foreground", "--port", String(port)], cliEnv(tempHome("movies-preflight-cloud-")));
      await waitForHealth(url);
    }, 40_000);
    afterAll(async () => {
      cloud.kill("SIGINT");
      await cloud;
    });

    it("stops, says it is our cloud, and names both ways forward (exit 2)", async () => {
      const r = await movies(["deploy", "--target", "localstack"], cliEnv(home, { MOVIES_LOCALSTACK_URL: url }));
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(`${url} is the movies embedded cloud, not LocalStack`);
      expect(r.stderr).toContain("--allow-embedded");
      expect(r.stderr).toContain("`movies deploy` (target local)");
      expect(nothingBuilt()).toBe(true);
    });

    it("doctor --target localstack says it is our cloud, not LocalStack", async () => {
      const r = await movies(["doctor", "--target", "localstack", "--json"], cliEnv(home, { MOVIES_LOCALSTACK_URL: url }));
      const ls = (JSON.parse(r.stdout) as { checks: { name: string; ok: boolean; detail: string; fix?: string }[] }).checks.find((c) => c.name === "localstack")!;
      expect(ls).toMatchObject({ ok: false, detail: `${url} is the movies embedded cloud, not LocalStack` });
      expect(ls.fix).toContain("--allow-embedded");
      expect(r.exitCode).toBe(1);
    });

    it("destroy refuses the same way", async () => {
      const h = tempHome("movies-preflight-destroy-");
      const { mkdirSync, writeFileSync } = await import("node:fs");
      mkdirSync(join(h, "deployments"), { recursive: true });
      writeFileSync(join(h, "deployments", "localstack.json"), JSON.stringify({ target: "localstack", deployedAt: new Date().toISOString(), endpoint: url, region: "us-east-1", outputs: {} }));
      const r = await movies(["destroy", "--target", "localstack"], cliEnv(h, { MOVIES_LOCALSTACK_URL: url }));
      rmSync(h, { recursive: true, force: true });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain("is the movies embedded cloud, not LocalStack");
    });
  });
});
