"""DynamoDB through boto3: tables with tags, CRUD, a conditional write returning the old item, continuous backups."""
from common import client, error_code, expect

ddb = client("dynamodb")
arn = ddb.create_table(
    TableName="strict-movies",
    BillingMode="PAY_PER_REQUEST",
    KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    Tags=[{"Key": "app", "Value": "movies"}],
)["TableDescription"]["TableArn"]
expect(ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "app", "Value": "movies"}], "CreateTable keeps its Tags")
expect(ddb.describe_time_to_live(TableName="strict-movies")["TimeToLiveDescription"]["TimeToLiveStatus"] == "DISABLED", "TTL starts disabled")
pitr = ddb.describe_continuous_backups(TableName="strict-movies")["ContinuousBackupsDescription"]
expect(pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED", "PITR starts disabled")
ddb.update_continuous_backups(TableName="strict-movies", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})

ddb.put_item(TableName="strict-movies", Item={"id": {"S": "1"}, "title": {"S": "Heat"}})
expect(ddb.get_item(TableName="strict-movies", Key={"id": {"S": "1"}})["Item"]["title"] == {"S": "Heat"}, "GetItem reads the put")
ddb.update_item(
    TableName="strict-movies", Key={"id": {"S": "1"}}, UpdateExpression="SET rating = :r", ExpressionAttributeValues={":r": {"N": "8"}}
)
try:
    ddb.put_item(
        TableName="strict-movies",
        Item={"id": {"S": "1"}},
        ConditionExpression="attribute_not_exists(id)",
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )
    raise AssertionError("conditional put should fail")
except ddb.exceptions.ConditionalCheckFailedException as e:
    expect(e.response.get("Item") == {"id": {"S": "1"}, "title": {"S": "Heat"}, "rating": {"N": "8"}}, f"ALL_OLD item in the error: {e.response}")
ddb.delete_item(TableName="strict-movies", Key={"id": {"S": "1"}})
expect("Item" not in ddb.get_item(TableName="strict-movies", Key={"id": {"S": "1"}}), "DeleteItem removed the item")
expect(error_code(lambda: ddb.describe_table(TableName="no-such-table")) == "ResourceNotFoundException", "missing table error code")
ddb.delete_table(TableName="strict-movies")
print("dynamodb ok")
