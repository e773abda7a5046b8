import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const dir = join(import.meta.dirname, "..", ".github", "workflows");
const files = readdirSync(dir).filter((f) => f.endsWith(".yml"));

type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
type Job = { steps?: Step[]; permissions?: Record<string, string>; environment?: string; if?: string };
type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job>; concurrency?: { group: string; "cancel-in-progress"?: boolean } };
const load = (f: string) => parse(readFileSync(join(dir, f), "utf8")) as Workflow;

describe("GitHub Actions workflows", () => {
  it.each(files)("%s parses and converts with GitHub's workflow parser, without errors", async (file) => {
    const result = parseWorkflow({ name: file, content: readFileSync(join(dir, file), "utf8") }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    const template = await convertWorkflowTemplate(result.context, result.value!);
    expect(template.errors ?? []).toEqual([]);
  });

  it("the parser does report a broken workflow (so the check above can fail)", () => {
    const broken = "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    stepz:\n      - run: echo hi\n";
    const result = parseWorkflow({ name: "broken.yml", content: broken }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().length).toBeGreaterThan(0);
  });

  it.each(files)("%s pins every action to a full version", (file) => {
    const uses = Object.values(load(file).jobs).flatMap((j) => (j.steps ?? []).map((s) => s.uses).filter(Boolean)) as string[];
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u, u).toMatch(/@v\d+\.\d+\.\d+$|@[0-9a-f]{40}$/);
  });

  it("ci runs install, typecheck and the README's test command on Node 20 and 22, and keeps the zips", () => {
    const ci = load("ci.yml");
    expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push"]);
    const job = ci.jobs.test!;
    const runs = job.steps!.map((s) => s.run).filter(Boolean);
    expect(runs).toEqual(expect.arrayContaining(["npm ci", "npm run typecheck", "npm test", "npm run build"]));
    expect(readFileSync(join(dir, "../../README.md"), "utf8")).toContain("npm test");
    expect(JSON.stringify(ci)).toContain('"node":["20","22"]');
    expect(job.steps!.find((s) => s.uses?.startsWith("actions/setup-node"))!.with!.cache).toBe("npm");
    expect(job.steps!.some((s) => s.uses?.startsWith("actions/upload-artifact"))).toBe(true);
  });

  it("deploy uses OIDC (no long-lived keys), never overlaps, and hotswaps when only handlers changed", () => {
    const text = readFileSync(join(dir, "deploy.yml"), "utf8");
    const deploy = load("deploy.yml");
    expect(Object.keys(deploy.on).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(deploy.concurrency?.["cancel-in-progress"]).toBe(false);
    const job = deploy.jobs.deploy!;
    expect(job.permissions?.["id-token"]).toBe("write");
    expect(job.environment).toBeTruthy();
    const creds = job.steps!.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials"))!;
    expect(creds.with!["role-to-assume"]).toBeTruthy();
    expect(text).not.toMatch(/AWS_SECRET_ACCESS_KEY|aws-secret-access-key|secrets\.AWS/);
    const runs = job.steps!.map((s) => s.run ?? "");
    expect(runs).toContain("npx movies deploy --target aws --yes --hotswap");
    expect(runs).toContain("npx movies deploy --target aws --yes");
    expect(text).toContain("GITHUB_STEP_SUMMARY");
  });
});
