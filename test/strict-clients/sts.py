"""STS through boto3."""
from common import client, expect

me = client("sts").get_caller_identity()
expect(me["Account"] == "000000000000", f"account: {me}")
expect(me["Arn"].startswith("arn:aws:"), f"arn: {me}")
print("sts ok")
