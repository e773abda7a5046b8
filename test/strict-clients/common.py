"""Shared set-up for the strict-client checks: boto3 clients pointed at the embedded cloud.

botocore parses every reply against its service model and raises on a missing
result element or a shape error, which is what these checks rely on.
"""
import sys

import boto3
from botocore.config import Config


def endpoint() -> str:
    if len(sys.argv) < 2:
        sys.exit("usage: python3 <check>.py <cloud url>")
    return sys.argv[1]


def client(service: str):
    return boto3.client(
        service,
        endpoint_url=endpoint(),
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}),
    )


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)


def error_code(call) -> str:
    """Runs a call that must fail and returns the error code botocore parsed from the reply."""
    from botocore.exceptions import ClientError

    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError("the call succeeded but should have failed")
