import { execa, execaSync } from "execa";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "./support/free-port.js";
import { BIN, REPO_ROOT, cliEnv, tempHome } from "./support/movies-cli.js";

// `movies dev` on a real pseudo-terminal (util-linux `script`): the dashboard
// is drawn before the cloud even starts, with a spinner and the step under
// way, and shows each function's build on its way to "deployed and seeded".

const haveScript = (() => {
  try {
    return execaSync("script", ["--version"], { reject: false }).exitCode === 0;
  } catch {
    return false;
  }
})();
if (!haveScript) console.log("skipping the dev dashboard test: util-linux `script` is not installed");

const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
const plain = (s: string) => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");

describe.skipIf(!haveScript)("movies dev on a terminal", { timeout: 180_000 }, () => {
  it("draws the dashboard from the first frame: spinner and step before the cloud's URL, then per-function builds, then ready", async () => {
    const home = tempHome("movies-dev-tty-");
    const port = await freePort();
    // a pseudo-terminal here has no size; give it one so ink lays out lines, not columns
    const dev = execa("script", ["-qec", `stty cols 160 rows 50; ${process.execPath} ${BIN} dev --port ${port}`, "/dev/null"], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...cliEnv(home, { CI: undefined, NO_COLOR: undefined, TERM: "xterm-256color" }) },
      reject: false,
      stdin: "ignore",
    });
    let out = "";
    try {
      await new Promise<void>((resolve, reject) => {
        dev.stdout!.on("data", (c: Buffer) => {
          out += c.toString();
          if (plain(out).includes("deployed and seeded; ready")) resolve();
        });
        dev.then(() => reject(new Error(`dev ended before it was ready:\n${plain(out)}`)));
      });
    } finally {
      dev.kill("SIGINT");
      await dev;
      rmSync(home, { recursive: true, force: true });
    }
    const text = plain(out);
    const firstFrame = text.indexOf("movies dev cloud starting… api not deployed yet");
    const cloudUrl = text.indexOf(`movies dev cloud http://127.0.0.1:${port}`);
    expect(firstFrame).toBeGreaterThanOrEqual(0);
    expect(cloudUrl).toBeGreaterThan(firstFrame);
    // the spinner turns in the very first frame, before the cloud has a URL
    expect(text.slice(firstFrame, cloudUrl)).toMatch(new RegExp(`${SPINNER.source} (loading|starting the embedded cloud)`));
    // each function's build is listed on the way
    for (const fn of ["get-movie", "list-movies", "create-movie", "update-movie", "delete-movie", "email-notification"]) {
      expect(text).toMatch(new RegExp(`[·=✓…${SPINNER.source.slice(1, -1)}] ${fn}`));
    }
  });

  it("lists a request's trace, opens its waterfall with Enter, goes back with Esc, and Ctrl-C still stops dev", async () => {
    const home = tempHome("movies-dev-keys-");
    const port = await freePort();
    // stdin piped into `script`, which passes our keys to the pseudo-terminal dev reads in raw mode
    const dev = execa("script", ["-qfc", `stty cols 160 rows 50; ${process.execPath} ${BIN} dev --port ${port}`, "/dev/null"], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...cliEnv(home, { CI: undefined, NO_COLOR: undefined, TERM: "xterm-256color" }) },
      reject: false,
      stdin: "pipe",
    });
    let out = "";
    dev.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    const seen = async (pattern: RegExp, from = 0) => {
      const deadline = Date.now() + 150_000;
      while (!pattern.test(plain(out).slice(from))) {
        if (Date.now() > deadline || dev.exitCode !== null) throw new Error(`never saw ${pattern}:\n${plain(out).slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return plain(out).length;
    };
    try {
      await seen(/deployed and seeded; ready/);
      const api = (JSON.parse(readFileSync(join(home, "deployments", "local.json"), "utf8")) as { outputs: { api_url: string } }).outputs.api_url;
      expect((await fetch(`${api}/movies/1`)).status).toBe(200);
      const listed = await seen(/› \d\d:\d\d:\d\d GET \/movies\/\{movieID\}\s+[\d.]+ m?s\s+\d+ spans 0 errors/);
      dev.stdin!.write("\r");
      const opened = await seen(/trace [0-9a-f]{32}  GET \/movies\/\{movieID\}[^\n]*\n[^\n]*apigateway request GET \/movies\/\{movieID\}[\s\S]*dynamodb GetItem[\s\S]*Esc: back to the dashboard/, listed);
      dev.stdin!.write("\u001b");
      await seen(/↑\/↓ choose · Enter opens the waterfall/, opened);
      dev.stdin!.write("\u0003");
      const ended = await Promise.race([dev, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 60_000))]);
      expect(ended === "timeout" ? "still running" : "stopped").toBe("stopped");
      expect(plain(out)).toContain("movies dev stopped");
    } finally {
      if (dev.exitCode === null) dev.kill("SIGKILL");
      await dev;
      rmSync(home, { recursive: true, force: true });
    }
  });
});
