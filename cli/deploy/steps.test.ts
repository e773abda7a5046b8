import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CliError } from "../errors.js";
import { Io } from "../io.js";
import { Steps } from "./steps.js";

function quietIo(): { io: Io; err: () => string } {
  let text = "";
  const sink = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
  return { io: new Io({ stdout: sink, stderr: sink, env: {} }), err: () => text };
}

describe("Steps", () => {
  it("an interrupt lets the running step finish and refuses the next, naming what was done", async () => {
    const { io, err } = quietIo();
    const steps = new Steps(io);
    await steps.run("build", async () => 1);
    const ran: string[] = [];
    await steps.run("synth", async () => {
      steps.interrupt();
      ran.push("synth finished");
    });
    const next = steps.run("apply", async () => ran.push("apply"));
    await expect(next).rejects.toThrow(CliError);
    await expect(next).rejects.toThrow('interrupted before "apply" (done: build, synth)');
    expect(ran).toEqual(["synth finished"]);
    expect(err()).toMatch(/✓ build \d+ ms\n✓ synth \d+ ms\n/);
  });
});
