import { execa, execaSync } from "execa";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANSI, BIN, REPO_ROOT, cliEnv, movies, tempHome } from "./support/movies-cli.js";
import { freePort } from "./support/free-port.js";

// The real binary as a subprocess, with nothing running and nothing deployed.

const COMMANDS = ["up", "down", "status", "deploy", "destroy", "seed", "call", "tail-events", "emails", "logs", "dev", "console", "doctor", "completion"];
let home: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  home = tempHome();
  env = cliEnv(home);
  // the first start may bundle the CLI; do it once here rather than inside a test's timeout
  await movies(["--help"], env);
});

describe("movies --help and usage errors", () => {
  it("--help exits 0 and lists every command", async () => {
    const r = await movies(["--help"], env);
    expect(r.exitCode).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, "m"));
  });

  it("call --help lists every verb", async () => {
    const r = await movies(["call", "--help"], env);
    expect(r.exitCode).toBe(0);
    for (const v of ["get", "list", "create", "update", "delete"]) expect(r.stdout).toMatch(new RegExp(`^  ${v}\\b`, "m"));
  });

  it("an unknown command exits 2 with a short message, not the whole help", async () => {
    const r = await movies(["deplyo"], env);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("unknown command 'deplyo'");
    expect(r.stderr).toContain("Did you mean deploy?");
    expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(3);
    expect(r.stdout).toBe("");
  });

  it.each([
    [["call", "get"], /missing required argument 'id'/],
    [["call", "create"], /nothing to send/],
    [["call", "create", "--data", "{nope"], /--data is not valid JSON/],
    [["call", "create", "--data", "{}", "--title", "X"], /either --data or --title/],
    [["up", "--port", "http"], /--port must be a port number/],
    [["up", "--port", "0"], /--port 0 .* only with --foreground/],
    [["--target", "moon", "status"], /unknown target "moon"/],
    [["seed", "--generate", "ten"], /--generate takes a whole number/],
    [["seed", "--generate", "3", "--file", "x.json"], /--file or --generate, not both/],
    [["seed", "--file", "does-not-exist.json"], /cannot read does-not-exist.json: ENOENT/],
    [["seed", "--file", "package.json"], /must hold a JSON array of movies/],
    [["tail-events", "--count", "0"], /--count must be a positive number/],
    [["tail-events", "--type", "MovieEaten"], /unknown event type "MovieEaten"/],
    [["logs", "--since", "yesterday"], /--since takes a duration/],
  ])("usage error %j exits 2 and says what was wrong", async (args, message) => {
    const r = await movies(args, env);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
  });
});

describe("nothing running, nothing deployed: exit 3 with the command that fixes it", () => {
  it.each([
    [["call", "get", "1"], /nothing is deployed to target "local"/, /movies deploy/],
    [["call", "list"], /nothing is deployed/, /movies deploy/],
    [["seed"], /nothing is deployed/, /movies deploy/],
    [["tail-events", "--timeout", "1"], /nothing is deployed/, /movies deploy/],
    [["logs"], /nothing is deployed/, /movies deploy/],
    [["deploy", "--hotswap"], /nothing is deployed/, /movies deploy/],
    [["emails"], /embedded cloud is not running/, /movies up/],
    [["console"], /embedded cloud is not running/, /movies up/],
  ])("%j", async (args, message, fix) => {
    const r = await movies(args, env);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(fix);
  });

  it("a recorded deployment whose cloud is gone: call exits 3 and says to start the cloud", async () => {
    const port = await freePort();
    const deadHome = tempHome();
    mkdirSync(join(deadHome, "deployments"), { recursive: true });
    writeFileSync(
      join(deadHome, "deployments", "local.json"),
      JSON.stringify({ target: "local", deployedAt: new Date().toISOString(), endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", outputs: { api_url: `http://127.0.0.1:${port}/restapis/x/live/_user_request_` } }),
    );
    const r = await movies(["call", "get", "1"], cliEnv(deadHome));
    rmSync(deadHome, { recursive: true, force: true });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(`cannot reach the API at http://127.0.0.1:${port}`);
    expect(r.stderr).toContain("movies up");
  });

  it("--endpoint where nothing answers: emails exits 3", async () => {
    const port = await freePort();
    const r = await movies(["--endpoint", `http://127.0.0.1:${port}`, "emails"], env);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(`nothing answers at http://127.0.0.1:${port}`);
  });

  it("down refuses to kill a recorded pid that is no longer the cloud, and leaves that process alone", async () => {
    const other = execa("sleep", ["60"], { reject: false });
    try {
      const port = await freePort();
      mkdirSync(home, { recursive: true });
      writeFileSync(join(home, "cloud.json"), JSON.stringify({ url: `http://127.0.0.1:${port}`, host: "127.0.0.1", port, pid: other.pid, startedAt: new Date().toISOString() }));
      const r = await movies(["down"], env);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain(`pid ${other.pid} is no longer the embedded cloud (it runs \`sleep 60\`); nothing was stopped`);
      expect(() => process.kill(other.pid!, 0)).not.toThrow();
      expect((await movies(["down"], env)).stdout).toContain("not running");
    } finally {
      other.kill("SIGKILL");
      await other;
    }
  });

  it("down with nothing running exits 0 and says so", async () => {
    const r = await movies(["down"], env);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("not running");
  });
});

describe("status and doctor", () => {
  it("status with nothing running says how to start", async () => {
    const r = await movies(["status"], env);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("target: local");
    expect(r.stdout).toMatch(/cloud: +not running \(start it with `movies up`\)/);
    expect(r.stdout).toContain("deployed: nothing yet (run `movies deploy`)");
  });

  it("status --json is machine-readable", async () => {
    const r = await movies(["status", "--json"], env);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ target: "local", cloud: null, deployments: {} });
  });

  it("MOVIES_TARGET picks the target", async () => {
    const r = await movies(["status", "--json"], cliEnv(home, { MOVIES_TARGET: "localstack" }));
    expect(JSON.parse(r.stdout).target).toBe("localstack");
  });

  it("doctor --json lists each check with its fix; the missing cloud fails the local target", async () => {
    const r = await movies(["doctor", "--json"], env);
    const report = JSON.parse(r.stdout) as { target: string; checks: { name: string; ok: boolean; detail: string; required: boolean; fix?: string }[] };
    expect(report.target).toBe("local");
    expect(report.checks.map((c) => c.name).sort()).toEqual(["aws credentials", "docker", "embedded cloud", "localstack", "node", "terraform"]);
    for (const c of report.checks) {
      expect(typeof c.ok).toBe("boolean");
      expect(typeof c.detail).toBe("string");
      expect(typeof c.required).toBe("boolean");
      if (!c.ok) expect(c.fix).toBeTruthy();
    }
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName.node).toMatchObject({ ok: true, required: true, detail: `v${process.versions.node}` });
    expect(byName["embedded cloud"]).toMatchObject({ ok: false, required: true });
    expect(byName["embedded cloud"]!.fix).toContain("movies up");
    expect(byName.terraform!.required).toBe(false);
    expect(r.exitCode).toBe(1);
  });
});

describe("plain output", () => {
  it("piped (not a TTY): no ANSI codes in output or errors", async () => {
    for (const args of [["status"], ["doctor"], ["call", "get", "1"], ["bogus"]]) {
      const r = await movies(args, env);
      expect(r.stdout + r.stderr).not.toMatch(ANSI);
    }
  });

  // `script` gives the CLI a real pseudo-terminal, so colour is on unless something turns it off
  const haveScript = (() => {
    try {
      return execaSync("script", ["--version"], { reject: false }).exitCode === 0;
    } catch {
      return false;
    }
  })();
  if (!haveScript) console.log("skipping TTY colour tests: util-linux `script` is not installed");

  describe.skipIf(!haveScript)("on a terminal", () => {
    const onTty = async (extra: Record<string, string | undefined>) => {
      const r = await execa("script", ["-qec", `${process.execPath} ${BIN} status`, "/dev/null"], {
        cwd: REPO_ROOT,
        env: cliEnv(home, { CI: undefined, NO_COLOR: undefined, TERM: "xterm-256color", ...extra }),
        reject: false,
        stdin: "ignore",
      });
      expect(r.exitCode).toBe(0);
      expect(String(r.stdout)).toContain("not running");
      return String(r.stdout);
    };

    it("is coloured", async () => {
      expect(await onTty({})).toMatch(ANSI);
    });

    it("NO_COLOR turns colour off", async () => {
      expect(await onTty({ NO_COLOR: "1" })).not.toMatch(ANSI);
    });

    it("CI=true turns colour off", async () => {
      expect(await onTty({ CI: "true" })).not.toMatch(ANSI);
    });
  });
});

describe("version, help, completion, closed pipes", () => {
  it("--version prints the package version", async () => {
    const r = await movies(["--version"], env);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version);
  });

  it.each([...COMMANDS, "call get", "call list", "call create", "call update", "call delete"])("%s --help shows examples and the global options", async (path) => {
    const r = await movies([...path.split(" "), "--help"], env);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/\nExamples:\n  \$ movies /);
    expect(r.stdout).toContain("Global Options:");
    expect(r.stdout).toMatch(/--target <target>/);
    expect(r.stdout).toMatch(/--endpoint <url>/);
  });

  it("call update --help says PUT replaces and the CLI merges", async () => {
    const r = await movies(["call", "update", "--help"], env);
    expect(r.stdout).toMatch(/PUT replaces the whole movie/);
    expect(r.stdout).toMatch(/reads the current one/);
  });

  it("the bash completion script can be sourced and completes commands, verbs and targets", async () => {
    const script = [
      "source <(" + `${process.execPath} ${BIN}` + " completion bash)",
      "complete -p movies",
      "COMP_WORDS=(movies de); COMP_CWORD=1; _movies_complete; echo \"cmds: ${COMPREPLY[*]}\"",
      "COMP_WORDS=(movies call up); COMP_CWORD=2; _movies_complete; echo \"verbs: ${COMPREPLY[*]}\"",
      "COMP_WORDS=(movies --target local deploy --ta); COMP_CWORD=4; _movies_complete; echo \"flags: ${COMPREPLY[*]}\"",
      "COMP_WORDS=(movies deploy --target l); COMP_CWORD=3; _movies_complete; echo \"targets: ${COMPREPLY[*]}\"",
    ].join("\n");
    const r = await execa("bash", ["-c", script], { cwd: REPO_ROOT, env: { ...process.env, ...env }, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain("complete -F _movies_complete movies");
    expect(r.stdout).toContain("cmds: deploy destroy dev\n");
    expect(r.stdout).toContain("verbs: update");
    expect(r.stdout).toContain("flags: --target");
    expect(r.stdout).toContain("targets: local localstack");
  });

  const haveZsh = execaSync("zsh", ["--version"], { reject: false }).exitCode === 0;
  it.skipIf(!haveZsh)("the zsh completion script registers with compinit and offers a command's verbs (skipped without zsh)", async () => {
    const script = [
      "autoload -U compinit; compinit -u",
      "source <(" + `${process.execPath} ${BIN}` + " completion zsh)",
      "print -r -- \"registered: ${_comps[movies]}\"",
      // stand in for zsh's completion builtins: words/CURRENT as zsh fills them, compadd prints its candidates
      "words=(movies call up); CURRENT=3; compadd() { shift; print -r -- \"cands: $*\"; }; _movies",
    ].join("\n");
    const r = await execa("zsh", ["-c", script], { cwd: REPO_ROOT, env: { ...process.env, ...env }, reject: false });
    expect(r.stdout).toContain("registered: _movies");
    expect(r.stdout).toMatch(/cands: get list create update delete --target/);
  });

  it.each(["zsh", "fish"])("completion %s prints a script naming every command", async (shell) => {
    const r = await movies(["completion", shell], env);
    expect(r.exitCode).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c);
  });

  it("completion for an unknown shell is a usage error", async () => {
    const r = await movies(["completion", "tcsh"], env);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no completion for "tcsh"');
  });

  // `| true` reads nothing and exits at once, so the CLI's first write meets a closed pipe (EPIPE)
  it.each([["status"], ["--help"], ["completion", "fish"], ["call", "--help"]])("%j | true ends quietly with exit 0", async (...args) => {
    const r = await execa("bash", ["-o", "pipefail", "-c", `${process.execPath} ${BIN} ${args.join(" ")} | true`], { cwd: REPO_ROOT, env: { ...process.env, ...env }, reject: false });
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(r.exitCode, r.stderr).toBe(0);
  });
});

afterAll(() => rmSync(home, { recursive: true, force: true }));
