import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { applyStack, uploadedAssetResolver, type AppliedState } from "../stack/index.js";
import { FunctionRegistry } from "./functions.js";
import { lambdaResourceProviders } from "./stack-providers.js";
import { handlerZip, TEST_ROLE } from "./test-support/handler-zip.js";

const ACCOUNT = "000000000000";
const REGION = "us-east-1";
const ASSET = "assets/get-movie/0123abcd/archive.zip";

const registry = new FunctionRegistry({ spareWorkers: false });
const seen: string[] = [];
const providers = lambdaResourceProviders(registry, { onFunction: (c) => seen.push(`${c.FunctionName}@${c.Role}`), onFunctionDeleted: (n) => seen.push(`-${n}`) });

afterAll(() => registry.close());

function zipOf(result: string): Buffer {
  return Buffer.from(handlerZip({ "index.js": `exports.handler = async () => ({ result: ${JSON.stringify(result)}, table: process.env.TABLE_NAME ?? null });` }));
}

function stack(opts: { table?: string; withPermission?: boolean; withFunction?: boolean; zip: Buffer }) {
  const hash = createHash("sha256").update(opts.zip).digest("base64");
  const resource: Record<string, unknown> = {};
  if (opts.withFunction !== false) {
    resource.aws_lambda_function = {
      get_movie: {
        function_name: "get-movie",
        role: TEST_ROLE,
        handler: "index.handler",
        runtime: "nodejs22.x",
        filename: ASSET,
        source_code_hash: hash,
        timeout: 10,
        memory_size: 256,
        ...(opts.table ? { environment: { variables: { TABLE_NAME: opts.table } } } : {}),
      },
    };
    if (opts.withPermission) {
      resource.aws_lambda_permission = {
        apigw: {
          statement_id: "AllowApiGateway",
          action: "lambda:InvokeFunction",
          function_name: "${aws_lambda_function.get_movie.function_name}",
          principal: "apigateway.amazonaws.com",
          source_arn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:abc123/*/*`,
        },
      };
    }
  }
  return {
    resource,
    output: {
      invoke_arn: { value: opts.withFunction === false ? "none" : "${aws_lambda_function.get_movie.invoke_arn}" },
    },
  };
}

async function apply(json: object, zip: Buffer, previous?: AppliedState) {
  return applyStack(json, { providers, accountId: ACCOUNT, region: REGION, assetResolver: uploadedAssetResolver({ [ASSET]: zip }), previous });
}

async function call(): Promise<unknown> {
  return JSON.parse((await registry.invoke("get-movie", "{}")).payload);
}

describe("lambdaResourceProviders applied by the stack engine", () => {
  it("creates the function from the zip asset with the attributes Terraform computes", async () => {
    const zip = zipOf("v1");
    const result = await apply(stack({ table: "Movies", withPermission: true, zip }), zip);
    const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:get-movie`;
    expect(result.outputs.invoke_arn?.value).toBe(`arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations`);
    expect(result.state.resources["aws_lambda_function.get_movie"]?.attributes).toMatchObject({ arn, qualified_arn: `${arn}:$LATEST`, version: "$LATEST" });
    expect(await call()).toEqual({ result: "v1", table: "Movies" });
    expect(registry.get("get-movie")).toMatchObject({ Timeout: 10, MemorySize: 256 });
    expect(registry.allowsInvoke("get-movie", { service: "apigateway.amazonaws.com", sourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:abc123/live/GET/movies/1` })).toBe(true);
    expect(seen).toContain(`get-movie@${TEST_ROLE}`);

    // Same stack again: nothing changes, the warm environment stays.
    const again = await apply(stack({ table: "Movies", withPermission: true, zip }), zip, result.state);
    expect(registry.stats("get-movie").started).toBe(1);

    // New code and a new environment variable, without the permission.
    const zip2 = zipOf("v2");
    const changed = await apply(stack({ table: "Movies2", withPermission: false, zip: zip2 }), zip2, again.state);
    expect(await call()).toEqual({ result: "v2", table: "Movies2" });
    expect(registry.policy("get-movie")).toBeUndefined();

    // Environment block removed: the variables go too.
    const bare = await apply(stack({ withPermission: false, zip: zip2 }), zip2, changed.state);
    expect(await call()).toEqual({ result: "v2", table: null });

    await apply(stack({ withFunction: false, zip: zip2 }), zip2, bare.state);
    expect(registry.has("get-movie")).toBe(false);
    expect(seen).toContain("-get-movie");
  });

  it("refuses code it cannot run, naming the resource", async () => {
    const json = {
      resource: { aws_lambda_function: { from_s3: { function_name: "from-s3", role: TEST_ROLE, handler: "index.handler", runtime: "nodejs22.x", s3_bucket: "b", s3_key: "k.zip" } } },
    };
    await expect(apply(json, zipOf("x"))).rejects.toThrow(/s3_bucket.*not supported/);
  });
});
