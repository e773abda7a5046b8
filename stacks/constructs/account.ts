import { Construct, DataAwsCallerIdentity, DataAwsPartition, DataAwsRegion } from "../cdktf.js";

/**
 * Partition, region and account of the deployment, for ARNs the provider
 * builds locally from its account id (`execution_arn`, SES identity `arn`):
 * with `skip_requesting_account_id` (LocalStack, embedded cloud) it leaves
 * the account empty. STS GetCallerIdentity answers on every target.
 */
export class AccountContext extends Construct {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const partition = new DataAwsPartition(this, "partition");
    partition.overrideLogicalId("current");
    const region = new DataAwsRegion(this, "region");
    region.overrideLogicalId("current");
    const caller = new DataAwsCallerIdentity(this, "caller");
    caller.overrideLogicalId("current");
    this.partition = partition.partition;
    this.region = region.name;
    this.accountId = caller.accountId;
  }

  arn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.region}:${this.accountId}:${resource}`;
  }
}
