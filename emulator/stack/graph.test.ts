import { describe, expect, it } from "vitest";
import { StackError } from "./errors.js";
import { buildGraph, parseStack, resourceDependencies } from "./graph.js";

function graphOf(json: unknown) {
  return buildGraph(parseStack(json));
}

function errorOf(fn: () => unknown): StackError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StackError);
    return e as StackError;
  }
  throw new Error("did not fail");
}

const stack = {
  variable: { prefix: { type: "string", default: "demo" } },
  locals: { queue_name: "${var.prefix}-queue" },
  data: {
    aws_iam_policy_document: { access: { statement: [{ actions: ["sqs:ReceiveMessage"], resources: ["${aws_sqs_queue.queue.arn}"] }] } },
  },
  resource: {
    aws_iam_role_policy: { policy: { role: "${aws_iam_role.role.id}", policy: "${data.aws_iam_policy_document.access.json}" } },
    aws_iam_role: { role: { name: "${var.prefix}-role", assume_role_policy: "{}" } },
    aws_sqs_queue: {
      queue: { name: "${local.queue_name}", redrive_policy: '${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.dlq.arn})}' },
      dlq: { name: "${var.prefix}-dlq" },
    },
    aws_lambda_function: { fn: { function_name: "f", depends_on: ["aws_sqs_queue.queue"], lifecycle: { create_before_destroy: true } } },
  },
  output: { queue_url: { value: "${aws_sqs_queue.queue.url}", sensitive: true } },
};

describe("parseStack", () => {
  it("collects variables, locals, data sources, resources and outputs with their meta-arguments", () => {
    const c = parseStack(stack);
    expect(c.variables.get("var.prefix")).toMatchObject({ name: "prefix", default: "demo", type: "string" });
    expect([...c.locals.keys()]).toEqual(["local.queue_name"]);
    expect([...c.dataSources.keys()]).toEqual(["data.aws_iam_policy_document.access"]);
    expect([...c.resources.keys()]).toEqual(["aws_iam_role_policy.policy", "aws_iam_role.role", "aws_sqs_queue.queue", "aws_sqs_queue.dlq", "aws_lambda_function.fn"]);
    const fn = c.resources.get("aws_lambda_function.fn")!;
    expect(fn.dependsOn).toEqual(["aws_sqs_queue.queue"]);
    expect(fn.lifecycle.createBeforeDestroy).toBe(true);
    expect(fn.body).toEqual({ function_name: "f" });
    expect(c.outputs.get("output.queue_url")).toMatchObject({ name: "queue_url", sensitive: true });
  });

  it("refuses count, for_each, modules and unknown blocks by name", () => {
    expect(errorOf(() => parseStack({ resource: { aws_sqs_queue: { q: { count: 2 } } } })).message).toContain('aws_sqs_queue.q uses "count"');
    expect(errorOf(() => parseStack({ resource: { aws_sqs_queue: { q: { for_each: "${toset([])}" } } } })).message).toContain('"for_each"');
    expect(errorOf(() => parseStack({ module: { m: {} } })).message).toContain('"module"');
    expect(errorOf(() => parseStack([])).code).toBe("InvalidStack");
  });
});

describe("buildGraph", () => {
  it("orders every node after what it references, keeping declaration order for ties", () => {
    const { order } = graphOf(stack);
    const before = (a: string, b: string) => expect(order.indexOf(a)).toBeLessThan(order.indexOf(b));
    before("var.prefix", "local.queue_name");
    before("local.queue_name", "aws_sqs_queue.queue");
    before("aws_sqs_queue.dlq", "aws_sqs_queue.queue");
    before("aws_sqs_queue.queue", "data.aws_iam_policy_document.access");
    before("data.aws_iam_policy_document.access", "aws_iam_role_policy.policy");
    before("aws_iam_role.role", "aws_iam_role_policy.policy");
    before("aws_sqs_queue.queue", "aws_lambda_function.fn");
    before("aws_sqs_queue.queue", "output.queue_url");
    expect(order).toHaveLength(9);
    expect(order.slice(0, 3)).toEqual(["var.prefix", "local.queue_name", "aws_iam_role.role"]);
  });

  it("finds resources reached through data sources and locals", () => {
    const g = graphOf(stack);
    expect(resourceDependencies(g, "aws_iam_role_policy.policy").sort()).toEqual(["aws_iam_role.role", "aws_sqs_queue.queue"]);
    expect(resourceDependencies(g, "aws_sqs_queue.queue")).toEqual(["aws_sqs_queue.dlq"]);
    expect(resourceDependencies(g, "aws_lambda_function.fn")).toEqual(["aws_sqs_queue.queue"]);
  });

  it("reports a cycle with the path that closes it", () => {
    const e = errorOf(() =>
      graphOf({
        resource: {
          aws_sqs_queue: { a: { name: "${aws_sns_topic.t.name}" } },
          aws_sns_topic: { t: { name: "${local.n}" } },
          aws_iam_role: { free: { name: "r" } },
        },
        locals: { n: "${aws_sqs_queue.a.arn}" },
      }),
    );
    expect(e.code).toBe("DependencyCycle");
    expect(e.message).toContain("local.n -> aws_sqs_queue.a -> aws_sns_topic.t -> local.n (each depends on the next)");
    expect(e.message).not.toContain("aws_iam_role.free");
  });

  it("reports a cycle made by depends_on", () => {
    const e = errorOf(() => graphOf({ resource: { aws_sqs_queue: { a: { depends_on: ["aws_sqs_queue.b"] }, b: { depends_on: ["aws_sqs_queue.a"] } } } }));
    expect(e.message).toMatch(/aws_sqs_queue\.[ab] -> aws_sqs_queue\.[ab] -> aws_sqs_queue\.[ab]/);
  });

  it("names a reference to something the stack does not declare", () => {
    const e = errorOf(() => graphOf({ resource: { aws_sqs_queue: { a: { name: "${var.nope}" } } } }));
    expect(e.code).toBe("UnknownReference");
    expect(e.message).toBe("aws_sqs_queue.a refers to var.nope, which is not declared in the stack");
    expect(errorOf(() => graphOf({ resource: { aws_sqs_queue: { a: { depends_on: ["aws_sns_topic.gone"] } } } })).message).toContain("aws_sns_topic.gone");
  });
});
