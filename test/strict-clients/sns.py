"""SNS through boto3: topic, raw-delivery subscription to SQS, publish, fan-out arrives unwrapped."""
from common import client, expect

sns = client("sns")
sqs = client("sqs")
topic = sns.create_topic(Name="strict-topic")["TopicArn"]
url = sqs.create_queue(QueueName="strict-sns-target")["QueueUrl"]
queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"}, ReturnSubscriptionArn=True)
sub_arn = sub["SubscriptionArn"]
expect(sns.get_subscription_attributes(SubscriptionArn=sub_arn)["Attributes"]["RawMessageDelivery"] == "true", "raw delivery set")
sns.set_topic_attributes(TopicArn=topic, AttributeName="DisplayName", AttributeValue="Movies")
expect(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["DisplayName"] == "Movies", "topic attribute set")
sns.publish(TopicArn=topic, Message='{"movie":"Heat"}', MessageAttributes={"type": {"DataType": "String", "StringValue": "MovieCreated"}})
msgs = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2, MessageAttributeNames=["All"]).get("Messages", [])
expect(len(msgs) == 1 and msgs[0]["Body"] == '{"movie":"Heat"}', f"raw message delivered: {msgs}")
expect(msgs[0]["MessageAttributes"]["type"]["StringValue"] == "MovieCreated", "attributes carried")
expect(any(s["SubscriptionArn"] == sub_arn for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]), "subscription listed")
sns.tag_resource(ResourceArn=topic, Tags=[{"Key": "app", "Value": "movies"}])
expect(sns.list_tags_for_resource(ResourceArn=topic)["Tags"] == [{"Key": "app", "Value": "movies"}], "topic tags")
sns.unsubscribe(SubscriptionArn=sub_arn)
sns.delete_topic(TopicArn=topic)
print("sns ok")
