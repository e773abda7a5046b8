import { Construct, DataAwsCallerIdentity, DataAwsPartition, DataAwsRegion } from "../cdktf.js";

/**
 * Partition, region and account of the deployment, for ARNs that cannot be
 * taken from a resource attribute: a queue's own policy cannot reference the
 * queue (a cycle), and `execution_arn` is built by the provider from the
 * account id, which it leaves empty when `skip_requesting_account_id` is set
 * (LocalStack, embedded cloud). STS GetCallerIdentity answers on every target.
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
