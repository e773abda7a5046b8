import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveSettings } from "./config.js";
import { CliError, EXIT } from "./errors.js";

function project(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "movies-config-"));
  if (config !== undefined) writeFileSync(join(dir, "movies.config.json"), typeof config === "string" ? config : JSON.stringify(config));
  return dir;
}

describe("settings", () => {
  it("defaults to the local target with working local defaults", async () => {
    const s = await resolveSettings({}, {}, project());
    expect(s).toMatchObject({ target: "local", region: "us-east-1", senderEmail: "movies@example.com", namePrefix: "" });
  });

  it("takes flags over environment over the config file", async () => {
    const root = project({ region: "eu-west-1", defaultTarget: "localstack", senderEmail: "a@b.co" });
    expect((await resolveSettings({}, {}, root)).target).toBe("localstack");
    expect((await resolveSettings({}, { MOVIES_TARGET: "aws" }, root)).target).toBe("aws");
    const s = await resolveSettings({ target: "local", region: "ap-south-1" }, { MOVIES_TARGET: "aws", AWS_REGION: "us-west-2" }, root);
    expect([s.target, s.region, s.senderEmail]).toEqual(["local", "ap-south-1", "a@b.co"]);
  });

  it("leaves sender and recipient unset on aws so deploy can say which to add", async () => {
    const s = await resolveSettings({ target: "aws" }, {}, project());
    expect(s.senderEmail).toBeUndefined();
    expect(s.recipientEmail).toBeUndefined();
  });

  it("reports a bad config field by name as a usage error", async () => {
    const err = await resolveSettings({}, {}, project({ senderEmail: "not-an-email" })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(EXIT.usage);
    expect((err as CliError).message).toMatch(/senderEmail/);
  });

  it("rejects unknown fields and unknown targets", async () => {
    await expect(resolveSettings({}, {}, project({ regoin: "x" }))).rejects.toThrow(/regoin|Unrecognized/);
    await expect(resolveSettings({ target: "gcp" }, {}, project())).rejects.toThrow(/unknown target "gcp"/);
    await expect(resolveSettings({}, {}, project("{oops"))).rejects.toThrow(/not valid JSON/);
  });

  it("builds the state backend from the bucket setting", async () => {
    const s = await resolveSettings({ target: "aws" }, { MOVIES_STATE_BUCKET: "tf-state" }, project({ region: "eu-central-1" }));
    expect(s.stateBackend).toEqual({ bucket: "tf-state", key: "movies/terraform.tfstate", region: "eu-central-1" });
  });
});
