import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, resolveStackConfig, StackConfigError } from "./config.js";
import { FunctionsZipMissingError } from "./constructs/functions.js";
import { synthStack } from "./synth.js";

describe("stack configuration", () => {
  it("defaults to the repo's dist/functions, .movies state and LocalStack's URL", () => {
    const config = resolveStackConfig({ target: "localstack" });
    expect(config.functionsDir).toBe(join(REPO_ROOT, "dist", "functions"));
    expect(config.stateDir).toBe(join(REPO_ROOT, ".movies", "state"));
    expect(config.endpointUrl).toBe("http://localhost:4566");
    expect(config.region).toBe("us-east-1");
    expect(resolveStackConfig({ target: "aws" }).region).toBeUndefined();
  });

  it("names every bad field and how to fix it", () => {
    let error: unknown;
    try {
      resolveStackConfig({ target: "aws", senderEmail: "not-an-email", namePrefix: "Bad Prefix", region: "mars" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StackConfigError);
    const problems = (error as StackConfigError).problems.join("\n");
    expect(problems).toMatch(/senderEmail: must be an email address/);
    expect(problems).toMatch(/namePrefix: namePrefix must be empty or start with a lowercase letter/);
    expect(problems).toMatch(/region: region must look like us-east-1/);
  });

  it("refuses a state bucket on a target that does not use it", () => {
    expect(() =>
      resolveStackConfig({ target: "localstack", stateBackend: { bucket: "b-1", key: "k", region: "us-east-1" } }),
    ).toThrow(/stateBackend is only used with target aws/);
  });

  it("says which function zips are missing and to run the build", async () => {
    const empty = await mkdtemp(join(tmpdir(), "movies-nozips-"));
    const outdir = await mkdtemp(join(tmpdir(), "movies-out-"));
    const attempt = synthStack({ target: "local", functionsDir: empty }, { outdir });
    await expect(attempt).rejects.toBeInstanceOf(FunctionsZipMissingError);
    await expect(attempt).rejects.toThrow(/get-movie\.zip.*email-notification\.zip.*npm run build/);
  });
});
