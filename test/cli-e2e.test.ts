import { GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { ListSubscriptionsByTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stableId } from "../cli/seed/movie-rows.js";
import { freePort } from "./support/free-port.js";
import { BIN, REPO_ROOT, cliEnv, movies, spawnMovies, tempHome } from "./support/movies-cli.js";

// The real `movies` binary against an embedded cloud it starts itself on a free
// port, with its records in a temporary MOVIES_HOME. The tests run in order and
// share that cloud: up, deploy, seed, call, tail-events, emails, logs, hotswap, down.

const VEGA = join(REPO_ROOT, "node_modules", "vega-datasets", "data", "movies.json");
const HANDLER = join(REPO_ROOT, "handlers", "get-movie", "handler.ts");
const ORIGINAL_HANDLER = readFileSync(HANDLER, "utf8");

interface Movie {
  id: string;
  title: string;
  rating: number;
  genres: string[];
}
interface Deployment {
  target: string;
  endpoint: string;
  outputs: Record<string, string>;
}

let home: string;
let env: Record<string, string | undefined>;
let cloudUrl: string;
let deployment: Deployment;
let cloudPid: number | undefined;
const aws = () => ({ region: "us-east-1", endpoint: cloudUrl, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
const functionName = (name: string) => (JSON.parse(deployment.outputs.function_names!) as Record<string, string>)[name]!;

async function ok(args: string[]): Promise<string> {
  const r = await movies(args, env);
  if (r.exitCode !== 0) throw new Error(`movies ${args.join(" ")} exited ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const json = async <T>(args: string[]): Promise<T> => JSON.parse(await ok([...args, "--json"])) as T;
const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>);

async function listAll(): Promise<Movie[]> {
  return (await json<{ items: Movie[] }>(["call", "list", "--all", "--limit", "100"])).items;
}

/** Resolves when the process has written a line matching `pattern` to stderr (or stdout). */
function stderrLine(proc: ResultPromise, pattern: RegExp, timeoutMs = 30_000, stream: "stderr" | "stdout" = "stderr"): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`no ${stream} line matching ${pattern} within ${timeoutMs} ms; got:\n${seen}`)), timeoutMs);
    proc[stream]!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.then((r) => {
      clearTimeout(timer);
      if (!pattern.test(seen)) reject(new Error(`exited ${r.exitCode} before ${pattern}:\n${seen}`));
    });
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function tempQueuesAndSubscriptions(): Promise<{ queues: string[]; subscriptions: string[] }> {
  const sqs = new SQSClient(aws());
  const sns = new SNSClient(aws());
  try {
    const queues = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "movies-tail-" }))).QueueUrls ?? [];
    const subs = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: deployment.outputs.topic_arn }))).Subscriptions ?? [];
    return { queues, subscriptions: subs.map((s) => s.Endpoint ?? "").filter((e) => e.includes("movies-tail-")) };
  } finally {
    sqs.destroy();
    sns.destroy();
  }
}

async function codeShas(): Promise<Record<string, string>> {
  const lambda = new LambdaClient(aws());
  try {
    const names = Object.keys(JSON.parse(deployment.outputs.function_names!) as Record<string, string>);
    const shas = await Promise.all(names.map(async (n) => (await lambda.send(new GetFunctionCommand({ FunctionName: functionName(n) }))).Configuration!.CodeSha256!));
    return Object.fromEntries(names.map((n, i) => [n, shas[i]!]));
  } finally {
    lambda.destroy();
  }
}

beforeAll(async () => {
  home = tempHome("movies-e2e-");
  env = cliEnv(home);
  const port = await freePort();
  const up = await movies(["up", "--port", String(port)], env);
  expect(up.exitCode, up.stderr).toBe(0);
  cloudUrl = `http://127.0.0.1:${port}`;
  expect(up.stdout).toContain(`movies cloud ready at ${cloudUrl}`);
  cloudPid = (JSON.parse(readFileSync(join(home, "cloud.json"), "utf8")) as { pid: number }).pid;
});

afterAll(async () => {
  if (readFileSync(HANDLER, "utf8") !== ORIGINAL_HANDLER) writeFileSync(HANDLER, ORIGINAL_HANDLER);
  if (existsSync(join(home, "cloud.json"))) await movies(["down"], env);
  if (cloudPid) {
    try {
      process.kill(cloudPid, "SIGKILL");
    } catch {
      // already gone, as it should be
    }
  }
  rmSync(home, { recursive: true, force: true });
});

describe("movies end to end on the embedded cloud", { timeout: 180_000 }, () => {
  it("up: status shows the cloud running where it was started", async () => {
    const status = await json<{ cloud: { url: string; running: boolean }; deployments: object }>(["status"]);
    expect(status.cloud).toMatchObject({ url: cloudUrl, running: true });
    expect(status.deployments).toEqual({});
  });

  it("deploy applies the stack to the running cloud and records the outputs", async () => {
    const r = await movies(["deploy", "--json"], env);
    expect(r.exitCode, r.stderr).toBe(0);
    deployment = JSON.parse(r.stdout) as Deployment;
    expect(deployment.target).toBe("local");
    expect(deployment.endpoint).toBe(cloudUrl);
    expect(deployment.outputs.api_url).toMatch(new RegExp(`^${cloudUrl}/restapis/\\w+/live/_user_request_$`));
    expect(deployment.outputs.table_name).toBeTruthy();
    expect(deployment.outputs.topic_arn).toMatch(/^arn:aws:sns:/);
    expect(deployment.outputs.queue_url).toContain(cloudUrl);
    expect(r.stderr).toMatch(/✓ apply to the embedded cloud/);
  });

  it("deploy again changes nothing", async () => {
    const r = await movies(["deploy"], env);
    expect(r.exitCode, r.stderr).toBe(0);
    // the running cloud holds the stack as last applied and the same code: nothing is synthesized or applied
    expect(r.stderr).toContain("stack and code unchanged");
    expect(r.stderr).not.toContain("apply to the embedded cloud");
    expect(r.stdout).toContain(`API      ${deployment.outputs.api_url}`);
  });

  it("seed writes the tutorial's four movies, and `call get 1` prints The Matrix", async () => {
    expect(await ok(["seed"])).toMatch(/^seeded 4 movies into /);
    const out = await ok(["call", "get", "1"]);
    expect(out).toMatch(/^200\n/);
    expect(out).toContain('"title": "The Matrix"');
    expect(await json<Movie>(["call", "get", "1"])).toEqual({ id: "1", title: "The Matrix", rating: 8.7, genres: ["Action", "Sci-Fi"] });
    expect(await json<Movie>(["call", "get", "4"])).toMatchObject({ title: "Star Wars: Episode V - The Empire Strikes Back", rating: 8.7 });
  });

  it("seeding again does not duplicate", async () => {
    const before = await listAll();
    await ok(["seed"]);
    expect((await listAll()).length).toBe(before.length);
  });

  it("call get of a missing id exits 1 and shows the 404", async () => {
    const r = await movies(["call", "get", "no-such-movie"], env);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^404\n/);
    expect(r.stdout).toContain("Movie not found");
  });

  it("call create with a bad body exits 1 and shows the 400 body", async () => {
    const r = await movies(["call", "create", "--title", "", "--rating", "11", "--genre", "Drama"], env);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^400\n/);
    const body = JSON.parse(r.stdout.slice(r.stdout.indexOf("{"))) as { errors: { field: string }[] };
    expect(body.errors.map((e) => e.field).sort()).toEqual(["rating", "title"]);

    const data = await movies(["call", "create", "--data", '{"title":"Heat","rating":"high","genres":["Crime"]}', "--json"], env);
    expect(data.exitCode).toBe(1);
    expect((JSON.parse(data.stdout) as { errors: { field: string }[] }).errors[0]!.field).toBe("rating");
  });

  it("call list pages; --all follows every page", async () => {
    const page = await json<{ items: Movie[]; nextToken?: string }>(["call", "list", "--limit", "2"]);
    expect(page.items).toHaveLength(2);
    expect(page.nextToken).toBeTruthy();
    const all = (await json<{ items: Movie[] }>(["call", "list", "--all", "--limit", "2"])).items;
    expect(all.map((m) => m.id).sort()).toEqual(["1", "2", "3", "4"]);
  });

  it("call update with one field reads the movie and keeps the others (PUT replaces; the CLI merges)", async () => {
    const before = await json<Movie>(["call", "get", "2"]);
    const updated = await json<Movie>(["call", "update", "2", "--rating", "8.5"]);
    expect(updated).toEqual({ ...before, rating: 8.5 });
    expect(await json<Movie>(["call", "get", "2"])).toEqual({ ...before, rating: 8.5 });
    // --replace sends only what was given: the API's own 400 names the missing fields
    const replaced = await movies(["call", "update", "2", "--replace", "--rating", "8.6", "--json"], env);
    expect(replaced.exitCode).toBe(1);
    expect(replaced.stdout).toContain("title is required");
    const missing = await movies(["call", "update", "does-not-exist", "--rating", "5"], env);
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toMatch(/^404\n/);
    await ok(["call", "update", "2", "--rating", String(before.rating)]);
  });

  it("call list piped is JSON; --table is a table; status shows the API URL alone on its line", async () => {
    const piped = await ok(["call", "list"]);
    expect((JSON.parse(piped) as { items: Movie[] }).items.length).toBeGreaterThan(0);
    const table = (await ok(["call", "list", "--table", "--all"])).trim().split("\n");
    expect(table[0]).toMatch(/^ID\s+RATING\s+TITLE\s+GENRES$/);
    expect(table).toHaveLength(5);
    expect(table.find((l) => l.startsWith("1 "))).toMatch(/^1\s+[\d.]+\s+\S.*\s{2}\S/);
    const status = await ok(["status"]);
    expect(status).toContain(`  API              ${deployment.outputs.api_url}/movies\n`);
    // on a terminal (util-linux `script` gives one) the default is the table
    const tty = await execa("script", ["-qec", `stty cols 160 rows 50; ${process.execPath} ${BIN} call list`, "/dev/null"], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, CI: undefined, NO_COLOR: "1", TERM: "xterm-256color" },
      reject: false,
      stdin: "ignore",
    });
    if (tty.exitCode !== undefined && !/not found|ENOENT/.test(String(tty.stderr))) {
      expect(String(tty.stdout)).toMatch(/^ID\s+RATING\s+TITLE\s+GENRES\r?$/m);
    }
  });

  // `| true` reads nothing and exits at once, so the CLI's first write meets a closed pipe (EPIPE) every time
  it("a closed pipe ends quietly with exit 0: status, call list, logs --follow", async () => {
    for (const args of [["status"], ["call", "list", "--table", "--all"], ["logs", "--since", "1h", "--follow"], ["call", "list"]]) {
      const r = await execa("bash", ["-o", "pipefail", "-c", `${process.execPath} ${BIN} ${args.join(" ")} | true`], { cwd: REPO_ROOT, env, extendEnv: true, reject: false, timeout: 30_000 });
      expect(r.stderr, args.join(" ")).not.toMatch(/EPIPE|\n\s+at /);
      expect(r.exitCode, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    }
    const head = await execa("bash", ["-o", "pipefail", "-c", `${process.execPath} ${BIN} status | head -1`], { cwd: REPO_ROOT, env, extendEnv: true, reject: false });
    expect(head.exitCode, head.stderr).toBe(0);
    expect(head.stdout).toMatch(/^target: local$/);
  });

  let created: Movie;

  it("create, update and delete a movie", async () => {
    const r = await movies(["call", "create", "--title", "E2E Heat", "--rating", "8.3", "--genre", "Crime", "--genre", "Drama"], env);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^201\n/);
    created = JSON.parse(r.stdout.slice(r.stdout.indexOf("{"))) as Movie;
    expect(created).toMatchObject({ title: "E2E Heat", rating: 8.3, genres: ["Crime", "Drama"] });
    expect(await json<Movie>(["call", "get", created.id])).toEqual(created);

    const updated = await json<Movie>(["call", "update", created.id, "--data", '{"title":"E2E Heat (1995)","rating":8.4,"genres":["Crime"]}']);
    expect(updated).toEqual({ id: created.id, title: "E2E Heat (1995)", rating: 8.4, genres: ["Crime"] });

    const del = await movies(["call", "delete", created.id], env);
    expect(del.exitCode).toBe(0);
    expect(del.stdout.trim()).toBe(`204 deleted movie ${created.id}`);
    const gone = await movies(["call", "get", created.id], env);
    expect(gone.exitCode).toBe(1);
    expect(gone.stdout).toMatch(/^404\n/);
  });

  it("emails shows the three emails of that movie", async () => {
    const mails = await until("three emails for the created movie", async () => {
      const found = lines(await ok(["emails", "--json"])).filter((m) => JSON.stringify(m).includes(created.id));
      return found.length >= 3 ? found : undefined;
    });
    expect(mails.map((m) => m.Subject).sort()).toEqual(["Movie Deleted. ID: " + created.id, "Movie Updated: E2E Heat (1995)", "New Movie Added: E2E Heat"].sort());
    const plain = await ok(["emails"]);
    expect(plain).toContain("New Movie Added: E2E Heat");
    expect(plain).toContain("-> developer@example.com");
  });

  it("logs get-movie shows that function's invocations", async () => {
    const events = lines(await ok(["logs", "get-movie", "--json", "--since", "1h"]));
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.function))).toEqual(new Set([functionName("get-movie")]));
    expect(events.some((e) => String(e.message).startsWith("REPORT RequestId:"))).toBe(true);
    const plain = await ok(["logs", "get-movie"]);
    expect(plain).toMatch(/^\d{4}-\d\d-\d\dT\S+ get-movie START RequestId: /m);
  });

  it("tail-events --json sees a created movie and ends at --count", async () => {
    const tail = spawnMovies(["tail-events", "--json", "--count", "1", "--timeout", "60"], env);
    await stderrLine(tail, /following events on /);
    const title = `Tailed ${Date.now()}`;
    const made = await json<Movie>(["call", "create", "--title", title, "--rating", "5", "--genre", "Drama"]);
    const r = await tail;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const [event] = lines(String(r.stdout));
    expect(event).toMatchObject({ type: "MovieCreated", id: made.id, title });
    expect(String(event!.traceId)).toMatch(/^[0-9a-f]{32}$/);
    expect(await tempQueuesAndSubscriptions()).toEqual({ queues: [], subscriptions: [] });
  });

  it("tail-events --type filters; after SIGINT no temporary queue or subscription remains", async () => {
    const tail = spawnMovies(["tail-events", "--json", "--type", "MovieDeleted"], env);
    const out = { text: "" };
    tail.stdout!.on("data", (chunk: Buffer) => (out.text += chunk.toString()));
    await stderrLine(tail, /following events on /);
    const during = await tempQueuesAndSubscriptions();
    expect(during.queues).toHaveLength(1);
    expect(during.subscriptions).toHaveLength(1);

    const made = await json<Movie>(["call", "create", "--title", "Short-lived", "--rating", "2", "--genre", "Horror"]);
    await ok(["call", "delete", made.id]);
    await until("the MovieDeleted event", async () => (out.text.includes(made.id) ? true : undefined));
    tail.kill("SIGINT");
    const r = await tail;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const events = lines(String(r.stdout));
    expect(events.map((e) => e.type)).toEqual(["MovieDeleted"]);
    expect(events[0]).toMatchObject({ id: made.id });
    expect(await tempQueuesAndSubscriptions()).toEqual({ queues: [], subscriptions: [] });
  });

  it("seed --file reads the vega-datasets movies: writes the valid rows, reports the bad ones; --strict exits 1", async () => {
    const rows = JSON.parse(readFileSync(VEGA, "utf8")) as Record<string, unknown>[];
    const before = (await listAll()).length;
    const report = await json<{ rows: number; written: number; duplicates: number; rejectedRows: number; rejected: { row: number; field: string; reason: string }[] }>([
      "seed",
      "--file",
      VEGA,
    ]);
    expect(report.rows).toBe(rows.length);
    expect(report.rejectedRows).toBeGreaterThan(0);
    expect(report.written + report.duplicates + report.rejectedRows).toBe(rows.length);
    for (const r of report.rejected) {
      expect(r.row).toBeGreaterThanOrEqual(1);
      expect(["title", "rating", "genres"]).toContain(r.field.split(".")[0]);
      expect(r.reason).toBeTruthy();
    }
    // a row without a genre is rejected and named
    const noGenre = rows.findIndex((r) => r["Major Genre"] === null && typeof r["IMDB Rating"] === "number");
    expect(report.rejected).toContainEqual(expect.objectContaining({ row: noGenre + 1, field: "genres" }));
    // a good row is stored under its stable id, readable through the API
    const good = rows.find((r) => typeof r.Title === "string" && typeof r["IMDB Rating"] === "number" && typeof r["Major Genre"] === "string")!;
    const id = stableId({ title: String(good.Title), rating: good["IMDB Rating"] as number, genres: [good["Major Genre"] as string] });
    expect(await json<Movie>(["call", "get", id])).toMatchObject({ title: String(good.Title), rating: good["IMDB Rating"] });
    expect((await listAll()).length).toBe(before + report.written);

    const strict = await movies(["seed", "--file", VEGA, "--strict"], env);
    expect(strict.exitCode).toBe(1);
    expect(strict.stdout).toMatch(new RegExp(`^seeded ${report.written} movies into .*; ${report.rejectedRows} rows rejected:`));
    expect((await listAll()).length).toBe(before + report.written);
  });

  it("deploy --hotswap after a change under handlers/ replaces only that function's code", async () => {
    const before = await codeShas();
    const probe = `probe-${Date.now()}`;
    try {
      writeFileSync(HANDLER, ORIGINAL_HANDLER.replace("json(200, movie)", `json(200, movie, { "x-hotswap-probe": "${probe}" })`));
      expect(readFileSync(HANDLER, "utf8")).toContain(probe);
      const swapped = await json<{ updated: string[] }>(["deploy", "--hotswap"]);
      expect(swapped.updated).toEqual([functionName("get-movie")]);
      const after = await codeShas();
      for (const [name, sha] of Object.entries(before)) {
        if (name === "get-movie") expect(after[name]).not.toBe(sha);
        else expect(after[name]).toBe(sha);
      }
      const verbose = await ok(["call", "get", "1", "--verbose"]);
      expect(verbose).toContain(`x-hotswap-probe: ${probe}`);
      expect(verbose).toContain('"title": "The Matrix"');
    } finally {
      writeFileSync(HANDLER, ORIGINAL_HANDLER);
    }
    const back = await json<{ updated: string[] }>(["deploy", "--hotswap"]);
    expect(back.updated).toEqual([functionName("get-movie")]);
    expect(await codeShas()).toEqual(before);
    expect(await ok(["call", "get", "1", "--verbose"])).not.toContain("x-hotswap-probe");
    expect((await json<{ updated: string[] }>(["deploy", "--hotswap"])).updated).toEqual([]);
  });

  it("down stops the cloud; then call exits 3 and says to deploy", async () => {
    const r = await movies(["down"], env);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`movies cloud stopped (${cloudUrl})`);
    expect(() => process.kill(cloudPid!, 0)).toThrow();
    cloudPid = undefined;
    const status = await json<{ cloud: unknown; deployments: object }>(["status"]);
    expect(status).toMatchObject({ cloud: null, deployments: {} });
    const call = await movies(["call", "get", "1"], env);
    expect(call.exitCode).toBe(3);
    expect(call.stderr).toContain("run `movies deploy --target local` first");
    const emails = await movies(["emails"], env);
    expect(emails.exitCode).toBe(3);
    expect(emails.stderr).toContain("movies up");
  });
});

describe("the dev loop and a foreground cloud", { timeout: 180_000 }, () => {
  it("movies dev (piped: plain lines) deploys, seeds, serves, reports requests, events and emails, and cleans up on SIGINT", async () => {
    const devHome = tempHome("movies-dev-");
    const devEnv = cliEnv(devHome);
    const port = await freePort();
    const dev = spawnMovies(["dev", "--port", String(port)], devEnv);
    try {
      await stderrLine(dev, new RegExp(`movies dev: cloud http://127.0.0.1:${port}, api `), 120_000, "stdout");
      const got = await movies(["call", "get", "1", "--json"], devEnv);
      expect(got.exitCode, got.stderr).toBe(0);
      expect(JSON.parse(got.stdout)).toMatchObject({ id: "1", title: "The Matrix" });
      const seen = stderrLine(dev, /event MovieCreated \S+ Dev Loop Movie[\s\S]*email New Movie Added: Dev Loop Movie|email New Movie Added: Dev Loop Movie[\s\S]*event MovieCreated \S+ Dev Loop Movie/, 30_000, "stdout");
      const made = await movies(["call", "create", "--title", "Dev Loop Movie", "--rating", "5", "--genre", "Drama"], devEnv);
      expect(made.exitCode, made.stderr).toBe(0);
      await seen;
      // a syntax error on save: the whole esbuild error, with file:line:column and the line itself
      const broken = stderrLine(dev, /build failed[\s\S]*handlers\/get-movie\/handler\.ts:\d+:\d+: Unexpected[\s\S]*\n {4}export const broken = \(;\n {4} +\^/, 60_000, "stdout");
      writeFileSync(HANDLER, `${ORIGINAL_HANDLER}\nexport const broken = (;\n`);
      try {
        await broken;
      } finally {
        writeFileSync(HANDLER, ORIGINAL_HANDLER);
      }
      dev.kill("SIGINT");
      const r = await dev;
      expect(r.exitCode, String(r.stderr)).toBe(0);
      expect(String(r.stdout)).toMatch(/^request 200 GET \/movies\/1 /m);
      expect(String(r.stdout)).toMatch(/^request 201 POST \/movies /m);
      expect(String(r.stderr)).toContain("movies dev stopped");
      expect(existsSync(join(devHome, "cloud.json"))).toBe(false);
      expect(existsSync(join(devHome, "deployments", "local.json"))).toBe(false);
    } finally {
      dev.kill("SIGKILL");
      rmSync(devHome, { recursive: true, force: true });
    }
  });

  it("up --foreground --port 0 serves until SIGINT", async () => {
    const fgHome = tempHome("movies-fg-");
    const fg = spawnMovies(["up", "--foreground", "--port", "0"], cliEnv(fgHome));
    try {
      await stderrLine(fg, /movies cloud ready at http:\/\/127\.0\.0\.1:\d+/, 60_000, "stdout");
      const record = JSON.parse(readFileSync(join(fgHome, "cloud.json"), "utf8")) as { url: string; port: number };
      expect(record.port).toBeGreaterThan(0);
      expect((await fetch(`${record.url}/_movies/health`)).status).toBe(200);
      fg.kill("SIGINT");
      const r = await fg;
      expect(r.exitCode).toBe(0);
      expect(String(r.stdout)).toContain("movies cloud stopped");
      expect(existsSync(join(fgHome, "cloud.json"))).toBe(false);
    } finally {
      fg.kill("SIGKILL");
      rmSync(fgHome, { recursive: true, force: true });
    }
  });
});
