import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sourceFingerprint } from "./function-builds.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function repo(): string {
  const root = mkdtempSync(join(tmpdir(), "movies-fingerprint-"));
  dirs.push(root);
  mkdirSync(join(root, "handlers", "get-movie"), { recursive: true });
  mkdirSync(join(root, "handlers", "shared"), { recursive: true });
  writeFileSync(join(root, "handlers", "get-movie", "handler.ts"), 'import { a } from "../shared/a.js";\nexport const handler = async () => a;\n');
  writeFileSync(join(root, "handlers", "shared", "a.ts"), "export const a = 1;\n");
  writeFileSync(join(root, "package-lock.json"), "{}\n");
  return root;
}

describe("a function's source fingerprint", () => {
  it("is reused while the files it was taken over are unchanged, and follows an edit and a new import", async () => {
    const root = repo();
    const first = (await sourceFingerprint(root, "get-movie"))!;
    expect(first.inputs).toEqual(["handlers/get-movie/handler.ts", "handlers/shared/a.ts"]);
    expect(await sourceFingerprint(root, "get-movie", { ...first, sha256: "x" })).toEqual(first);

    writeFileSync(join(root, "handlers", "shared", "a.ts"), "export const a = 2;\n");
    const edited = (await sourceFingerprint(root, "get-movie", { ...first, sha256: "x" }))!;
    expect(edited.fingerprint).not.toBe(first.fingerprint);

    // a new import is an edit of a file in the graph, so the graph is taken again and includes the new file
    writeFileSync(join(root, "handlers", "shared", "b.ts"), "export const b = 3;\n");
    writeFileSync(join(root, "handlers", "get-movie", "handler.ts"), 'import { a } from "../shared/a.js";\nimport { b } from "../shared/b.js";\nexport const handler = async () => a + b;\n');
    const imported = (await sourceFingerprint(root, "get-movie", { ...edited, sha256: "x" }))!;
    expect(imported.inputs).toContain("handlers/shared/b.ts");
    writeFileSync(join(root, "handlers", "shared", "b.ts"), "export const b = 4;\n");
    expect((await sourceFingerprint(root, "get-movie", { ...imported, sha256: "x" }))!.fingerprint).not.toBe(imported.fingerprint);
  });
});
