"""SES v1 and v2 through boto3: every awsQuery reply carries its result element, which botocore requires."""
from common import client, error_code, expect

ses = client("ses")
ses.verify_email_identity(EmailAddress="sender@movies.example")
attrs = ses.get_identity_verification_attributes(Identities=["sender@movies.example"])["VerificationAttributes"]
expect(attrs["sender@movies.example"]["VerificationStatus"] == "Success", "identity verified")
ses.create_configuration_set(ConfigurationSet={"Name": "strict-set"})
described = ses.describe_configuration_set(ConfigurationSetName="strict-set", ConfigurationSetAttributeNames=["reputationOptions", "deliveryOptions"])
expect(described["ConfigurationSet"]["Name"] == "strict-set", "configuration set described")
expect(described["ReputationOptions"]["SendingEnabled"] is True, "sending enabled by default")
ses.update_configuration_set_sending_enabled(ConfigurationSetName="strict-set", Enabled=True)
ses.put_configuration_set_delivery_options(ConfigurationSetName="strict-set", DeliveryOptions={"TlsPolicy": "Require"})
expect(
    ses.describe_configuration_set(ConfigurationSetName="strict-set", ConfigurationSetAttributeNames=["deliveryOptions"])["DeliveryOptions"]["TlsPolicy"] == "Require",
    "TLS policy kept",
)
sent = ses.send_email(
    Source="sender@movies.example",
    Destination={"ToAddresses": ["sender@movies.example"]},
    Message={"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "from boto3"}}},
    ConfigurationSetName="strict-set",
)
expect(bool(sent["MessageId"]), "v1 send returns a MessageId")
expect(error_code(lambda: ses.send_email(Source="nobody@else.example", Destination={"ToAddresses": ["a@b.example"]}, Message={"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}})) == "MessageRejected", "unverified sender rejected")
expect(error_code(lambda: ses.describe_configuration_set(ConfigurationSetName="missing")) == "ConfigurationSetDoesNotExist", "missing set")
ses.delete_configuration_set(ConfigurationSetName="strict-set")
ses.delete_identity(Identity="sender@movies.example")
expect(ses.list_identities()["Identities"] == [], "identity deleted")

v2 = client("sesv2")
created = v2.create_email_identity(EmailIdentity="v2@movies.example", Tags=[{"Key": "app", "Value": "movies"}])
expect(created["IdentityType"] == "EMAIL_ADDRESS", "v2 identity created")
expect(v2.get_email_identity(EmailIdentity="v2@movies.example")["VerifiedForSendingStatus"] is True, "v2 identity readable")
v2.create_configuration_set(ConfigurationSetName="strict-v2-set")
expect(v2.get_configuration_set(ConfigurationSetName="strict-v2-set")["ConfigurationSetName"] == "strict-v2-set", "v2 set readable")
out = v2.send_email(
    FromEmailAddress="v2@movies.example",
    Destination={"ToAddresses": ["v2@movies.example"]},
    Content={"Simple": {"Subject": {"Data": "v2"}, "Body": {"Text": {"Data": "from boto3 sesv2"}}}},
)
expect(bool(out["MessageId"]), "v2 send returns a MessageId")
v2.delete_configuration_set(ConfigurationSetName="strict-v2-set")
v2.delete_email_identity(EmailIdentity="v2@movies.example")
expect(error_code(lambda: v2.get_email_identity(EmailIdentity="v2@movies.example")) == "NotFoundException", "v2 identity gone")
print("ses ok")
