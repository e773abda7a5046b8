import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BENCHMARKS_DOC, replaceBenchSection } from "./report.js";

const BENCH_DIR = join(import.meta.dirname, "..");

describe("replaceBenchSection", () => {
  const doc = "# Benchmarks\n\nintro\n\n<!-- bench:a -->\nold a\n<!-- /bench:a -->\n\ntext between\n\n<!-- bench:b -->\nold b\n<!-- /bench:b -->\n";

  it("replaces only the named section and keeps the text around it", () => {
    const out = replaceBenchSection(doc, "b", "| new | table |");
    expect(out).toBe(doc.replace("old b", "| new | table |"));
    expect(out).toContain("old a");
    expect(out).toContain("text between");
  });

  it("appends a section the document does not have yet, under its own heading", () => {
    const out = replaceBenchSection(doc, "c", "new c");
    expect(out.startsWith(doc.trimEnd())).toBe(true);
    expect(out.endsWith("## c\n\n<!-- bench:c -->\nnew c\n<!-- /bench:c -->\n")).toBe(true);
  });

  it("refuses broken markers instead of overwriting the page", () => {
    expect(() => replaceBenchSection("<!-- /bench:a -->\n<!-- bench:a -->", "a", "x")).toThrow(/markers of section 'a' are broken/);
    expect(() => replaceBenchSection("<!-- bench:a -->\nno end", "a", "x")).toThrow(/broken/);
  });
});

describe("the bench scripts", () => {
  const doc = readFileSync(BENCHMARKS_DOC, "utf8");
  const scripts = readdirSync(BENCH_DIR).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));

  it.each(scripts)("%s publishes into a section docs/benchmarks.md has", (file) => {
    const source = readFileSync(join(BENCH_DIR, file), "utf8");
    const sections = [...source.matchAll(/publishBench\("([a-z0-9-]+)", import\.meta\.url/g)].map((m) => m[1]!);
    expect(sections.length, `${file} never calls publishBench`).toBeGreaterThan(0);
    for (const name of sections) {
      expect(doc).toContain(`<!-- bench:${name} -->`);
      expect(doc).toContain(`<!-- /bench:${name} -->`);
    }
  });
});
