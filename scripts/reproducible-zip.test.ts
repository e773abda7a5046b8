import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strToU8, unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { readZipEntries } from "../emulator/lambda/runtime/zip-entries.js";
import { reproducibleZip } from "./reproducible-zip.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const code = strToU8(`export const handler = async () => ${JSON.stringify("x".repeat(5000))};\n`);
const files = { "index.mjs": code, "vendor/b.mjs": strToU8("export const b = 2;\n"), "vendor/a.mjs": strToU8("export const a = 1;\n") };

describe("reproducibleZip", () => {
  it.each([0, 9] as const)("at level %i holds every file unchanged, readable by another zip reader and by the cloud's", (level) => {
    const zip = reproducibleZip(files, level);
    const back = unzipSync(zip);
    expect(Object.keys(back)).toEqual(["index.mjs", "vendor/a.mjs", "vendor/b.mjs"]);
    for (const [name, data] of Object.entries(files)) expect(Buffer.from(back[name]!).equals(Buffer.from(data))).toBe(true);
    const entries = readZipEntries(zip, 10_000_000);
    expect(entries.map((e) => [e.name, e.method, e.size])).toEqual([
      ["index.mjs", level === 0 ? 0 : 8, code.length],
      ["vendor/a.mjs", level === 0 ? 0 : 8, 20],
      ["vendor/b.mjs", level === 0 ? 0 : 8, 20],
    ]);
    if (level === 9) expect(zip.length).toBeLessThan(code.length / 4);
  });

  it("gives the same bytes for the same files in any order, and other bytes when a file changes", () => {
    const zip = reproducibleZip(files, 9);
    expect(reproducibleZip({ "vendor/a.mjs": files["vendor/a.mjs"], "vendor/b.mjs": files["vendor/b.mjs"], "index.mjs": code }, 9).equals(zip)).toBe(true);
    expect(reproducibleZip({ ...files, "vendor/a.mjs": strToU8("export const a = 3;\n") }, 9).equals(zip)).toBe(false);
  });

  it("unpacks with Python's zipfile to mode 0644 files dated 1980-01-01", () => {
    const dir = mkdtempSync(join(tmpdir(), "movies-zip-"));
    dirs.push(dir);
    writeFileSync(join(dir, "f.zip"), reproducibleZip(files, 9));
    let listing: string;
    try {
      listing = execFileSync("python3", ["-c", "import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nfor i in z.infolist(): print(i.filename, oct(i.external_attr >> 16), i.date_time)", join(dir, "f.zip")], { encoding: "utf8" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return; // no python3 here: the two readers above still ran
      throw e;
    }
    expect(listing.trim().split("\n")).toEqual([
      "index.mjs 0o100644 (1980, 1, 1, 0, 0, 0)",
      "vendor/a.mjs 0o100644 (1980, 1, 1, 0, 0, 0)",
      "vendor/b.mjs 0o100644 (1980, 1, 1, 0, 0, 0)",
    ]);
  });
});
