import { AwsError } from "../core/aws-error.js";

/** The SNS errors most operations share, with the codes and texts AWS sends. */
export const invalidParameter = (what: string) => new AwsError("InvalidParameter", `Invalid parameter: ${what}`);
export const topicNotFound = () => new AwsError("NotFound", "Topic does not exist", 404);
export const subscriptionNotFound = () => new AwsError("NotFound", "Subscription does not exist", 404);
