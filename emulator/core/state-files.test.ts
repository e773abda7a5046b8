import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Service } from "./service.js";
import { restoreServices, SnapshotWriter } from "./state-files.js";

function counter(name: string): Service & { value: number } {
  const s = {
    name,
    value: 0,
    claims: () => false,
    handle: async () => undefined,
    snapshot: () => ({ value: s.value }),
    restore: (state: unknown) => {
      s.value = (state as { value: number }).value;
    },
  };
  return s;
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("state files", () => {
  it("writes each snapshot as <service>.json, only when it changed, leaving no temp files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "movies-state-"));
    dirs.push(dir);
    const svc = counter("queue");
    const writer = new SnapshotWriter(dir, [svc]);
    svc.value = 1;
    await writer.flush();
    const first = await stat(join(dir, "queue.json"));
    await new Promise((r) => setTimeout(r, 20));
    await writer.flush();
    expect((await stat(join(dir, "queue.json"))).mtimeMs).toBe(first.mtimeMs);
    svc.value = 2;
    await writer.stop();
    expect(JSON.parse(await readFile(join(dir, "queue.json"), "utf8"))).toEqual({ value: 2 });
    expect(await readdir(dir)).toEqual(["queue.json"]);

    const again = counter("queue");
    await restoreServices(dir, [again, counter("absent")]);
    expect(again.value).toBe(2);
  });

  it("names the broken file and the way out when a snapshot is not JSON", async () => {
    const dir = await mkdtemp(join(tmpdir(), "movies-state-"));
    dirs.push(dir);
    await writeFile(join(dir, "queue.json"), "{not json");
    await expect(restoreServices(dir, [counter("queue")])).rejects.toThrow(/queue\.json is not valid JSON .*move it away/);
  });
});
