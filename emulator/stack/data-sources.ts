import { renderPolicyDocument } from "./policy-document.js";
import type { ValueObject } from "./value.js";

export { renderPolicyDocument } from "./policy-document.js";

/** Where the stack is applied; data sources describe it. */
export interface CloudIdentity {
  accountId: string;
  region: string;
}

/** Reads one data source: resolved arguments in, attributes out (arguments included). */
export interface DataSourceProvider {
  read(args: ValueObject, cloud: CloudIdentity): ValueObject | Promise<ValueObject>;
}

/** The AWS partition a region belongs to, as the provider derives it. */
export function partitionOf(region: string): { partition: string; dnsSuffix: string; reverseDnsPrefix: string } {
  if (region.startsWith("cn-")) return { partition: "aws-cn", dnsSuffix: "amazonaws.com.cn", reverseDnsPrefix: "cn.com.amazonaws" };
  if (region.startsWith("us-gov-")) return { partition: "aws-us-gov", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
  return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
}

const REGION_NAMES: Record<string, string> = {
  "us-east-1": "US East (N. Virginia)",
  "us-east-2": "US East (Ohio)",
  "us-west-1": "US West (N. California)",
  "us-west-2": "US West (Oregon)",
  "ca-central-1": "Canada (Central)",
  "eu-west-1": "Europe (Ireland)",
  "eu-west-2": "Europe (London)",
  "eu-west-3": "Europe (Paris)",
  "eu-central-1": "Europe (Frankfurt)",
  "eu-central-2": "Europe (Zurich)",
  "eu-north-1": "Europe (Stockholm)",
  "eu-south-1": "Europe (Milan)",
  "eu-south-2": "Europe (Spain)",
  "ap-northeast-1": "Asia Pacific (Tokyo)",
  "ap-northeast-2": "Asia Pacific (Seoul)",
  "ap-northeast-3": "Asia Pacific (Osaka)",
  "ap-southeast-1": "Asia Pacific (Singapore)",
  "ap-southeast-2": "Asia Pacific (Sydney)",
  "ap-south-1": "Asia Pacific (Mumbai)",
  "ap-east-1": "Asia Pacific (Hong Kong)",
  "sa-east-1": "South America (Sao Paulo)",
  "me-south-1": "Middle East (Bahrain)",
  "af-south-1": "Africa (Cape Town)",
};

/** The data sources the loader answers itself; service emulators may add more. */
export const builtinDataSources: Record<string, DataSourceProvider> = {
  aws_iam_policy_document: { read: (args) => renderPolicyDocument(args) },

  aws_caller_identity: {
    read: (args, cloud) => ({
      ...args,
      id: cloud.accountId,
      account_id: cloud.accountId,
      arn: `arn:${partitionOf(cloud.region).partition}:iam::${cloud.accountId}:root`,
      user_id: cloud.accountId,
    }),
  },

  aws_region: {
    read: (args, cloud) => {
      // provider 5.x takes `name`, 6.x `region`, to describe a region other than the current one
      const region = typeof args.region === "string" ? args.region : typeof args.name === "string" ? args.name : cloud.region;
      const { dnsSuffix } = partitionOf(region);
      return {
        ...args,
        id: region,
        name: region,
        region,
        description: REGION_NAMES[region] ?? region,
        endpoint: `ec2.${region}.${dnsSuffix}`,
      };
    },
  },

  aws_partition: {
    read: (args, cloud) => {
      const p = partitionOf(cloud.region);
      return { ...args, id: p.partition, partition: p.partition, dns_suffix: p.dnsSuffix, reverse_dns_prefix: p.reverseDnsPrefix };
    },
  },
};
