import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Settings } from "../config.js";
import { adoptLegacyState, terraformWorkdir } from "./workdir.js";

const root = join(tmpdir(), `movies-workdir-${process.pid}`);
const base: Settings = { root, target: "localstack", region: "us-east-1", regionFrom: "default", namePrefix: "", localstackUrl: "http://localhost:45660" };

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("one Terraform working folder per deployment place", () => {
  it("differs by target, region, name prefix, endpoint and state backend; the same place gets the same folder", () => {
    delete process.env.MOVIES_HOME;
    const keys = [
      terraformWorkdir(base, "http://localhost:45660").key,
      terraformWorkdir(base, "http://127.0.0.1:4567").key,
      terraformWorkdir({ ...base, region: "eu-west-1" }, "http://localhost:45660").key,
      terraformWorkdir({ ...base, namePrefix: "pr-7" }, "http://localhost:45660").key,
      terraformWorkdir({ ...base, target: "aws" }, undefined).key,
      terraformWorkdir({ ...base, target: "aws", stateBackend: { bucket: "b", key: "k", region: "us-east-1" } }, undefined).key,
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(terraformWorkdir(base, "http://localhost:45660")).toEqual(terraformWorkdir(base, "http://localhost:45660"));
    expect(keys[0]).toMatch(/^localstack-us-east-1-[0-9a-f]{8}$/);
    expect(keys[3]).toMatch(/^localstack-us-east-1-pr-7-[0-9a-f]{8}$/);
  });
});

describe("state from the shared folder of earlier versions", () => {
  it("is moved into the first working folder of its target, once", () => {
    delete process.env.MOVIES_HOME;
    mkdirSync(join(root, ".movies", "state"), { recursive: true });
    writeFileSync(join(root, ".movies", "state", "localstack.tfstate"), '{"serial":7}');
    const first = terraformWorkdir(base, "http://localhost:45660");
    expect(adoptLegacyState(base, first)).toBe(join(root, ".movies", "state", "localstack.tfstate"));
    expect(readFileSync(join(first.stateDir, "localstack.tfstate"), "utf8")).toBe('{"serial":7}');
    expect(existsSync(join(root, ".movies", "state", "localstack.tfstate"))).toBe(false);
    expect(adoptLegacyState(base, terraformWorkdir(base, "http://127.0.0.1:4567"))).toBeUndefined();
    writeFileSync(join(root, ".movies", "state", "aws.tfstate"), "{}");
    const aws = { ...base, target: "aws" as const };
    expect(adoptLegacyState(aws, terraformWorkdir(aws, undefined), { MOVIES_HOME: "/tmp/elsewhere" })).toBeUndefined();
    expect(existsSync(join(root, ".movies", "state", "aws.tfstate"))).toBe(true);
  });
});
