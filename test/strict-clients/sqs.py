"""SQS through boto3: a message of 256 KiB + 1 byte (accepted since the 1 MiB default), receive, delete, DLQ attributes."""
import json

from common import client, error_code, expect

sqs = client("sqs")
dlq_url = sqs.create_queue(QueueName="strict-dlq")["QueueUrl"]
dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"})
url = sqs.create_queue(QueueName="strict-main", Attributes={"RedrivePolicy": redrive})["QueueUrl"]
attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
expect(attrs["MaximumMessageSize"] == "1048576", f"default MaximumMessageSize is 1 MiB, got {attrs['MaximumMessageSize']}")
expect(json.loads(attrs["RedrivePolicy"])["deadLetterTargetArn"] == dlq_arn, "RedrivePolicy kept")

big = "x" * (256 * 1024 + 1)
sqs.send_message(QueueUrl=url, MessageBody=big, MessageAttributes={"kind": {"DataType": "String", "StringValue": "big"}})
msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=1, MessageAttributeNames=["All"])["Messages"]
expect(len(msgs) == 1 and msgs[0]["Body"] == big, "the 256 KiB + 1 byte message comes back whole")
expect(msgs[0]["MessageAttributes"]["kind"]["StringValue"] == "big", "message attributes come back")
sqs.delete_message(QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"])
expect(error_code(lambda: sqs.send_message(QueueUrl=url, MessageBody="x" * (1024 * 1024 + 1))) == "InvalidParameterValue", "over 1 MiB is refused")
expect(sqs.list_dead_letter_source_queues(QueueUrl=dlq_url)["queueUrls"] == [url], "the DLQ lists its source queue")
expect(error_code(lambda: sqs.get_queue_url(QueueName="no-such-queue")) in ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"), "missing queue")
print("sqs ok")
