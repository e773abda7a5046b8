import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { StackError } from "./errors.js";
import { evaluateTemplate, evaluateValue, parseTemplate, referencesIn, type EvalScope, type RefTarget } from "./expressions.js";
import type { Value } from "./value.js";

const nodes: Record<string, Value> = {
  "var.region": "eu-west-1",
  "var.prefix": "demo",
  "var.count": 3,
  "var.enabled": true,
  "var.names": ["a", "b", "c"],
  "local.tags": { Team: "movies", Env: "dev" },
  "aws_sqs_queue.queue": { arn: "arn:aws:sqs:eu-west-1:000000000000:q", url: "http://127.0.0.1:4566/000000000000/q", name: "q" },
  "data.aws_iam_policy_document.x": { json: '{"Version":"2012-10-17"}' },
  "data.aws_caller_identity.current": { account_id: "000000000000" },
  "data.aws_region.current": { name: "eu-west-1", region: "eu-west-1" },
  "data.aws_partition.current": { partition: "aws" },
  "aws_lambda_function.fn": { environment: [{ variables: { A: "1" } }], tags: null },
};
const files: Record<string, string> = { "assets/code/ABC/archive.zip": "zip-bytes" };

const scope: EvalScope = {
  resolve(t: RefTarget): Value {
    if (t.address === "path.module") return ".";
    if (!(t.address in nodes)) throw new StackError("UnknownReference", `no ${t.address}`);
    return nodes[t.address];
  },
  readFile(path: string): Buffer {
    if (!(path in files)) throw new StackError("AssetNotFound", `no file ${path}`);
    return Buffer.from(files[path]);
  },
};

const ev = (src: string) => evaluateTemplate(src, scope);
const sha = (alg: string, s: string, enc: "hex" | "base64" = "hex") => createHash(alg).update(s).digest(enc);

describe("references and interpolation", () => {
  it("resolves resource, data, var, local and partition references", () => {
    expect(ev("${aws_sqs_queue.queue.arn}")).toBe("arn:aws:sqs:eu-west-1:000000000000:q");
    expect(ev("${data.aws_iam_policy_document.x.json}")).toBe('{"Version":"2012-10-17"}');
    expect(ev("${var.region}")).toBe("eu-west-1");
    expect(ev("${local.tags}")).toEqual({ Team: "movies", Env: "dev" });
    expect(ev("${data.aws_caller_identity.current.account_id}")).toBe("000000000000");
    expect(ev("${data.aws_region.current.name}/${data.aws_region.current.region}")).toBe("eu-west-1/eu-west-1");
    expect(ev("arn:${data.aws_partition.current.partition}:sqs")).toBe("arn:aws:sqs");
  });

  it("mixes literals and expressions, converting numbers and bools", () => {
    expect(ev("${var.prefix}-queue-${var.count}-${var.enabled}")).toBe("demo-queue-3-true");
    expect(ev("plain text")).toBe("plain text");
    expect(ev("escaped $${var.region} stays")).toBe("escaped ${var.region} stays");
    expect(ev("a   ${~ var.prefix ~}   b")).toBe("ademob");
  });

  it("keeps the type of a value that is a single interpolation", () => {
    expect(ev("${var.count}")).toBe(3);
    expect(ev("${var.enabled}")).toBe(true);
    expect(ev("${var.names}")).toEqual(["a", "b", "c"]);
    expect(ev("${null}")).toBeNull();
    expect(ev("${1.5}")).toBe(1.5);
    expect(ev('${"${var.count}"}')).toBe(3);
  });

  it("indexes lists and maps and follows attribute chains", () => {
    expect(ev("${var.names[1]}")).toBe("b");
    expect(ev('${local.tags["Team"]}')).toBe("movies");
    expect(ev("${aws_lambda_function.fn.environment[0].variables.A}")).toBe("1");
    expect(ev("${aws_lambda_function.fn.environment.0.variables.A}")).toBe("1");
    expect(ev('${split(",", "x,y,z")[2]}')).toBe("z");
    expect(ev("${var.names[*]}")).toEqual(["a", "b", "c"]);
  });

  it("evaluates operators and conditionals", () => {
    expect(ev("${var.count + 2 * 3}")).toBe(9);
    expect(ev("${(var.count + 2) * 3}")).toBe(15);
    expect(ev('${var.enabled ? "on" : "off"}')).toBe("on");
    expect(ev('${var.count > 5 || var.region == "eu-west-1"}')).toBe(true);
    expect(ev("${!var.enabled}")).toBe(false);
    expect(ev("${-var.count}")).toBe(-3);
  });

  it("evaluates tuple and object literals with nested templates, as cdktf emits jsonencode", () => {
    const src =
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Action" = "sqs:SendMessage", ' +
      '"Resource" = "arn:${data.aws_partition.current.partition}:sqs:${var.region}:q", "Condition" = {"ArnEquals" = {"aws:SourceArn" = aws_sqs_queue.queue.arn}}}]})}';
    expect(JSON.parse(ev(src) as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "sqs:SendMessage",
          Resource: "arn:aws:sqs:eu-west-1:q",
          Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:sqs:eu-west-1:000000000000:q" } },
        },
      ],
    });
    expect(ev("${{a: 1, b = [true, null]}}")).toEqual({ a: 1, b: [true, null] });
  });

  it("handles string escapes inside quoted strings", () => {
    expect(ev('${"a\\"b\\n\\u0041"}')).toBe('a"b\nA');
  });

  it("evaluates whole configuration values deeply", () => {
    expect(evaluateValue({ name: "${var.prefix}-t", n: 5, list: ["${var.count}", false], nested: { arn: "${aws_sqs_queue.queue.arn}" } }, scope)).toEqual({
      name: "demo-t",
      n: 5,
      list: [3, false],
      nested: { arn: "arn:aws:sqs:eu-west-1:000000000000:q" },
    });
  });

  it("lists the references a configuration makes", () => {
    const refs = referencesIn({ a: "${aws_sqs_queue.queue.arn}-${var.region}", b: ["${jsonencode(local.tags)}", "${data.aws_region.current.name}"], c: "${aws_sqs_queue.queue.url}" });
    expect(refs.map((r) => r.address)).toEqual(["aws_sqs_queue.queue", "var.region", "local.tags", "data.aws_region.current"]);
  });
});

describe("functions", () => {
  const cases: Array<[string, Value]> = [
    ['${jsonencode({"b" = 1, "a" = [true, null, "x<y&z"]})}', '{"a":[true,null,"x\\u003cy\\u0026z"],"b":1}'],
    ['${sha1("abc")}', sha("sha1", "abc")],
    ['${sha256("abc")}', sha("sha256", "abc")],
    ['${md5("abc")}', sha("md5", "abc")],
    ['${base64encode("hello")}', "aGVsbG8="],
    ['${base64sha256("abc")}', sha("sha256", "abc", "base64")],
    ['${filebase64sha256("assets/code/ABC/archive.zip")}', sha("sha256", "zip-bytes", "base64")],
    ['${filemd5("assets/code/ABC/archive.zip")}', sha("md5", "zip-bytes")],
    ['${join("-", ["a", "b"], ["c"])}', "a-b-c"],
    ['${split("/", "a/b/c")}', ["a", "b", "c"]],
    ["${element(var.names, 4)}", "b"],
    ['${lookup(local.tags, "Team")}', "movies"],
    ['${lookup(local.tags, "Owner", "nobody")}', "nobody"],
    ["${tostring(42)}", "42"],
    ["${tostring(true)}", "true"],
    ['${tonumber("42.5")}', 42.5],
    ['${format("%s-%03d-%v-%.2f-%q-%%", "a", 7, true, 3.14159, "q")}', 'a-007-true-3.14-"q"-%'],
    ['${replace("a.b.c", ".", "-")}', "a-b-c"],
    ['${replace("movie-123", "/([a-z]+)-(\\\\d+)/", "$2:$1")}', "123:movie"],
    ['${lower("AbC")}', "abc"],
    ['${upper("AbC")}', "ABC"],
    ['${concat(["a"], ["b", "c"])}', ["a", "b", "c"]],
    ['${merge({"a" = 1, "b" = 2}, {"b" = 3}, null)}', { a: 1, b: 3 }],
    ['${length("héllo")}', 5],
    ["${length(var.names)}", 3],
    ["${length(local.tags)}", 2],
    ['${toset(["b", "a", "b"])}', ["a", "b"]],
    ['${tolist(["x"])}', ["x"]],
    ['${flatten([["a"], [["b"]], "c"])}', ["a", "b", "c"]],
    ['${coalesce("", null, "x", "y")}', "x"],
    ['${trimprefix("arn:aws:x", "arn:")}', "aws:x"],
    ['${trimsuffix("file.zip", ".zip")}', "file"],
    ['${substr("hello world", 6, -1)}', "world"],
    ['${substr("hello", -3, 2)}', "ll"],
    ['${upper(join(",", concat(split("-", var.prefix), ["x"])))}', "DEMO,X"],
    ["${concat([var.names, [\"d\"]]...)}", ["a", "b", "c", "d"]],
  ];
  for (const [src, want] of cases) {
    it(`${src} evaluates as Terraform does`, () => {
      expect(ev(src)).toEqual(want);
    });
  }
});

describe("errors", () => {
  function errorOf(src: string): StackError {
    try {
      ev(src);
    } catch (e) {
      expect(e).toBeInstanceOf(StackError);
      return e as StackError;
    }
    throw new Error(`${src} did not fail`);
  }

  it("names an unknown function", () => {
    const e = errorOf("${frobnicate(var.region)}");
    expect(e.code).toBe("UnknownFunction");
    expect(e.message).toContain('"frobnicate"');
  });

  it("reports syntax errors with the expression", () => {
    const e = errorOf("${var.region");
    expect(e.code).toBe("ExpressionSyntax");
    expect(e.message).toContain("${var.region");
    expect(errorOf("${[for x in var.names : x]}").message).toContain("not supported");
  });

  it("reports a missing attribute with what exists", () => {
    const e = errorOf("${aws_sqs_queue.queue.nope}");
    expect(e.message).toContain('aws_sqs_queue.queue has no attribute "nope"');
    expect(e.message).toContain("arn, name, url");
  });

  it("refuses to interpolate lists and nulls into strings", () => {
    expect(errorOf("x-${var.names}").message).toContain("interpolates a list");
    expect(errorOf("x-${aws_lambda_function.fn.tags}").message).toContain("null");
  });

  it("reports bad arguments and out-of-range indexes", () => {
    expect(errorOf('${lookup(local.tags, "Owner")}').message).toContain('"Owner" not found');
    expect(errorOf('${tonumber("abc")}').message).toContain("tonumber()");
    expect(errorOf("${var.names[7]}").message).toContain("out of range");
    expect(errorOf("${count.index}").code).toBe("UnsupportedFeature");
  });

  it("parses each distinct template once", () => {
    expect(parseTemplate("${var.region}")).toBe(parseTemplate("${var.region}"));
  });
});
