import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SynthResult } from "./synth.js";
import { writeFunctionZips } from "./testing/function-zips.js";
import { synthForTest } from "./testing/synthesized.js";

const SERVICES = ["apigateway", "cloudwatchlogs", "dynamodb", "iam", "lambda", "s3", "ses", "sesv2", "sns", "sqs", "sts"];

let functionsDir: string;
const synths: Partial<Record<"aws" | "localstack" | "local" | "awsS3" | "awsS3Dynamo", SynthResult>> = {};
beforeAll(async () => {
  functionsDir = await writeFunctionZips();
  synths.aws = await synthForTest({ target: "aws", region: "eu-west-1", functionsDir });
  synths.localstack = await synthForTest({ target: "localstack", endpointUrl: "http://127.0.0.1:4599", functionsDir });
  synths.local = await synthForTest({ target: "local", functionsDir });
  synths.awsS3 = await synthForTest({
    target: "aws",
    functionsDir,
    stateBackend: { bucket: "my-state", key: "movies/terraform.tfstate", region: "eu-west-1" },
  });
  synths.awsS3Dynamo = await synthForTest({
    target: "aws",
    functionsDir,
    stateBackend: { bucket: "my-state", key: "movies.tfstate", region: "eu-west-1", dynamodbTable: "tf-locks" },
  });
});

const provider = (s: SynthResult | undefined) => s!.json.provider.aws![0] as Record<string, unknown>;
const shape = (s: SynthResult | undefined) =>
  Object.entries(s!.json.resource).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`)).sort();

describe("provider and backend per target", () => {
  it("aws uses the default credential chain, the configured region and local state under the state dir", () => {
    const p = provider(synths.aws);
    expect(p.region).toBe("eu-west-1");
    expect(p.endpoints).toBeUndefined();
    expect(p.access_key).toBeUndefined();
    expect(p.skip_credentials_validation).toBeUndefined();
    expect(synths.aws!.json.terraform.backend).toEqual({ local: { path: join(synths.aws!.config.stateDir, "aws.tfstate") } });
    expect(synths.aws!.config.stateDir).toMatch(/state$/);
  });

  it("aws with a state bucket uses the S3 backend with S3 lock files, or the named DynamoDB lock table", () => {
    expect(synths.awsS3!.json.terraform.backend).toEqual({
      s3: { bucket: "my-state", key: "movies/terraform.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
    });
    expect(synths.awsS3Dynamo!.json.terraform.backend).toEqual({
      s3: { bucket: "my-state", key: "movies.tfstate", region: "eu-west-1", encrypt: true, dynamodb_table: "tf-locks" },
    });
  });

  it.each(["localstack", "local"] as const)("%s points every service at the endpoint and skips AWS account checks", (target) => {
    const p = provider(synths[target]);
    const url = target === "localstack" ? "http://127.0.0.1:4599" : "http://localhost:4566";
    expect(p).toMatchObject({
      region: "us-east-1",
      access_key: "test",
      secret_key: "test",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: "true",
      s3_use_path_style: true,
    });
    expect(p.endpoints).toEqual([Object.fromEntries(SERVICES.map((s) => [s, url]))]);
    expect(synths[target]!.json.terraform.backend).toEqual({ local: { path: join(synths[target]!.config.stateDir, `${target}.tfstate`) } });
  });

  it("declares the same resources on every target, with point-in-time recovery only on aws", () => {
    expect(shape(synths.localstack)).toEqual(shape(synths.aws));
    expect(shape(synths.local)).toEqual(shape(synths.aws));
    const pitr = (s: SynthResult | undefined) => s!.json.resource.aws_dynamodb_table!.movies_table!.point_in_time_recovery;
    expect(pitr(synths.aws)).toEqual({ enabled: true });
    expect(pitr(synths.localstack)).toBeUndefined();
    expect(pitr(synths.local)).toBeUndefined();
  });

  it("prefixes every physical name so two copies fit in one account", async () => {
    const prefixed = await synthForTest({ target: "aws", namePrefix: "dev", functionsDir });
    const r = prefixed.json.resource;
    expect(r.aws_dynamodb_table!.movies_table!.name).toBe("dev-Movies");
    expect(r.aws_sns_topic!.movie_updates_topic!.name).toBe("dev-movie-updates-topic");
    expect(r.aws_sqs_queue!.movie_updates_queue!.name).toBe("dev-movie-updates-queue");
    expect(r.aws_lambda_function!.get_movie_function!.function_name).toBe("dev-get-movie");
    expect(r.aws_iam_role!.get_movie_role!.name).toBe("dev-get-movie-role");
    expect(r.aws_api_gateway_rest_api!.movies_api!.name).toBe("dev-movies-api");
    expect(r.aws_cloudwatch_log_group!.get_movie_log_group!.name).toBe("/aws/lambda/dev-get-movie");
  });
});
