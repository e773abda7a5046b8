import { describe, expect, it } from "vitest";
import { applyStack, uploadedAssetResolver, type AppliedState } from "../stack/index.js";
import { AwsError } from "../core/aws-error.js";
import { checkCall } from "./authorize.js";
import { PrincipalRegistry } from "./principals.js";
import { iamResourceProviders } from "./stack-providers.js";

const ACCOUNT = "000000000000";
const REGION = "us-east-1";
const TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Movies`;

/** The IAM half of a MoviesStack-like synth: a role per function, a policy document, attachments. */
function stack(opts: { getItem: boolean; extraManaged?: boolean }) {
  const actions = opts.getItem ? ["dynamodb:GetItem", "dynamodb:Query"] : ["dynamodb:Query"];
  return {
    data: {
      aws_iam_policy_document: {
        assume: { statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] }] },
        read: { statement: [{ sid: "ReadMovies", actions, resources: [TABLE, `${TABLE}/index/*`] }] },
        publish: { statement: [{ actions: ["sns:Publish"], resources: ["*"] }] },
      },
    },
    resource: {
      aws_iam_role: {
        get_movie: {
          name: "get-movie-role",
          assume_role_policy: "${data.aws_iam_policy_document.assume.json}",
          ...(opts.extraManaged ? { managed_policy_arns: ["arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"] } : {}),
          inline_policy: [{ name: "publish", policy: "${data.aws_iam_policy_document.publish.json}" }],
        },
      },
      aws_iam_role_policy: {
        read: { name: "read-movies", role: "${aws_iam_role.get_movie.name}", policy: "${data.aws_iam_policy_document.read.json}" },
      },
      aws_iam_policy: {
        logs: {
          name: "movies-logs",
          policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "logs:*", Resource: "*" }] }),
        },
      },
      aws_iam_role_policy_attachment: {
        basic: { role: "${aws_iam_role.get_movie.name}", policy_arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" },
        logs: { role: "${aws_iam_role.get_movie.name}", policy_arn: "${aws_iam_policy.logs.arn}" },
      },
    },
    output: { role_arn: { value: "${aws_iam_role.get_movie.arn}" }, policy_arn: { value: "${aws_iam_policy.logs.arn}" } },
  };
}

async function apply(registry: PrincipalRegistry, json: object, previous?: AppliedState) {
  return applyStack(json, { providers: iamResourceProviders(registry), accountId: ACCOUNT, region: REGION, assetResolver: uploadedAssetResolver({}), previous });
}

describe("iamResourceProviders applied by the stack engine", () => {
  it("creates roles and policies so a registered function is judged by them", async () => {
    const registry = new PrincipalRegistry({ accountId: ACCOUNT });
    const result = await apply(registry, stack({ getItem: true }));
    expect(result.outputs.role_arn!.value).toBe(`arn:aws:iam::${ACCOUNT}:role/get-movie-role`);
    expect(result.outputs.policy_arn!.value).toBe(`arn:aws:iam::${ACCOUNT}:policy/movies-logs`);
    expect(result.state.resources["aws_iam_role.get_movie"]!.attributes.unique_id).toMatch(/^AROA[A-Z2-7]{17}$/);

    registry.registerFunction("get-movie", String(result.outputs.role_arn!.value));

    const { accessKeyId } = registry.issueSession("get-movie");
    const principal = registry.principalFor(accessKeyId);
    expect(registry.identityPoliciesOf(principal).map((p) => p.name)).toEqual([
      `arn:aws:iam::${ACCOUNT}:role/get-movie-role (inline policy publish)`,
      `arn:aws:iam::${ACCOUNT}:role/get-movie-role (inline policy read-movies)`,
      "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
      `arn:aws:iam::${ACCOUNT}:policy/movies-logs`,
    ]);
    const call = (operation: string, input: Record<string, unknown>, service = "dynamodb") => ({ service, operation, input, region: REGION, accountId: ACCOUNT, accessKeyId });
    expect(() => checkCall(call("GetItem", { TableName: "Movies" }), registry)).not.toThrow();
    expect(() => checkCall(call("Query", { TableName: "Movies", IndexName: "ByGenre" }), registry)).not.toThrow();
    expect(() => checkCall(call("Publish", { TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:t` }, "sns"), registry)).not.toThrow();
    expect(() => checkCall(call("PutItem", { TableName: "Movies" }), registry)).toThrow(AwsError);
  });

  it("re-applying a variant without dynamodb:GetItem takes effect on the next call; removed attachments are detached", async () => {
    const registry = new PrincipalRegistry({ accountId: ACCOUNT });
    const first = await apply(registry, stack({ getItem: true, extraManaged: true }));
    registry.registerFunction("get-movie", `arn:aws:iam::${ACCOUNT}:role/get-movie-role`);
    const { accessKeyId } = registry.issueSession("get-movie");
    const getItem = { service: "dynamodb", operation: "GetItem", input: { TableName: "Movies" }, region: REGION, accountId: ACCOUNT, accessKeyId };
    const xray = { service: "xray", operation: "PutTraceSegments", input: {}, region: REGION, accountId: ACCOUNT, accessKeyId };
    expect(() => checkCall(xray, registry)).not.toThrow();

    const second = await apply(registry, stack({ getItem: false }), first.state);
    expect(second.changes.filter((c) => c.action !== "noop").map((c) => `${c.action} ${c.address}`).sort()).toEqual([
      "update aws_iam_role.get_movie",
      "update aws_iam_role_policy.read",
    ]);
    expect(() => checkCall(getItem, registry)).toThrow(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/get-movie-role/get-movie is not authorized to perform: dynamodb:GetItem on resource: ${TABLE} because no identity-based policy allows the dynamodb:GetItem action`,
    );
    expect(() => checkCall(xray, registry)).toThrow(AwsError);

    await apply(registry, {}, second.state);
    expect(registry.identityPoliciesOf(registry.principalFor(accessKeyId))).toEqual([]);
  });

  it("reports a malformed inline policy and an unknown managed policy by name", async () => {
    const registry = new PrincipalRegistry({ accountId: ACCOUNT });
    const bad = stack({ getItem: true }) as ReturnType<typeof stack> & { resource: Record<string, unknown> };
    bad.resource.aws_iam_role_policy = { read: { name: "read", role: "${aws_iam_role.get_movie.name}", policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetItem","Resource":"*"}]}' } };
    await expect(apply(registry, bad)).rejects.toThrow(/"GetItem" is not an action/);
    const unknown = stack({ getItem: true });
    unknown.resource.aws_iam_role_policy_attachment.basic.policy_arn = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess";
    await expect(apply(new PrincipalRegistry({ accountId: ACCOUNT }), unknown)).rejects.toThrow(/AmazonDynamoDBFullAccess does not exist or is not attachable/);
  });
});
