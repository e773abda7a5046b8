"""Lambda and CloudWatch Logs through boto3: create, invoke, list/get, an SQS event source mapping, logs describe/filter."""
import io
import json
import time
import zipfile

from common import client, error_code, expect

lam = client("lambda")
logs = client("logs")
sqs = client("sqs")

buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("index.mjs", 'export const handler = async (e) => { console.log("strict", JSON.stringify(e)); return { ok: true }; };')
fn = lam.create_function(
    FunctionName="strict-fn",
    Role="arn:aws:iam::000000000000:role/strict-role",
    Runtime="nodejs22.x",
    Handler="index.handler",
    Code={"ZipFile": buf.getvalue()},
    Tags={"app": "movies"},
)
expect(fn["State"] == "Active", f"function active: {fn.get('State')}")
out = lam.invoke(FunctionName="strict-fn", Payload=json.dumps({"hello": "boto3"}))
expect(json.loads(out["Payload"].read()) == {"ok": True}, "invoke result")
expect(any(f["FunctionName"] == "strict-fn" for f in lam.list_functions()["Functions"]), "function listed")
expect(lam.get_function(FunctionName="strict-fn")["Configuration"]["Handler"] == "index.handler", "get_function")
expect([v["Version"] for v in lam.list_versions_by_function(FunctionName="strict-fn")["Versions"]] == ["$LATEST"], "versions")
expect(lam.get_function_code_signing_config(FunctionName="strict-fn")["FunctionName"] == "strict-fn", "code signing config")
expect(lam.list_tags(Resource=fn["FunctionArn"])["Tags"] == {"app": "movies"}, "function tags")

url = sqs.create_queue(QueueName="strict-esm")["QueueUrl"]
queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
esm = lam.create_event_source_mapping(FunctionName="strict-fn", EventSourceArn=queue_arn, BatchSize=1)
listed = lam.list_event_source_mappings(FunctionName="strict-fn")["EventSourceMappings"]
expect([m["UUID"] for m in listed] == [esm["UUID"]], "mapping listed")
sqs.send_message(QueueUrl=url, MessageBody="via-esm")

group = "/aws/lambda/strict-fn"
deadline = time.time() + 10
found = []
while time.time() < deadline and not found:
    found = logs.filter_log_events(logGroupName=group, filterPattern="via-esm").get("events", [])
    time.sleep(0.1)
expect(len(found) == 1, "the mapped message reached the function's log")
expect(any(g["logGroupName"] == group for g in logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]), "log group described")
streams = logs.describe_log_streams(logGroupName=group, orderBy="LastEventTime", descending=True)["logStreams"]
expect(len(streams) >= 1 and "[$LATEST]" in streams[0]["logStreamName"], f"Lambda-style stream names: {streams}")
events = logs.get_log_events(logGroupName=group, logStreamName=streams[0]["logStreamName"], startFromHead=True)["events"]
expect(any(e["message"].startswith("START RequestId:") for e in events), "platform lines in the stream")
logs.create_log_group(logGroupName="strict-group", tags={"app": "movies"})
logs.put_retention_policy(logGroupName="strict-group", retentionInDays=7)
expect(error_code(lambda: logs.create_log_group(logGroupName="strict-group")) == "ResourceAlreadyExistsException", "group exists")
logs.delete_log_group(logGroupName="strict-group")

lam.delete_event_source_mapping(UUID=esm["UUID"])
lam.delete_function(FunctionName="strict-fn")
expect(error_code(lambda: lam.get_function(FunctionName="strict-fn")) == "ResourceNotFoundException", "function deleted")
print("lambda and logs ok")
