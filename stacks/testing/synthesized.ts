import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StackConfigInput } from "../config.js";
import { synthStack, type SynthResult, type TerraformJson } from "../synth.js";
import { writeFunctionZips } from "./function-zips.js";

/** Synthesizes the stack into a temp folder with throwaway function zips. */
export async function synthForTest(input: Omit<StackConfigInput, "functionsDir"> & { functionsDir?: string }): Promise<SynthResult> {
  const scratch = await mkdtemp(join(tmpdir(), "movies-synth-"));
  const functionsDir = input.functionsDir ?? (await writeFunctionZips());
  return synthStack({ stateDir: join(scratch, "state"), ...input, functionsDir }, { outdir: join(scratch, "cdktf.out") });
}

export type Block = Record<string, unknown>;

export function resource(json: TerraformJson, type: string, id: string): Block {
  const found = json.resource[type]?.[id];
  if (!found) throw new Error(`no ${type}.${id} in the synthesized stack`);
  return found;
}

export function resources(json: TerraformJson, type: string): Record<string, Block> {
  return json.resource[type] ?? {};
}

export function dataSource(json: TerraformJson, type: string, id: string): Block {
  const found = json.data?.[type]?.[id];
  if (!found) throw new Error(`no data.${type}.${id} in the synthesized stack`);
  return found;
}

export interface Statement {
  sid?: string;
  effect: string;
  actions: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
}

/** The statements of the aws_iam_policy_document that `${data.aws_iam_policy_document.X.json}` points at. */
export function policyStatements(json: TerraformJson, reference: unknown): Statement[] {
  const match = /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/.exec(String(reference));
  if (!match) throw new Error(`expected a reference to a policy document, got ${String(reference)}`);
  return dataSource(json, "aws_iam_policy_document", match[1]!).statement as Statement[];
}

/** "action on resource" pairs, sorted, for exact comparison. */
export function grants(statements: Statement[]): string[] {
  return statements.flatMap((s) => s.actions.flatMap((a) => (s.resources ?? []).map((r) => `${a} on ${r}`))).sort();
}
