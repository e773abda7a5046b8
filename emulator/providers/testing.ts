import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { strToU8, zipSync } from "fflate";
import { startCloud, type Cloud } from "../cloud.js";
import { applyStack, type ApplyResult } from "../stack/engine.js";
import { uploadedAssetResolver } from "../stack/assets.js";
import type { AppliedState } from "../stack/state.js";
import { cloudResourceProviders } from "./index.js";
import type { ProviderDeps } from "./deps.js";

export const credentials = { accessKeyId: "test", secretAccessKey: "test" };

/** A zip whose index.mjs holds the given handler source. */
export function handlerZip(source: string): Buffer {
  return Buffer.from(zipSync({ "index.mjs": [strToU8(source), { mtime: new Date("2020-01-01T00:00:00Z") }] }));
}

export interface ProviderHarness {
  cloud: Cloud;
  /** what the cloud reported through onError (refused deliveries...) */
  errors: string[];
  deps: ProviderDeps;
  /** applies a cdk.tf.json-shaped stack over what the last call left */
  apply(template: object, assets?: Record<string, Buffer>): Promise<ApplyResult>;
  state(): AppliedState | undefined;
  close(): Promise<void>;
}

/** A fresh cloud and the providers on its models, for applying small stacks in tests. */
export async function providerHarness(): Promise<ProviderHarness> {
  const errors: string[] = [];
  const cloud = await startCloud({ port: 0, onError: (e) => errors.push(e instanceof Error ? e.message : String(e)) });
  const dynamodb = new DynamoDBClient({ endpoint: cloud.url, region: "us-east-1", credentials });
  const deps: ProviderDeps = {
    accountId: cloud.accountId,
    cloudUrl: () => cloud.url,
    sqs: cloud.models.sqs,
    sns: cloud.models.sns,
    ses: cloud.models.ses,
    apigateway: cloud.system.apigateway,
    lambda: cloud.lambda,
    mappings: cloud.system.mappings,
    iam: cloud.iam,
    dynamodb: () => dynamodb,
    logs: cloud.models.logs,
  };
  const providers = cloudResourceProviders(deps);
  let previous: AppliedState | undefined;
  return {
    cloud,
    errors,
    deps,
    async apply(template, assets = {}) {
      const result = await applyStack(template, { providers, previous, accountId: cloud.accountId, region: "us-east-1", assetResolver: uploadedAssetResolver(assets) });
      previous = result.state;
      return result;
    },
    state: () => previous,
    async close() {
      dynamodb.destroy();
      await cloud.stop();
    },
  };
}
