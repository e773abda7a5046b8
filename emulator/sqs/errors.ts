import { AwsError } from "../core/aws-error.js";

/**
 * SQS errors carry the awsQuery code as `AwsError.code` (what `x-amzn-query-error`
 * sends and what boto3 shows); the JSON `__type` names the modelled shape, from
 * which the SDK v3 picks the error class (QueueDoesNotExist, ReceiptHandleIsInvalid...).
 */
const SHAPE_BY_QUERY_CODE: Record<string, string> = {
  "AWS.SimpleQueueService.NonExistentQueue": "QueueDoesNotExist",
  "AWS.SimpleQueueService.BatchEntryIdsNotDistinct": "BatchEntryIdsNotDistinct",
  "AWS.SimpleQueueService.BatchRequestTooLong": "BatchRequestTooLong",
  "AWS.SimpleQueueService.EmptyBatchRequest": "EmptyBatchRequest",
  "AWS.SimpleQueueService.InvalidBatchEntryId": "InvalidBatchEntryId",
  "AWS.SimpleQueueService.TooManyEntriesInBatchRequest": "TooManyEntriesInBatchRequest",
  "AWS.SimpleQueueService.MessageNotInflight": "MessageNotInflight",
  "AWS.SimpleQueueService.UnsupportedOperation": "UnsupportedOperation",
  "AWS.SimpleQueueService.PurgeQueueInProgress": "PurgeQueueInProgress",
  QueueAlreadyExists: "QueueNameExists",
};

export function shapeOf(queryCode: string): string {
  return SHAPE_BY_QUERY_CODE[queryCode] ?? queryCode;
}

export const SQS_ERROR_TYPE_PREFIX = "com.amazonaws.sqs#";

export function nonExistentQueue(): AwsError {
  return new AwsError("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.");
}

export function invalidParameterValue(message: string): AwsError {
  return new AwsError("InvalidParameterValue", message);
}

export function missingParameter(name: string): AwsError {
  return new AwsError("MissingParameter", `The request must contain the parameter ${name}.`);
}

export function receiptHandleIsInvalid(handle: string): AwsError {
  return new AwsError("ReceiptHandleIsInvalid", `The input receipt handle "${handle}" is not a valid receipt handle.`, 404);
}

export function messageNotInflight(): AwsError {
  return new AwsError(
    "AWS.SimpleQueueService.MessageNotInflight",
    "The message referred to is not in flight: receive it again and use the new receipt handle.",
  );
}

export function invalidAttributeName(name: string): AwsError {
  return new AwsError("InvalidAttributeName", `Unknown Attribute ${name}.`);
}

export function invalidAttributeValue(message: string): AwsError {
  return new AwsError("InvalidAttributeValue", message);
}
