import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from "@aws-sdk/client-iam";
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCloud, type Cloud } from "../cloud.js";

const ACCOUNT = "000000000000";
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const READ = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "*" }] });
const BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

describe("IAM API with the SDK v3 IAM client", () => {
  let cloud: Cloud;
  let iam: IAMClient;
  beforeAll(async () => {
    cloud = await startCloud({ port: 0 });
    iam = new IAMClient({ endpoint: cloud.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
  });
  afterAll(async () => {
    iam?.destroy();
    await cloud?.stop();
  });

  it("creates, reads, updates, tags and lists roles; documents come back URL-encoded", async () => {
    const created = await iam.send(
      new CreateRoleCommand({ RoleName: "api-role", Path: "/service-role/", AssumeRolePolicyDocument: TRUST, Description: "d", Tags: [{ Key: "app", Value: "movies" }] }),
    );
    expect(created.Role).toMatchObject({ RoleName: "api-role", Path: "/service-role/", Arn: `arn:aws:iam::${ACCOUNT}:role/service-role/api-role`, MaxSessionDuration: 3600, Description: "d" });
    expect(created.Role!.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(created.Role!.CreateDate).toBeInstanceOf(Date);
    expect(decodeURIComponent(created.Role!.AssumeRolePolicyDocument!)).toBe(TRUST);
    expect(created.Role!.AssumeRolePolicyDocument).toBe(encodeURIComponent(TRUST));

    await expect(iam.send(new CreateRoleCommand({ RoleName: "api-role", AssumeRolePolicyDocument: TRUST }))).rejects.toMatchObject({
      name: "EntityAlreadyExistsException",
      $metadata: { httpStatusCode: 409 },
    });
    await expect(iam.send(new CreateRoleCommand({ RoleName: "bad", AssumeRolePolicyDocument: '{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}' }))).rejects.toMatchObject({
      name: "MalformedPolicyDocumentException",
    });
    await expect(iam.send(new CreateRoleCommand({ RoleName: "bad role", AssumeRolePolicyDocument: TRUST }))).rejects.toMatchObject({ name: "ValidationError" });

    await iam.send(new UpdateRoleCommand({ RoleName: "api-role", Description: "new", MaxSessionDuration: 7200 }));
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "api-role", PolicyDocument: TRUST.replace("lambda", "edgelambda") }));
    await iam.send(new TagRoleCommand({ RoleName: "api-role", Tags: [{ Key: "team", Value: "a" }] }));
    await iam.send(new UntagRoleCommand({ RoleName: "api-role", TagKeys: ["app"] }));
    const got = (await iam.send(new GetRoleCommand({ RoleName: "api-role" }))).Role!;
    expect(got).toMatchObject({ Description: "new", MaxSessionDuration: 7200, Tags: [{ Key: "team", Value: "a" }] });
    expect(decodeURIComponent(got.AssumeRolePolicyDocument!)).toContain("edgelambda.amazonaws.com");
    expect((await iam.send(new ListRoleTagsCommand({ RoleName: "api-role" }))).Tags).toEqual([{ Key: "team", Value: "a" }]);
    const listed = await iam.send(new ListRolesCommand({ PathPrefix: "/service-role/" }));
    expect(listed.Roles!.map((r) => r.RoleName)).toEqual(["api-role"]);
    expect(listed.IsTruncated).toBe(false);
    expect((await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: "api-role" }))).InstanceProfiles).toEqual([]);
    await expect(iam.send(new GetRoleCommand({ RoleName: "nope" }))).rejects.toMatchObject({
      name: "NoSuchEntityException",
      message: "The role with name nope cannot be found.",
      $metadata: { httpStatusCode: 404 },
    });
  });

  it("keeps inline policies, managed policies with versions, and attachments, with IAM's conflicts", async () => {
    await iam.send(new CreateRoleCommand({ RoleName: "p-role", AssumeRolePolicyDocument: TRUST }));
    await iam.send(new PutRolePolicyCommand({ RoleName: "p-role", PolicyName: "read", PolicyDocument: READ }));
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: "p-role" }))).PolicyNames).toEqual(["read"]);
    const inline = await iam.send(new GetRolePolicyCommand({ RoleName: "p-role", PolicyName: "read" }));
    expect(decodeURIComponent(inline.PolicyDocument!)).toBe(READ);

    const policy = (await iam.send(new CreatePolicyCommand({ PolicyName: "logs", PolicyDocument: READ, Description: "x" }))).Policy!;
    expect(policy).toMatchObject({ Arn: `arn:aws:iam::${ACCOUNT}:policy/logs`, DefaultVersionId: "v1", AttachmentCount: 0, IsAttachable: true });
    await iam.send(new AttachRolePolicyCommand({ RoleName: "p-role", PolicyArn: policy.Arn }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: "p-role", PolicyArn: BASIC }));
    expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "p-role" }))).AttachedPolicies).toEqual([
      { PolicyName: "logs", PolicyArn: policy.Arn },
      { PolicyName: "AWSLambdaBasicExecutionRole", PolicyArn: BASIC },
    ]);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: policy.Arn }))).Policy!.AttachmentCount).toBe(1);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: BASIC }))).Policy).toMatchObject({ PolicyName: "AWSLambdaBasicExecutionRole", Path: "/service-role/", DefaultVersionId: "v1" });
    const basic = await iam.send(new GetPolicyVersionCommand({ PolicyArn: BASIC, VersionId: "v1" }));
    expect(JSON.parse(decodeURIComponent(basic.PolicyVersion!.Document!)).Statement[0].Action).toContain("logs:PutLogEvents");
    expect((await iam.send(new ListPoliciesCommand({ Scope: "Local" }))).Policies!.map((p) => p.PolicyName)).toEqual(["logs"]);

    const v2 = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: policy.Arn, PolicyDocument: READ.replace("GetItem", "Query"), SetAsDefault: true }));
    expect(v2.PolicyVersion).toMatchObject({ VersionId: "v2", IsDefaultVersion: true });
    const versions = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: policy.Arn }));
    expect(versions.Versions!.map((v) => [v.VersionId, v.IsDefaultVersion])).toEqual([
      ["v2", true],
      ["v1", false],
    ]);
    for (let i = 0; i < 3; i++) await iam.send(new CreatePolicyVersionCommand({ PolicyArn: policy.Arn, PolicyDocument: READ }));
    await expect(iam.send(new CreatePolicyVersionCommand({ PolicyArn: policy.Arn, PolicyDocument: READ }))).rejects.toMatchObject({ name: "LimitExceededException" });
    await expect(iam.send(new DeletePolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: "v2" }))).rejects.toMatchObject({ name: "DeleteConflictException" });

    await expect(iam.send(new DeleteRoleCommand({ RoleName: "p-role" }))).rejects.toMatchObject({ name: "DeleteConflictException", $metadata: { httpStatusCode: 409 } });
    await expect(iam.send(new DeletePolicyCommand({ PolicyArn: policy.Arn }))).rejects.toMatchObject({ name: "DeleteConflictException" });
    await iam.send(new DeleteRolePolicyCommand({ RoleName: "p-role", PolicyName: "read" }));
    await iam.send(new DetachRolePolicyCommand({ RoleName: "p-role", PolicyArn: policy.Arn }));
    await iam.send(new DetachRolePolicyCommand({ RoleName: "p-role", PolicyArn: BASIC }));
    await iam.send(new DeleteRoleCommand({ RoleName: "p-role" }));
    for (const v of ["v1", "v3", "v4", "v5"]) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: v }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: policy.Arn }));
    await expect(iam.send(new GetPolicyCommand({ PolicyArn: policy.Arn }))).rejects.toMatchObject({ name: "NoSuchEntityException" });
  });

  it("answers every action with its Result element (empty when the model's output is empty) and the request id", async () => {
    const form = (body: string) =>
      fetch(cloud.url, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=${"0".repeat(64)}`,
        },
        body,
      });
    await iam.send(new CreateRoleCommand({ RoleName: "x-role", AssumeRolePolicyDocument: TRUST }));
    const update = await (await form("Action=UpdateRole&Version=2010-05-08&RoleName=x-role&Description=z")).text();
    expect(update).toMatch(/<UpdateRoleResponse xmlns="https:\/\/iam.amazonaws.com\/doc\/2010-05-08\/"><UpdateRoleResult(?:\/>|><\/UpdateRoleResult>)<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId>/);
    const missing = await form("Action=GetRole&Version=2010-05-08&RoleName=ghost");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("<Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name ghost cannot be found.</Message></Error>");
  });

  it("agrees with boto3 on the XML", async () => {
    const probe = spawnSync("python3", ["-c", "import boto3"], { encoding: "utf8" });
    if (probe.status !== 0) {
      console.warn(`boto3 check skipped: python3 with boto3 is not available (${(probe.stderr || probe.error?.message || "").trim()})`);
      return;
    }
    const script = `
import boto3, json, sys
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
iam.create_role(RoleName="boto-role", AssumeRolePolicyDocument=sys.argv[2], Tags=[{"Key": "k", "Value": "v"}])
iam.put_role_policy(RoleName="boto-role", PolicyName="p", PolicyDocument=sys.argv[3])
arn = iam.create_policy(PolicyName="boto-policy", PolicyDocument=sys.argv[3])["Policy"]["Arn"]
iam.attach_role_policy(RoleName="boto-role", PolicyArn=arn)
iam.update_role(RoleName="boto-role", MaxSessionDuration=7200)
role = iam.get_role(RoleName="boto-role")["Role"]
out = {
  "trust": role["AssumeRolePolicyDocument"],
  "max": role["MaxSessionDuration"],
  "tags": role["Tags"],
  "inline": iam.get_role_policy(RoleName="boto-role", PolicyName="p")["PolicyDocument"],
  "attached": iam.list_attached_role_policies(RoleName="boto-role")["AttachedPolicies"],
  "version": iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"],
  "profiles": iam.list_instance_profiles_for_role(RoleName="boto-role")["InstanceProfiles"],
}
try:
  iam.delete_role(RoleName="boto-role")
except iam.exceptions.DeleteConflictException as e:
  out["conflict"] = e.response["Error"]["Code"]
print(json.dumps(out))
`;
    // Asynchronously: the cloud answering boto3 runs in this process.
    const run = await promisify(execFile)("python3", ["-c", script, cloud.url, TRUST, READ], { encoding: "utf8", env: { ...process.env, AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" } });
    expect(run.stderr).toBe("");
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    // botocore URL-decodes and parses IAM's policy documents, as it does against AWS.
    expect(out).toEqual({
      trust: JSON.parse(TRUST),
      max: 7200,
      tags: [{ Key: "k", Value: "v" }],
      inline: JSON.parse(READ),
      attached: [{ PolicyName: "boto-policy", PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/boto-policy` }],
      version: JSON.parse(READ),
      profiles: [],
      conflict: "DeleteConflict",
    });
  });
});
